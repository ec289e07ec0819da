// One channel of a depthwise convolution over a SIMD vector type (see MatrixProduct.swift for why everything
// here is @inlinable).

/// One channel of a depthwise convolution with its epilogue: for each of `segments` runs of `count`
/// positions, `y[g · segmentStride + q] = f((Σₜ weights[t] · x[g · segmentStep + tapOffsets[t] + q] + bias)
/// · scale + shift)`, `f` as in ``affineActivation(_:_:rows:count:xStride:bias:scale:shift:residual:slope:into:yStride:)``.
///
/// `x` is the channel's zero-padded input plane and `tapOffsets[t]` where tap `t` (row-major over the
/// kernel) reads from an output's top-left pixel, so that a run of consecutive positions reads consecutive
/// pixels for every tap: a stride-1 convolution is one run over the padded plane's rows (position
/// `oh · paddedWidth + ow`, whose last columns fall in the padding and are to be ignored); a stride-2 one
/// is a run per output row over every column of the padded rows it reads, every second position wanted.
/// Each run is computed in whole vectors, four at a time while it lasts (so that their chains of fused
/// multiply-adds overlap): the caller gives `x` and `y` `V.scalarCount` readable and writable values past
/// the last position, and a run's extra positions may overwrite the start of the next one, written after.
/// The sum runs over the taps in order from 0, then adds the bias: the same floats for every position
/// wherever it falls in a vector.
@inlinable
public func depthwiseConvolution<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, tapOffsets: UnsafePointer<Int>, weights: UnsafePointer<Float>,
  taps: Int, segments: Int, segmentStep: Int, count: Int, bias: Float, scale: Float, shift: Float, slope: Float?,
  into y: UnsafeMutablePointer<Float>, segmentStride: Int
) where V.Scalar == Float {
  let activation: AffineActivation = slope == nil ? .identity : slope == 0 ? .relu : .leaky
  // One loop per activation, its choice known inside, rather than a test per vector.
  let pass = { (activation: AffineActivation) in
    depthwiseRuns(
      V.self, x, tapOffsets: tapOffsets, weights: weights, taps: taps, segments: segments, segmentStep: segmentStep,
      count: count, bias: bias, scale: scale, shift: shift, activation: activation, slope: slope ?? 1, into: y,
      segmentStride: segmentStride)
  }
  switch activation {
  case .identity: pass(.identity)
  case .relu: pass(.relu)
  case .leaky: pass(.leaky)
  }
}

@inlinable @inline(__always)
func depthwiseRuns<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, tapOffsets: UnsafePointer<Int>, weights: UnsafePointer<Float>,
  taps: Int, segments: Int, segmentStep: Int, count: Int, bias: Float, scale: Float, shift: Float,
  activation: AffineActivation, slope: Float, into y: UnsafeMutablePointer<Float>, segmentStride: Int
) where V.Scalar == Float {
  let w = V.scalarCount
  let (vb, va, vs, vk) = (V(repeating: bias), V(repeating: scale), V(repeating: shift), V(repeating: slope))
  @inline(__always) func finish(_ sum: V, _ target: UnsafeMutablePointer<Float>) {
    let v = (sum + vb) * va + vs
    UnsafeMutableRawPointer(target).storeBytes(of: activated(v, activation, slope: vk), as: V.self)
  }
  for g in 0..<segments {
    let (source, target) = (x + g * segmentStep, y + g * segmentStride)
    var q = 0
    while q + 3 * w < count {
      var (s0, s1, s2, s3) = (V(), V(), V(), V())
      for t in 0..<taps {
        let (p, weight) = (source + tapOffsets[t] + q, V(repeating: weights[t]))
        s0.addProduct(weight, load(p))
        s1.addProduct(weight, load(p + w))
        s2.addProduct(weight, load(p + 2 * w))
        s3.addProduct(weight, load(p + 3 * w))
      }
      finish(s0, target + q)
      finish(s1, target + q + w)
      finish(s2, target + q + 2 * w)
      finish(s3, target + q + 3 * w)
      q += 4 * w
    }
    while q < count {
      var s0 = V()
      for t in 0..<taps { s0.addProduct(V(repeating: weights[t]), load(source + tapOffsets[t] + q)) }
      finish(s0, target + q)
      q += w
    }
  }
}
