import SIMDKernels

// The inference pass of an ungrouped convolution on the CPU's vector kernels (SIMDKernels): a matrix product
// that reads the weights as they are stored (no packing, no copy per model) and, for stride 1, reads the
// rows of the im2col matrix in place as shifted views of one zero-padded copy of the input (no im2col at
// all), with the bias, a batch normalization, a residual addition and the activation applied as each band of
// output rows leaves the product.
//
// On ResNet-20 and tiny-YOLOv2 at batch 1 this beats im2col with OpenBLAS's sgemm, which packs both
// matrices at every call: tiny-YOLOv2's 13×13 layers spent 14 % of their time packing 19 MB of weights.

extension Convolution2D {
  /// The product's columns per band of output rows: a band's rows of B (at most a few hundred KiB for the
  /// layers of ResNet-20 and tiny-YOLOv2) stay in the L2 cache while every tile of weights streams by.
  static let vectorBandColumns = 2048

  /// The forward pass of ``inferenceForward(_:epilogue:)`` on `kernels`, into `output` (of the output's shape).
  func vectorForward(
    _ x: Tensor, into output: inout Tensor, geometry g: WindowGeometry, kernels: any VectorKernels.Type,
    epilogue: ConvolutionEpilogue
  ) {
    let (outH, outW, plane, cout) = (g.outputHeight, g.outputWidth, g.outputPlane, outputChannels)
    let depth = g.patchSize
    let width = kernels.vectorWidth
    let rowsOfC = (cout + matrixProductTileRows - 1) / matrixProductTileRows * matrixProductTileRows
    let paddedWidth = g.width + padding + trailingPadding
    let inPlace = readsRowsInPlace(geometry: g, paddedWidth: paddedWidth, vectorWidth: width)
    let paddedPlane = (g.height + padding + trailingPadding) * paddedWidth
    // Product columns per output row: the padded width (its last extent − 1 columns are ignored) in place.
    let rowStep = inPlace ? paddedWidth : outW
    let bandRows = max(1, min(outH, Self.vectorBandColumns / rowStep))
    let maxColumns = (bandRows * rowStep + width - 1) / width * width
    // In place, the last band's last tile reads up to an extent and a vector past the padded planes.
    let bCount =
      inPlace ? inputChannels * paddedPlane + g.extentWidth + width : depth * bandRows * outW + maxColumns
    let scratch = Scratch.current
    let b = scratch.buffer(.columns, count: bCount)
    let c = scratch.buffer(.channelMajor, count: rowsOfC * maxColumns)
    // Layers of many filters get B packed (see SIMDKernels.matrixProduct).
    let packing =
      cout >= matrixProductPackingRows
      ? scratch.buffer(.packing, count: matrixProductPackingCount(columns: maxColumns)) : nil
    // A 1×1 kernel reads the input itself when every band's columns are whole vectors (nothing is read past it).
    let direct =
      readsInputAsColumns && (g.width % width == 0 || (bandRows == outH && plane % width == 0))
    if inPlace && !direct { fill(b + inputChannels * paddedPlane, with: 0, count: g.extentWidth + width) }
    let offsets = inPlace ? vectorRowOffsets(geometry: g, paddedWidth: paddedWidth, paddedPlane: paddedPlane) : []
    let biasValues = bias?.value.data ?? []
    let residual = epilogue.residual?.data ?? []
    x.data.withBase { xp in
      weight.value.data.withBase { w in
        output.data.withMutableBase { yp in
          residual.withUnsafeBufferPointer { r in
            offsets.withUnsafeBufferPointer { rowOffsets in
              for image in 0..<x.batch {
                let source = xp + image * g.inputCount
                if inPlace && !direct { pad(source, geometry: g, kernels: kernels, into: b) }
                let padded = direct ? source : UnsafePointer(b)
                for firstRow in Swift.stride(from: 0, to: outH, by: bandRows) {
                  let rows = firstRow..<min(firstRow + bandRows, outH)
                  let bandColumns = rows.count * rowStep
                  let columns = (bandColumns + width - 1) / width * width
                  // A band whose columns are its output pixels (im2col, or a 1×1 kernel in place) in whole vectors
                  // leaves the product through its epilogue, straight into the output (channel planes `plane`
                  // apart); otherwise through C and a pass per channel.
                  let straight = rowStep == outW && columns == bandColumns
                  let bandOutput = (image * cout) * plane + firstRow * outW
                  let product = { (b: UnsafePointer<Float>, offsets: UnsafePointer<Int>) in
                    guard straight else {
                      kernels.matrixProduct(
                        rows: cout, depth: depth, columns: columns, a: w, lda: depth, aColumnStride: 1, b: b,
                        rowOffsets: offsets, c: c,
                        ldc: columns, epilogue: nil, packing: packing)
                      return
                    }
                    epilogue.withProductEpilogue(
                      bias: biasValues, residual: r.isEmpty ? nil : r.baseAddress! + bandOutput
                    ) {
                      kernels.matrixProduct(
                        rows: cout, depth: depth, columns: columns, a: w, lda: depth, aColumnStride: 1, b: b,
                        rowOffsets: offsets,
                        c: yp + bandOutput, ldc: plane, epilogue: $0, packing: packing)
                    }
                  }
                  if inPlace {
                    product(padded + firstRow * paddedWidth, rowOffsets.baseAddress!)
                  } else {
                    let (band, inputRow) = g.band(rows)
                    im2col(source + inputRow * g.width, images: 1, geometry: band, into: b)
                    // Row k of this band's matrix starts at k · bandColumns.
                    let bandOffsets = (0..<depth).map { $0 * bandColumns }
                    bandOffsets.withUnsafeBufferPointer { product(b, $0.baseAddress!) }
                  }
                  if straight { continue }
                  for channel in 0..<cout {
                    let outputOffset = (image * cout + channel) * plane + firstRow * outW
                    let bias = biasValues.isEmpty ? 0 : biasValues[channel]
                    // In place, each output row is the first outW of its paddedWidth product columns.
                    let (pieces, pieceCount) = inPlace ? (rows.count, outW) : (1, bandColumns)
                    epilogue.apply(
                      c + channel * columns, rows: pieces, count: pieceCount, xStride: rowStep, bias: bias,
                      channel: channel, residualOffset: outputOffset, residualBase: r.isEmpty ? nil : r.baseAddress,
                      kernels: kernels, into: yp + outputOffset, yStride: outW)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The inference pass of a depthwise convolution (``isDepthwise``) on `kernels`, into `output`: per image,
  /// its planes zero-padded once, then one kernel call for all channels that sums the taps and applies the
  /// epilogue (but a residual, applied on the output after) in registers (see
  /// SIMDKernels.depthwiseConvolution).
  func vectorDepthwiseForward(
    _ x: Tensor, into output: inout Tensor, geometry g: WindowGeometry, kernels: any VectorKernels.Type,
    epilogue: ConvolutionEpilogue
  ) {
    let (outH, outW, plane, channels) = (g.outputHeight, g.outputWidth, g.outputPlane, inputChannels)
    let (width, taps) = (kernels.vectorWidth, kernelSize * kernelSize)
    let paddedWidth = g.width + padding + trailingPadding
    let paddedPlane = (g.height + padding + trailingPadding) * paddedWidth
    let scratch = Scratch.current
    // The kernel reads up to a vector past the last padded plane (see depthwiseConvolution).
    let padded = scratch.buffer(.columns, count: channels * paddedPlane + width)
    let runs = scratch.buffer(.channelMajor, count: outH * paddedWidth + max(width, 16))
    fill(padded + channels * paddedPlane, with: 0, count: width)
    let tapOffsets = (0..<taps).map { t in (t / kernelSize * paddedWidth + t % kernelSize) * dilation }
    let residual = epilogue.residual?.data ?? []
    // With a residual, the sum leaves the kernel plain and the whole epilogue follows on the output.
    let inKernel = epilogue.residual == nil ? epilogue : .none
    x.data.withBase { xp in
      weight.value.data.withBase { w in
        output.data.withMutableBase { yp in
          residual.withUnsafeBufferPointer { r in
            tapOffsets.withUnsafeBufferPointer { offsets in
              inKernel.withProductEpilogue(bias: bias?.value.data ?? [], residual: nil) { e in
                for image in 0..<x.batch {
                  pad(xp + image * g.inputCount, geometry: g, kernels: kernels, into: padded)
                  let target = yp + image * channels * plane
                  kernels.depthwiseConvolution(
                    padded, channels: channels, paddedPlane: paddedPlane, paddedWidth: paddedWidth,
                    tapOffsets: offsets.baseAddress!, weights: w, taps: taps, stride: stride, outputHeight: outH,
                    outputWidth: outW, bias: e.bias, scale: e.scale, shift: e.shift, slope: e.slope, runs: runs,
                    into: target)
                  guard epilogue.residual != nil else { continue }
                  for c in 0..<channels {
                    epilogue.apply(
                      target + c * plane, rows: 1, count: plane, xStride: plane, bias: 0, channel: c,
                      residualOffset: (image * channels + c) * plane, residualBase: r.baseAddress, kernels: kernels,
                      into: target + c * plane, yStride: plane)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// One image's planes zero-padded into `padded` (`padding` above and left, `trailingPadding` below and right).
  private func pad(
    _ source: UnsafePointer<Float>, geometry g: WindowGeometry, kernels: any VectorKernels.Type,
    into padded: UnsafeMutablePointer<Float>
  ) {
    kernels.padPlanes(
      source, planes: inputChannels, height: g.height, width: g.width, leading: padding, trailing: trailingPadding,
      into: padded)
  }

  /// Whether the product reads its rows in place in the zero-padded planes (stride 1) rather than from an
  /// im2col band written first.
  ///
  /// In place, each output row costs the padded width in product columns: 23 % more columns than outputs on
  /// tiny-YOLOv2's 13×13 maps (15 of every 13, then rounded up to whole vectors), 25 % on ResNet-20's 8×8
  /// ones. im2col costs a copy of each column's `depth` values, which a layer of M filters spreads over M
  /// rows of products: about 32 / M of the product's time (measured on tiny-YOLOv2's layers). The cheaper
  /// of the two wins: in place for ResNet-20 (16–64 filters), im2col for tiny-YOLOv2's 13×13 layers of
  /// 512 and 1024 filters.
  func readsRowsInPlace(geometry g: WindowGeometry, paddedWidth: Int, vectorWidth width: Int) -> Bool {
    guard stride == 1 else { return false }
    let (outH, outW) = (g.outputHeight, g.outputWidth)
    func vectors(_ columns: Int) -> Int { (columns + width - 1) / width }
    let extra = Double(vectors(outH * paddedWidth) - vectors(outH * outW)) / Double(vectors(outH * outW))
    return extra <= 32 / Double(outputChannels)
  }

  /// Where row (c, i, j) of the im2col matrix starts in the zero-padded planes, for stride 1: at channel c's
  /// plane, shifted down by tap row i and right by tap column j (dilated), so that product column
  /// `oh · paddedWidth + ow` reads padded pixel (oh + i·d, ow + j·d).
  private func vectorRowOffsets(geometry g: WindowGeometry, paddedWidth: Int, paddedPlane: Int) -> [Int] {
    var offsets: [Int] = []
    offsets.reserveCapacity(g.patchSize)
    for channel in 0..<inputChannels {
      for i in 0..<kernelSize {
        for j in 0..<kernelSize {
          offsets.append(channel * paddedPlane + i * dilation * paddedWidth + j * dilation)
        }
      }
    }
    return offsets
  }
}
