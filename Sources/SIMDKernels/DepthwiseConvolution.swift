// A depthwise convolution over a SIMD vector type (see MatrixProduct.swift for why everything
// here is @inlinable).

/// A depthwise convolution with its epilogue, channel after channel: `y[c, oh, ow] = f((Σₜ weights[c · taps + t]
/// · x[c · paddedPlane + (oh · stride) · paddedWidth + ow · stride + tapOffsets[t]] + bias[c]) · scale[c] +
/// shift[c])` for outputs of `outputHeight` × `outputWidth` (row-major, planes one after the other), `f` as in
/// ``affineActivation(_:_:rows:count:xStride:bias:scale:shift:residual:slope:into:yStride:)``; a nil bias,
/// scale or shift is 0, 1, 0.
///
/// `x` holds the channels' zero-padded input planes, rows `paddedWidth` apart, and `tapOffsets[t]` where tap
/// `t` (row-major over the kernel) reads from an output's top-left pixel, so that consecutive outputs of
/// stride 1 read consecutive pixels for every tap. Stride 1 with rows of at least a vector: each output row
/// in whole vectors straight into `y` (the last one overlapping the one before). Otherwise the kernel
/// computes runs of consecutive stride-1 positions into `runs`, then copies the wanted ones out: one run over
/// the padded rows for stride 1 (position `oh · paddedWidth + ow`), one per output row otherwise, every
/// `stride`-th wanted; `runs` holds `outputHeight · paddedWidth + 16` values, and `x` is readable a vector
/// past its last pixel. Every output gets the same arithmetic wherever it falls in a vector: the taps' sum
/// (a 3×3 kernel's rows apart, then together), then `sum · scale + (bias · scale + shift)` in one fused
/// multiply-add, then the activation. The loop over channels is here rather than the caller's: on
/// MobileNet's 8×8 and 4×4 maps a channel is a handful of vectors.
@inlinable
public func depthwiseConvolution<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, channels: Int, paddedPlane: Int, paddedWidth: Int,
  tapOffsets: UnsafePointer<Int>, weights: UnsafePointer<Float>, taps: Int, stride: Int, outputHeight: Int,
  outputWidth: Int, bias: UnsafePointer<Float>?, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?,
  slope: Float?, runs: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  let activation: AffineActivation = slope == nil ? .identity : slope == 0 ? .relu : .leaky
  // One loop per activation, its choice known inside, rather than a test per vector.
  let pass = { (activation: AffineActivation) in
    for c in 0..<channels {
      let plane = DepthwisePlane(
        x: x + c * paddedPlane, paddedWidth: paddedWidth, tapOffsets: tapOffsets, weights: weights + c * taps,
        taps: taps, stride: stride, outputHeight: outputHeight, outputWidth: outputWidth)
      let epilogue = DepthwiseEpilogue<V>(
        bias: bias?[c] ?? 0, scale: scale?[c] ?? 1, shift: shift?[c] ?? 0, activation: activation, slope: slope)
      let target = y + c * outputHeight * outputWidth
      if taps == 9 {
        plane.run(epilogue, runs: runs, into: target, sum: ThreeByThreeTaps<V>(plane))
      } else {
        plane.run(epilogue, runs: runs, into: target, sum: AnyTaps<V>(plane))
      }
    }
  }
  switch activation {
  case .identity: pass(.identity)
  case .relu: pass(.relu)
  case .leaky: pass(.leaky)
  }
}

/// One channel's padded input, its taps and its output's shape (see
/// ``depthwiseConvolution(_:_:channels:paddedPlane:paddedWidth:tapOffsets:weights:taps:stride:outputHeight:outputWidth:bias:scale:shift:slope:runs:into:)``).
@usableFromInline struct DepthwisePlane {
  @usableFromInline let x: UnsafePointer<Float>
  @usableFromInline let paddedWidth: Int
  @usableFromInline let tapOffsets: UnsafePointer<Int>
  @usableFromInline let weights: UnsafePointer<Float>
  @usableFromInline let taps, stride, outputHeight, outputWidth: Int

  @inlinable init(
    x: UnsafePointer<Float>, paddedWidth: Int, tapOffsets: UnsafePointer<Int>, weights: UnsafePointer<Float>,
    taps: Int, stride: Int, outputHeight: Int, outputWidth: Int
  ) {
    (self.x, self.paddedWidth, self.tapOffsets, self.weights) = (x, paddedWidth, tapOffsets, weights)
    (self.taps, self.stride, self.outputHeight, self.outputWidth) = (taps, stride, outputHeight, outputWidth)
  }

  /// The whole output: row by row straight into `y` where rows are whole vectors' worth, else through `runs`.
  @inlinable @inline(__always)
  func run<V, Sum: DepthwiseTaps>(
    _ epilogue: DepthwiseEpilogue<V>, runs: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>,
    sum: Sum
  ) where Sum.Vector == V {
    let w = V.scalarCount
    if stride == 1 && outputWidth >= w {
      for oh in 0..<outputHeight {
        let (source, target) = (x + oh * paddedWidth, y + oh * outputWidth)
        var ow = 0
        while ow < outputWidth {
          // The last vector ends at the row's end, recomputing some of the one before.
          let start = min(ow, outputWidth - w)
          epilogue.store(sum(source + start), target + start)
          ow = start + w
        }
      }
      return
    }
    // Runs of stride-1 positions: one over the padded rows (stride 1), else one per output row.
    let (segments, count) =
      stride == 1 ? (1, (outputHeight - 1) * paddedWidth + outputWidth) : (outputHeight, (outputWidth - 1) * stride + 1)
    let (segmentStep, runLength) = stride == 1 ? (0, paddedWidth) : (stride * paddedWidth, count)
    for g in 0..<segments {
      let (source, target) = (x + g * segmentStep, runs + g * count)
      var q = 0
      while q < count {
        epilogue.store(sum(source + q), target + q)
        q += w
      }
    }
    for oh in 0..<outputHeight {
      let (run, row) = (UnsafePointer(runs + oh * runLength), y + oh * outputWidth)
      if stride == 1 {
        copyFloats(V.self, from: run, to: row, count: outputWidth)
      } else if stride == 2 {
        everySecondFloat(from: run, to: row, count: outputWidth)
      } else {
        for ow in 0..<outputWidth { row[ow] = run[ow &* stride] }
      }
    }
  }
}

/// The sum of a depthwise kernel's taps for a vector of consecutive positions from `p`.
@usableFromInline protocol DepthwiseTaps {
  associatedtype Vector: SIMD where Vector.Scalar == Float
  func callAsFunction(_ p: UnsafePointer<Float>) -> Vector
}

/// Any kernel: the taps' weights and offsets read as it goes.
@usableFromInline struct AnyTaps<V: SIMD>: DepthwiseTaps where V.Scalar == Float {
  @usableFromInline let plane: DepthwisePlane

  @inlinable init(_ plane: DepthwisePlane) { self.plane = plane }

  @inlinable @inline(__always)
  func callAsFunction(_ p: UnsafePointer<Float>) -> V {
    var s = V()
    for t in 0..<plane.taps { s.addProduct(V(repeating: plane.weights[t]), load(p + plane.tapOffsets[t])) }
    return s
  }
}

/// A 3×3 kernel, MobileNet's: its nine weights broadcast and its offsets held once for the whole plane.
@usableFromInline struct ThreeByThreeTaps<V: SIMD>: DepthwiseTaps where V.Scalar == Float {
  @usableFromInline let w0, w1, w2, w3, w4, w5, w6, w7, w8: V
  @usableFromInline let o0, o1, o2, o3, o4, o5, o6, o7, o8: Int

  @inlinable init(_ plane: DepthwisePlane) {
    let (w, o) = (plane.weights, plane.tapOffsets)
    (w0, w1, w2) = (V(repeating: w[0]), V(repeating: w[1]), V(repeating: w[2]))
    (w3, w4, w5) = (V(repeating: w[3]), V(repeating: w[4]), V(repeating: w[5]))
    (w6, w7, w8) = (V(repeating: w[6]), V(repeating: w[7]), V(repeating: w[8]))
    (o0, o1, o2, o3, o4, o5, o6, o7, o8) = (o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8])
  }

  @inlinable @inline(__always)
  func callAsFunction(_ p: UnsafePointer<Float>) -> V {
    // Each kernel row apart, then together: three short chains of fused multiply-adds rather than one of nine.
    var (r0, r1, r2) = (w0 * load(p + o0), w3 * load(p + o3), w6 * load(p + o6))
    r0.addProduct(w1, load(p + o1))
    r1.addProduct(w4, load(p + o4))
    r2.addProduct(w7, load(p + o7))
    r0.addProduct(w2, load(p + o2))
    r1.addProduct(w5, load(p + o5))
    r2.addProduct(w8, load(p + o8))
    return r0 + r1 + r2
  }
}

/// A depthwise output vector's bias, scale, shift and activation, then its store.
@usableFromInline struct DepthwiseEpilogue<V: SIMD> where V.Scalar == Float {
  /// `(sum + bias) · scale + shift` as one fused multiply-add, `sum · scale + offset`.
  @usableFromInline let scale, offset, slope: V
  @usableFromInline let activation: AffineActivation

  @inlinable init(bias: Float, scale: Float, shift: Float, activation: AffineActivation, slope: Float?) {
    (self.scale, self.offset) = (V(repeating: scale), V(repeating: bias * scale + shift))
    (self.activation, self.slope) = (activation, V(repeating: slope ?? 1))
  }

  @inlinable @inline(__always)
  func store(_ sum: V, _ target: UnsafeMutablePointer<Float>) {
    let v = offset.addingProduct(sum, scale)
    UnsafeMutableRawPointer(target).storeBytes(of: activated(v, activation, slope: slope), as: V.self)
  }
}

/// `y[i] = x[2i]` for `i < count`, eight or four at a time by the even lanes of 16 or 8, never reading past
/// `x[2 · (count − 1)]` (the last pair is taken singly): a stride-2 row of an im2col matrix, a stride-2
/// depthwise row. Called from the baseline-compiled engine too, where its vectors are SSE's.
@inlinable @inline(__always)
public func everySecondFloat(from x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int) {
  var i = 0
  while i + 8 < count {
    let pair = UnsafeRawPointer(x + 2 * i).loadUnaligned(as: SIMD16<Float>.self)
    UnsafeMutableRawPointer(y + i).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
    i += 8
  }
  if i + 4 < count {
    let pair = UnsafeRawPointer(x + 2 * i).loadUnaligned(as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(y + i).storeBytes(of: pair.evenHalf, as: SIMD4<Float>.self)
    i += 4
  }
  while i < count {
    y[i] = x[2 * i]
    i += 1
  }
}
