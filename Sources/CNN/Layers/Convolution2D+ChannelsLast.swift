import SIMDKernels

// The channels-last inference pass of the two convolutions of a depthwise separable block: a depthwise one
// and a pointwise (1×1) one. A run of such layers (see ChannelsLastRun) keeps its images channels-last, where
// a vector holds one pixel's consecutive channels: the depthwise taps then use every lane however small the
// map (MobileNet's 8×8 and 4×4 ones, a vector or less per channel plane), and the pointwise layer is a
// product of the pixels × input channels matrix by the transposed weights.

extension Convolution2D {
  /// Whether this convolution has a channels-last pass on vectors of `vectorWidth` floats: a depthwise one, or a
  /// 1×1 one (stride 1, no padding, ungrouped), whose output channels are whole vectors.
  func runsChannelsLast(vectorWidth: Int) -> Bool {
    outputChannels % vectorWidth == 0 && (isDepthwise || (readsInputAsColumns && groups == 1 && dilation == 1))
  }

  /// Whether a run of channels-last layers may start with this convolution, reading its input's planes: a
  /// pointwise one (``runsChannelsLast(vectorWidth:)``, not depthwise). (Stems too, through their im2col matrix,
  /// were slower: MobileNet-style's 3×3 stem of 16 filters took 10.4 µs that way against 6.3 µs in planes, more
  /// than its depthwise layer gained, 6.3 → 3.2 µs.)
  func startsChannelsLast(vectorWidth: Int) -> Bool {
    !isDepthwise && runsChannelsLast(vectorWidth: vectorWidth)
  }

  /// One image's output, channels-last (`[H'·W', C']`), into `y`, from `x`: channels-last, or one plane per
  /// channel when `planar` (``startsChannelsLast(vectorWidth:)``). `epilogue` is applied on the way out (without
  /// a residual).
  func channelsLastForward(
    _ x: UnsafePointer<Float>, planar: Bool, geometry g: WindowGeometry, kernels: any VectorKernels.Type,
    epilogue: ConvolutionEpilogue, into y: UnsafeMutablePointer<Float>
  ) {
    precondition(
      epilogue.residual == nil && runsChannelsLast(vectorWidth: kernels.vectorWidth) && !(planar && isDepthwise),
      "no channels-last pass for this layer and input")
    let (weights, rowOffsets) = channelsLastLayout()
    epilogue.withProductEpilogue(bias: bias?.value.data ?? [], residual: nil, perColumn: true) { e in
      weights.withUnsafeBufferPointer { w in
        if isDepthwise {
          kernels.channelsLastDepthwise(
            x, height: g.height, width: g.width, channels: inputChannels, weights: w.baseAddress!,
            kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, outputHeight: g.outputHeight,
            outputWidth: g.outputWidth, epilogue: e, into: y)
          return
        }
        let pixels = g.outputPlane
        // A[p, k]: pixel p's channel k, a plane apart (planar) or next to each other.
        rowOffsets.withUnsafeBufferPointer { offsets in
          kernels.matrixProduct(
            rows: pixels, depth: inputChannels, columns: outputChannels, a: x, lda: planar ? 1 : inputChannels,
            aColumnStride: planar ? pixels : 1, b: w.baseAddress!, rowOffsets: offsets.baseAddress!, c: y,
            ldc: outputChannels, epilogue: e, packing: nil)
        }
      }
    }
  }

  /// The weights as the channels-last pass reads them, made again whenever they changed: a depthwise kernel's
  /// `[k·k, C]` (tap, then channel), a pointwise one's transpose `[C, C']` with its rows' offsets.
  private func channelsLastLayout() -> (weights: [Float], rowOffsets: [Int]) {
    if let cached = channelsLastWeights, cached.version == weight.version { return (cached.values, cached.rowOffsets) }
    let w = weight.value.data
    let (rows, columns) = isDepthwise ? (inputChannels, kernelSize * kernelSize) : (outputChannels, inputChannels)
    var transposed = [Float](repeating: 0, count: w.count)
    for r in 0..<rows {
      for c in 0..<columns { transposed[c * rows + r] = w[r * columns + c] }
    }
    let offsets = isDepthwise ? [] : (0..<columns).map { $0 * outputChannels }
    channelsLastWeights = (weight.version, transposed, offsets)
    return (transposed, offsets)
  }
}
