// Pooling over the planes of NCHW tensors; `planes` is N · C, each of `g.height × g.width`.

/// Max pooling: writes each window's largest element to `output` and its index within the input
/// plane to `indices` (for the backward pass). Padding never wins: windows take the maximum of
/// their elements inside the image only.
func maxPoolForward(
  _ input: UnsafePointer<Float>, planes: Int, geometry g: WindowGeometry, into output: UnsafeMutablePointer<Float>,
  indices: UnsafeMutablePointer<Int32>?
) {
  let (outH, outW, outPlane, inPlane, w) = (g.outputHeight, g.outputWidth, g.outputPlane, g.inputPlane, g.width)
  if g.isTwoByTwoOfStrideTwoInside {
    // The common 2×2 window, every window inside the image (darknet's trailing padding of even maps is never
    // read), gets straight-line code.
    for p in 0..<planes {
      let x = input + p * inPlane
      let y = output + p * outPlane
      let index = indices.map { $0 + p * outPlane }
      for oh in 0..<outH {
        let top = 2 * oh * w
        for ow in 0..<outW {
          let first = top + 2 * ow
          var best = first
          var value = x[first]
          if x[first + 1] > value { (best, value) = (first + 1, x[first + 1]) }
          if x[first + w] > value { (best, value) = (first + w, x[first + w]) }
          if x[first + w + 1] > value { (best, value) = (first + w + 1, x[first + w + 1]) }
          y[oh * outW + ow] = value
          index?[oh * outW + ow] = Int32(best)
        }
      }
    }
    return
  }
  g.forEachWindow(planes: planes) { p, o, rows, cols in
    let x = input + p * inPlane
    var best = rows.lowerBound * w + cols.lowerBound
    var value = -Float.infinity
    for ih in rows {
      for iw in cols where x[ih * w + iw] > value {
        best = ih * w + iw
        value = x[best]
      }
    }
    output[p * outPlane + o] = value
    indices?[p * outPlane + o] = Int32(best)
  }
}

/// Max pooling's backward pass: `inputGradient` (zeroed by the caller) receives each output
/// gradient at the index its window's maximum came from.
func maxPoolBackward(
  _ outputGradient: UnsafePointer<Float>, indices: UnsafePointer<Int32>, planes: Int, geometry g: WindowGeometry,
  into inputGradient: UnsafeMutablePointer<Float>
) {
  let (outPlane, inPlane) = (g.outputPlane, g.inputPlane)
  for p in 0..<planes {
    let dy = outputGradient + p * outPlane
    let index = indices + p * outPlane
    let dx = inputGradient + p * inPlane
    for o in 0..<outPlane { dx[Int(index[o])] += dy[o] }
  }
}

/// Average pooling, counting the padding as zeros (PyTorch's default `count_include_pad`): each
/// output is the window's sum divided by kh · kw.
func averagePoolForward(
  _ input: UnsafePointer<Float>, planes: Int, geometry g: WindowGeometry, into output: UnsafeMutablePointer<Float>
) {
  let (outPlane, inPlane, w) = (g.outputPlane, g.inputPlane, g.width)
  let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
  g.forEachWindow(planes: planes) { p, o, rows, cols in
    let x = input + p * inPlane
    var total: Float = 0
    for ih in rows {
      for iw in cols { total += x[ih * w + iw] }
    }
    output[p * outPlane + o] = total * scale
  }
}

/// Average pooling's backward pass: each output gradient, divided by kh · kw, is added to every
/// input element of its window (`inputGradient` zeroed by the caller).
func averagePoolBackward(
  _ outputGradient: UnsafePointer<Float>, planes: Int, geometry g: WindowGeometry,
  into inputGradient: UnsafeMutablePointer<Float>
) {
  let (outPlane, inPlane, w) = (g.outputPlane, g.inputPlane, g.width)
  let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
  g.forEachWindow(planes: planes) { p, o, rows, cols in
    let dx = inputGradient + p * inPlane
    let share = outputGradient[p * outPlane + o] * scale
    for ih in rows {
      for iw in cols { dx[ih * w + iw] += share }
    }
  }
}

extension WindowGeometry {
  /// Calls `body` for every output position of `planes` planes: the plane, the output's index within it, and the
  /// input rows and columns of its window that lie inside the image. The traversal the pooling kernels share.
  @inline(__always)
  func forEachWindow(
    planes: Int, _ body: (_ plane: Int, _ output: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Void
  ) {
    let (outH, outW) = (outputHeight, outputWidth)
    for p in 0..<planes {
      for oh in 0..<outH {
        let rows = windowRows(oh)
        for ow in 0..<outW { body(p, oh * outW + ow, rows, windowColumns(ow)) }
      }
    }
  }

  /// Whether the windows are 2×2 of stride 2 without leading padding and every one inside the image (darknet's
  /// trailing padding of even maps is never read): the common case, which has straight-line code.
  var isTwoByTwoOfStrideTwoInside: Bool {
    kernelHeight == 2 && kernelWidth == 2 && stride == 2 && padding == 0 && 2 * outputHeight <= height
      && 2 * outputWidth <= width
  }

  /// Whether the windows are 2×2 of stride 1 without leading padding, the trailing padding at most one row and
  /// column (tiny-YOLOv2's last pooling layer).
  var isTwoByTwoOfStrideOne: Bool {
    kernelHeight == 2 && kernelWidth == 2 && stride == 1 && padding == 0 && outputHeight >= height - 1
      && outputHeight <= height && outputWidth >= width - 1 && outputWidth <= width
  }
}
