import SIMDKernels

// im2col and col2im over a run of images, so that one sgemm covers many images.
//
// The column matrix is row-major with one row per kernel tap, r = (c · kh + i) · kw + j, and one
// column per output position of each image, q = n · (outH · outW) + oh · outW + ow:
// col[r, q] = x[n, c, oh · stride + i · dilation − padding, ow · stride + j · dilation − padding], 0 in the
// padding.

/// The sizes of a 2-D convolution or pooling window over one image.
///
/// `padding` is the zeros before each row and column (top, left) and `trailingPadding` those after them
/// (bottom, right): equal for PyTorch's layers, one more after for darknet's max pooling of even windows. A
/// dilated window reads every `dilation`-th input pixel, so its extent is `dilation · (k − 1) + 1`.
struct WindowGeometry: Equatable {
  var channels: Int
  var height: Int
  var width: Int
  var kernelHeight: Int
  var kernelWidth: Int
  var stride: Int
  var padding: Int
  var trailingPadding: Int
  var dilation: Int
  /// The zeros above and below the rows: `padding` and `trailingPadding`, except in a ``band(_:)`` of the rows.
  var topPadding: Int
  var bottomPadding: Int
  /// The distance between two channels' planes in the input: `height · width`, except in a ``band(_:)``.
  var planeStride: Int

  init(
    channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int,
    trailingPadding: Int? = nil, dilation: Int = 1
  ) {
    (self.channels, self.height, self.width) = (channels, height, width)
    (self.kernelHeight, self.kernelWidth, self.stride) = (kernelHeight, kernelWidth, stride)
    (self.padding, self.trailingPadding, self.dilation) = (padding, trailingPadding ?? padding, dilation)
    (topPadding, bottomPadding, planeStride) = (padding, trailingPadding ?? padding, height * width)
  }

  /// The windows of output rows `outputRows` alone, and the first input row they read: a geometry as tall as
  /// the input rows those windows reach (its top and bottom padding the zeros they reach above and below the
  /// image), whose planes keep the whole image's stride. im2col of the image's rows from that one, with this
  /// geometry, is the band of the whole column matrix those output rows own.
  func band(_ outputRows: Range<Int>) -> (geometry: WindowGeometry, firstInputRow: Int) {
    // The padded rows the band's windows read, in input rows (the first may be above the image).
    let top = outputRows.lowerBound * stride - topPadding
    let bottom = (outputRows.upperBound - 1) * stride - topPadding + extentHeight
    let first = min(max(top, 0), height)
    let last = max(min(bottom, height), first)
    var band = self
    band.height = last - first
    // (A band of padding alone, reading no input row, has its zeros all below.)
    band.topPadding = band.height > 0 ? first - top : 0
    band.bottomPadding = bottom - top - band.topPadding - band.height
    return (band, first)
  }

  /// The input rows and columns one window spans.
  var extentHeight: Int { dilation * (kernelHeight - 1) + 1 }
  var extentWidth: Int { dilation * (kernelWidth - 1) + 1 }
  var outputHeight: Int { (height + topPadding + bottomPadding - extentHeight) / stride + 1 }
  var outputWidth: Int { (width + padding + trailingPadding - extentWidth) / stride + 1 }
  /// Output positions of one image (columns of its part of the column matrix).
  var outputPlane: Int { outputHeight * outputWidth }
  /// Rows of the column matrix: C · kh · kw.
  var patchSize: Int { channels * kernelHeight * kernelWidth }
  var inputPlane: Int { height * width }
  var inputCount: Int { channels * height * width }
  /// Whether output rows are input rows shifted (stride 1, as wide as the input, no tap shifted by more than
  /// a row), so that im2col and col2im can move whole planes at once.
  var keepsWidth: Bool { stride == 1 && outputWidth == width && max(padding, trailingPadding) <= width }
  /// Whether output planes are the input's and each tap's shift is mirrored by another's (stride 1, the same
  /// padding on both sides, both extents 2 · padding + 1): a "same" convolution, whose output gradient has the
  /// input's geometry.
  var preservesSize: Bool {
    stride == 1 && trailingPadding == padding && extentWidth == 2 * padding + 1 && extentHeight == 2 * padding + 1
      && topPadding == padding && bottomPadding == padding && planeStride == inputPlane
  }

  /// The input rows of output row `oh`'s window that lie inside the image (pooling).
  @inline(__always)
  func windowRows(_ oh: Int) -> Range<Int> {
    let top = oh * stride - topPadding
    return max(top, 0)..<min(top + kernelHeight, height)
  }

  /// The input columns of output column `ow`'s window that lie inside the image (pooling).
  @inline(__always)
  func windowColumns(_ ow: Int) -> Range<Int> {
    let left = ow * stride - padding
    return max(left, 0)..<min(left + kernelWidth, width)
  }

  /// The output indices o in 0..<outputSize whose input index o · stride + offset lies in 0..<inputSize.
  @inline(__always)
  func validRange(offset: Int, inputSize: Int, outputSize: Int) -> Range<Int> {
    let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
    let lastInput = inputSize - 1 - offset
    let high = lastInput < 0 ? 0 : min(outputSize, lastInput / stride + 1)
    return min(low, high)..<high
  }
}

/// One kernel tap (c, i, j) of a window: its row of the column matrix and the output positions whose
/// input at that tap lies inside the image.
struct WindowTap {
  /// The column matrix's row, (c · kh + i) · kw + j.
  let row: Int
  /// i · dilation − padding and j · dilation − padding: where the tap reads, from an output position's window
  /// origin.
  let shiftH: Int
  let shiftW: Int
  /// The output rows and columns whose input at this tap is inside the image (not padding).
  let rows: Range<Int>
  let columns: Range<Int>
}

extension WindowGeometry {
  /// Calls `body` for every kernel tap, in column-matrix row order, and every one of `images` images, with
  /// where the tap's input plane of that image starts in the NCHW images and where its part of the tap's row
  /// starts in the column matrix: the traversal im2col and col2im share.
  @inline(__always)
  func forEachTap(images: Int, _ body: (_ tap: WindowTap, _ planeStart: Int, _ columnStart: Int) -> Void) {
    let (outH, outW, plane) = (outputHeight, outputWidth, outputPlane)
    let rowLength = images * plane
    for c in 0..<channels {
      for i in 0..<kernelHeight {
        let shiftH = i * dilation - topPadding
        let rows = validRange(offset: shiftH, inputSize: height, outputSize: outH)
        for j in 0..<kernelWidth {
          let shiftW = j * dilation - padding
          let tap = WindowTap(
            row: (c * kernelHeight + i) * kernelWidth + j, shiftH: shiftH, shiftW: shiftW,
            rows: rows, columns: validRange(offset: shiftW, inputSize: width, outputSize: outW))
          for n in 0..<images { body(tap, (n * channels + c) * planeStride, tap.row * rowLength + n * plane) }
        }
      }
    }
  }
}

/// Writes the column matrix of `images` consecutive NCHW images starting at `input` into
/// `columns` (`patchSize` rows of `images · outputPlane` elements).
func im2col(
  _ input: UnsafePointer<Float>, images: Int, geometry g: WindowGeometry, into columns: UnsafeMutablePointer<Float>
) {
  let (outH, outW) = (g.outputHeight, g.outputWidth)
  let (s, w) = (g.stride, g.width)
  g.forEachTap(images: images) { tap, planeStart, columnStart in
    let (rows, colsValid, shiftW) = (tap.rows, tap.columns, tap.shiftW)
    let (source, target) = (input + planeStart, columns + columnStart)
    fill(target, with: 0, count: rows.lowerBound * outW)
    if g.keepsWidth {
      // Output rows as wide as input rows: the valid rows are one contiguous copy, shifted;
      // the elements that wrapped around a row edge are then zeroed. One long copy instead
      // of a short one per row (the 3x3 "same" convolutions of the ResNets).
      let (left, right) = (max(0, -shiftW), max(0, shiftW))
      let start = rows.lowerBound * outW + left
      let count = rows.count * outW - left - right
      if count > 0 {
        copy(source + ((rows.lowerBound + tap.shiftH) * w + left + shiftW), into: target + start, count: count)
      }
      zeroEdgeColumns(target, rows: rows, width: outW, left: left, right: right)
      fill(target + rows.upperBound * outW, with: 0, count: (outH - rows.upperBound) * outW)
      return
    }
    for oh in rows {
      let sourceRow = source + (oh * s + tap.shiftH) * w
      let targetRow = target + oh * outW
      fill(targetRow, with: 0, count: colsValid.lowerBound)
      if s == 1 {
        copy(
          sourceRow + (colsValid.lowerBound + shiftW), into: targetRow + colsValid.lowerBound, count: colsValid.count)
      } else if s == 2 {
        everySecondFloat(
          from: sourceRow + (2 * colsValid.lowerBound + shiftW), to: targetRow + colsValid.lowerBound,
          count: colsValid.count)
      } else {
        for ow in colsValid { targetRow[ow] = sourceRow[ow * s + shiftW] }
      }
      fill(targetRow + colsValid.upperBound, with: 0, count: outW - colsValid.upperBound)
    }
    fill(target + rows.upperBound * outW, with: 0, count: (outH - rows.upperBound) * outW)
  }
}

/// Zeroes the first `left` and the last `right` elements of rows `rows` of a plane `width` wide:
/// the elements of a shifted whole-plane copy that wrapped around a row edge.
@inline(__always)
private func zeroEdgeColumns(_ plane: UnsafeMutablePointer<Float>, rows: Range<Int>, width: Int, left: Int, right: Int)
{
  // Column by column, down the rows: strided stores, which the compiler keeps inline, where a
  // short loop along each row became two calls to memset per row (a sixth of im2col's time).
  var k = 0
  while k < left + right {
    var p = plane + rows.lowerBound * width + (k < left ? k : width - left - right + k)
    var row = rows.lowerBound
    while row < rows.upperBound {
      p.pointee = 0
      p += width
      row += 1
    }
    k += 1
  }
}

/// Adds the column-matrix gradient `columns` (laid out as by ``im2col(_:images:geometry:into:)``)
/// into the gradient of `images` NCHW images at `inputGradient`, which the caller has zeroed or
/// filled with other contributions. Overwrites the padding's elements of `columns`.
func col2im(
  _ columns: UnsafeMutablePointer<Float>, images: Int, geometry g: WindowGeometry,
  addingInto inputGradient: UnsafeMutablePointer<Float>
) {
  let (s, w, outW) = (g.stride, g.width, g.outputWidth)
  g.forEachTap(images: images) { tap, planeStart, columnStart in
    let (rows, colsValid, shiftW) = (tap.rows, tap.columns, tap.shiftW)
    let (target, source) = (inputGradient + planeStart, columns + columnStart)
    if g.keepsWidth {
      // As in im2col: one contiguous sum over the valid rows, less the elements that would
      // wrap around a row edge, which are zeroed first (the matrix is scratch).
      let (left, right) = (max(0, -shiftW), max(0, shiftW))
      zeroEdgeColumns(source, rows: rows, width: outW, left: left, right: right)
      let count = rows.count * outW - left - right
      guard count > 0 else { return }
      let t = target + ((rows.lowerBound + tap.shiftH) * w + left + shiftW)
      let x = source + (rows.lowerBound * outW + left)
      for k in 0..<count { t[k] += x[k] }
      return
    }
    for oh in rows {
      let targetRow = target + (oh * s + tap.shiftH) * w
      let sourceRow = source + oh * outW
      if s == 1 {
        let t = targetRow + (colsValid.lowerBound + shiftW)
        let x = sourceRow + colsValid.lowerBound
        for k in 0..<colsValid.count { t[k] += x[k] }
      } else {
        for ow in colsValid { targetRow[ow * s + shiftW] += sourceRow[ow] }
      }
    }
  }
}

/// Copies `images` NCHW images of `channels` planes of `plane` elements into channel-major
/// order (CNHW: `channels` rows of `images · plane`), the layout of a batched sgemm's operand.
func nchwToChannelMajor(
  _ x: UnsafePointer<Float>, images: Int, channels: Int, plane: Int, into y: UnsafeMutablePointer<Float>
) {
  for n in 0..<images {
    for c in 0..<channels {
      copy(x + (n * channels + c) * plane, into: y + (c * images + n) * plane, count: plane)
    }
  }
}

/// The inverse of ``nchwToChannelMajor(_:images:channels:plane:into:)``, adding `bias[c]` to
/// every element of channel c when given.
func channelMajorToNCHW(
  _ x: UnsafePointer<Float>, images: Int, channels: Int, plane: Int, bias: UnsafePointer<Float>?,
  into y: UnsafeMutablePointer<Float>
) {
  for n in 0..<images {
    for c in 0..<channels {
      let source = x + (c * images + n) * plane
      let target = y + (n * channels + c) * plane
      if let bias {
        let b = bias[c]
        for k in 0..<plane { target[k] = source[k] + b }
      } else {
        copy(source, into: target, count: plane)
      }
    }
  }
}
