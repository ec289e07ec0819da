// A depthwise convolution on channels-last images over a SIMD vector type (see MatrixProduct.swift for why
// everything here is @inlinable).

/// A depthwise convolution of channels-last (HWC) images: `y[oh, ow, c] = f((Σᵢⱼ weights[i, j, c] · x[oh · stride
/// − padding + i · dilation, ow · stride − padding + j · dilation, c] + bias[c]) · scale[c] + shift[c])`, `f` and
/// the constants (one per channel) those of a ``ProductEpilogue`` with `perColumn` (its residual unused), over the
/// taps that fall inside the `height` × `width` input (the padding reads as zeros, so it is never written),
/// `weights` laid out kernel row, kernel column, channel; `channels` a multiple of `V.scalarCount`.
///
/// A vector holds consecutive channels of one pixel, so every lane does useful work whatever the map's size:
/// on MobileNet's 8×8 and 4×4 maps, where a channel plane is a vector or less, the planar kernel spends more
/// on each plane's setup than on its taps. The channels go a vector at a time, each vector over the whole image,
/// so that a 3×3 kernel's weights for it stay in registers and each tap of a pixel inside the image costs one
/// load and one fused multiply-add. (Two vectors at a time as one `SIMD32<Float>` ran 100× slower: the standard
/// library's wider vectors are not lowered to pairs of registers.)
@inlinable
public func channelsLastDepthwise<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
  weights: UnsafePointer<Float>, kernelSize: Int, stride: Int, padding: Int, dilation: Int, outputHeight: Int,
  outputWidth: Int, epilogue: ProductEpilogue, into y: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  precondition(channels % V.scalarCount == 0, "channels-last channels must be a multiple of the vector width")
  precondition(epilogue.perColumn && epilogue.residual == nil, "a depthwise epilogue holds a value per channel")
  let image = ChannelsLastImage(
    x: x, height: height, width: width, channels: channels, weights: weights, kernelSize: kernelSize, stride: stride,
    padding: padding, dilation: dilation, outputHeight: outputHeight, outputWidth: outputWidth, epilogue: epilogue)
  let activation: AffineActivation = epilogue.slope == nil ? .identity : epilogue.slope == 0 ? .relu : .leaky
  // One loop per activation, its choice known inside, rather than a test per vector.
  let pass = { (activation: AffineActivation) in
    for c in Swift.stride(from: 0, to: channels, by: V.scalarCount) {
      image.run(V.self, channel: c, activation: activation, into: y)
    }
  }
  switch activation {
  case .identity: pass(.identity)
  case .relu: pass(.relu)
  case .leaky: pass(.leaky)
  }
}

/// The image, kernel and output of
/// ``channelsLastDepthwise(_:_:height:width:channels:weights:kernelSize:stride:padding:dilation:outputHeight:outputWidth:epilogue:into:)``.
@usableFromInline struct ChannelsLastImage {
  @usableFromInline let x, weights: UnsafePointer<Float>
  @usableFromInline let height, width, channels, kernelSize, stride, padding, dilation, outputHeight, outputWidth: Int
  @usableFromInline let epilogue: ProductEpilogue

  @inlinable init(
    x: UnsafePointer<Float>, height: Int, width: Int, channels: Int, weights: UnsafePointer<Float>, kernelSize: Int,
    stride: Int, padding: Int, dilation: Int, outputHeight: Int, outputWidth: Int, epilogue: ProductEpilogue
  ) {
    (self.x, self.height, self.width, self.channels, self.weights) = (x, height, width, channels, weights)
    (self.kernelSize, self.stride, self.padding, self.dilation) = (kernelSize, stride, padding, dilation)
    (self.outputHeight, self.outputWidth, self.epilogue) = (outputHeight, outputWidth, epilogue)
  }

  /// The kernel rows (or columns) whose input row (column) `first + i · dilation` lies in `0 ..< size`.
  @inlinable func inside(_ first: Int, _ size: Int) -> Range<Int> {
    let low = first >= 0 ? 0 : (-first + dilation - 1) / dilation
    let high = min(kernelSize, (size - first + dilation - 1) / dilation)
    return low..<max(low, high)
  }

  /// The output positions (along one axis of `size` inputs) whose whole window lies inside the input.
  @inlinable func interior(_ outputs: Int, _ size: Int) -> Range<Int> {
    let low = (padding + stride - 1) / stride
    let span = (kernelSize - 1) * dilation
    let high = size - span + padding > 0 ? min(outputs, (size - span + padding - 1) / stride + 1) : 0
    return low..<max(low, high)
  }

  /// Channels `c ..< c + G.scalarCount` of every output pixel.
  @inlinable @inline(__always)
  func run<G: SIMD>(_ group: G.Type, channel c: Int, activation: AffineActivation, into y: UnsafeMutablePointer<Float>)
  where G.Scalar == Float {
    // The epilogue's constants for the group, once (the compiler cannot tell that the stores leave them be).
    let bias = epilogue.bias.map { load($0 + c) } ?? G()
    let scale = epilogue.scale.map { load($0 + c) } ?? G(repeating: 1)
    let shift = epilogue.shift.map { load($0 + c) } ?? G()
    let slope = G(repeating: epilogue.slope ?? 1)
    let store = { (sum: G, oh: Int, ow: Int) in
      let v = activated((sum + bias) * scale + shift, activation, slope: slope)
      UnsafeMutableRawPointer(y + ((oh &* outputWidth &+ ow) &* channels &+ c)).storeBytes(of: v, as: G.self)
    }
    if kernelSize == 3 {
      runThreeByThree(G.self, channel: c, store: store)
      return
    }
    for oh in 0..<outputHeight {
      let top = oh * stride - padding
      let rows = inside(top, height)
      for ow in 0..<outputWidth {
        let left = ow * stride - padding
        let origin = x + ((top &* width &+ left) &* channels &+ c)
        var s = G()
        for i in rows {
          for j in inside(left, width) {
            let tap = weights + ((i &* kernelSize &+ j) &* channels &+ c)
            s.addProduct(load(tap), load(origin + ((i &* width &+ j) &* dilation &* channels)))
          }
        }
        store(s, oh, ow)
      }
    }
  }

  /// ``run(_:channel:activation:into:)`` for a 3×3 kernel: its weights for the group in registers for the whole
  /// image (as locals: held in a struct, the compiler spills them), the taps of a window that reaches past the
  /// image skipped one by one.
  @inlinable @inline(__always)
  func runThreeByThree<G: SIMD>(_ group: G.Type, channel c: Int, store: (G, Int, Int) -> Void) where G.Scalar == Float {
    func weight(_ t: Int) -> G { load(weights + t * channels + c) }
    let (w0, w1, w2, w3, w4, w5, w6, w7, w8) = (
      weight(0), weight(1), weight(2), weight(3), weight(4), weight(5), weight(6), weight(7), weight(8)
    )
    // A tap column, a tap row and an output column apart.
    let (column, row, step) = (dilation * channels, width * dilation * channels, stride * channels)
    let (rowsInside, columnsInside) = (interior(outputHeight, height), interior(outputWidth, width))
    for oh in 0..<outputHeight {
      let top = oh * stride - padding
      let (in0, in1, in2) = (
        0..<height ~= top, 0..<height ~= top &+ dilation, 0..<height ~= top &+ dilation &* 2
      )
      let left = -padding
      var p = x + ((top &* width &+ left) &* channels &+ c)
      for ow in 0..<outputWidth {
        let (p1, p2) = (p + row, p + row &* 2)
        // Each kernel row apart, then together: three short chains of fused multiply-adds rather than one of nine.
        var (r0, r1, r2): (G, G, G)
        if rowsInside.contains(oh) && columnsInside.contains(ow) {
          (r0, r1, r2) = (w0 * load(p), w3 * load(p1), w6 * load(p2))
          r0.addProduct(w1, load(p + column))
          r1.addProduct(w4, load(p1 + column))
          r2.addProduct(w7, load(p2 + column))
          r0.addProduct(w2, load(p + column &* 2))
          r1.addProduct(w5, load(p1 + column &* 2))
          r2.addProduct(w8, load(p2 + column &* 2))
        } else {
          let first = ow &* stride &+ left
          let (c0, c1, c2) = (
            0..<width ~= first, 0..<width ~= first &+ dilation, 0..<width ~= first &+ dilation &* 2
          )
          @inline(__always) func taps(_ q: UnsafePointer<Float>, _ inRow: Bool, _ a: G, _ b: G, _ d: G) -> G {
            var r = G()
            guard inRow else { return r }
            if c0 { r.addProduct(a, load(q)) }
            if c1 { r.addProduct(b, load(q + column)) }
            if c2 { r.addProduct(d, load(q + column &* 2)) }
            return r
          }
          (r0, r1, r2) = (taps(p, in0, w0, w1, w2), taps(p1, in1, w3, w4, w5), taps(p2, in2, w6, w7, w8))
        }
        store(r0 + r1 + r2, oh, ow)
        p += step
      }
    }
  }
}

/// `planes[c · pixels + p] = x[p · channels + c]` for a `pixels` × `channels` channels-last image: back to one
/// plane per channel, eight pixels at a time so that each plane gets whole runs.
@inlinable
public func channelsLastToPlanes(
  _ x: UnsafePointer<Float>, pixels: Int, channels: Int, into planes: UnsafeMutablePointer<Float>
) {
  var p = 0
  while p + 8 <= pixels {
    for c in 0..<channels {
      let target = planes + c * pixels + p
      for k in 0..<8 { target[k] = x[(p + k) * channels + c] }
    }
    p += 8
  }
  for q in p..<pixels {
    for c in 0..<channels { planes[c * pixels + q] = x[q * channels + c] }
  }
}
