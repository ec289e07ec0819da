import SIMDKernels
import Testing

@testable import CNN

/// The channels-last pass of depthwise separable blocks: each layer against the textbook convolution, the runs
/// a network's inference finds, and a run's output against the layers one by one.
struct ChannelsLastTests {
  /// `[C, H, W]` to `[H·W, C]`, one image.
  func channelsLast(_ x: [Float], channels: Int, pixels: Int) -> [Float] {
    var y = [Float](repeating: 0, count: x.count)
    for c in 0..<channels {
      for p in 0..<pixels { y[p * channels + c] = x[c * pixels + p] }
    }
    return y
  }

  /// `layer`'s channels-last pass over one image `x` (`[1, C, H, W]`) with a batch normalization's scale and
  /// shift and a leaky ReLU, back in planes, and what the layer, the normalization and the activation give.
  func bothWays(_ layer: Convolution2D, _ x: Tensor, kernels: any VectorKernels.Type, planar: Bool) -> (Tensor, Tensor)
  {
    let g = layer.geometry(for: x.sampleShape)
    let (scale, shift) = (
      randomTensor([layer.outputChannels], seed: 7).data, randomTensor([layer.outputChannels], seed: 8).data
    )
    let epilogue = ConvolutionEpilogue(scale: scale, shift: shift, slope: 0.1)
    let input = planar ? x.data : channelsLast(x.data, channels: layer.inputChannels, pixels: g.height * g.width)
    var y = [Float](repeating: .nan, count: layer.outputChannels * g.outputPlane)
    input.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        layer.channelsLastForward(
          xp.baseAddress!, planar: planar, geometry: g, kernels: kernels, epilogue: epilogue, into: yp.baseAddress!)
      }
    }
    var planes = [Float](repeating: .nan, count: y.count)
    y.withUnsafeBufferPointer { yp in
      planes.withUnsafeMutableBufferPointer {
        channelsLastToPlanes(
          yp.baseAddress!, pixels: g.outputPlane, channels: layer.outputChannels, into: $0.baseAddress!)
      }
    }
    var expected = directConvolution(x, layer)
    for c in 0..<layer.outputChannels {
      for p in 0..<g.outputPlane {
        let v = expected.data[c * g.outputPlane + p] * scale[c] + shift[c]
        expected.data[c * g.outputPlane + p] = v > 0 ? v : 0.1 * v
      }
    }
    return (Tensor(shape: expected.shape, data: planes), expected)
  }

  /// Depthwise layers (vectors of channels, H, W, kernel, stride, padding, trailing padding, dilation): MobileNet's
  /// 3×3 of stride 1 and 2 on maps of 32×32 down to 2×2 and odd sizes, a map narrower than the kernel, 5×5 and
  /// 1×1 kernels (the tap-by-tap path), dilation, asymmetric padding.
  static let depthwiseCases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
    (1, 32, 32, 3, 1, 1, 1, 1), (2, 17, 15, 3, 2, 1, 1, 1), (4, 4, 4, 3, 1, 1, 1, 1), (3, 8, 8, 3, 2, 1, 1, 1),
    (1, 2, 2, 3, 1, 1, 1, 1), (2, 11, 10, 5, 3, 2, 2, 1), (1, 9, 8, 3, 2, 2, 1, 2), (1, 6, 7, 1, 1, 0, 0, 1),
    (2, 9, 9, 3, 1, 2, 2, 2), (1, 7, 6, 3, 2, 0, 1, 1),
  ]

  @Test(arguments: 0..<depthwiseCases.count)
  func depthwiseMatchesTheDirectConvolution(_ index: Int) {
    let (vectors, h, w, k, s, p, trailing, d) = Self.depthwiseCases[index]
    for set in supportedKernelSets {
      let kernels = VectorUnit.kernels(for: set)!
      let c = vectors * kernels.vectorWidth
      var generator = SeededGenerator(seed: UInt64(40 + index))
      let layer = Convolution2D(
        inputChannels: c, outputChannels: c, kernelSize: k, stride: s, padding: p, trailingPadding: trailing,
        dilation: d, groups: c, generator: &generator)
      layer.bias!.value = randomTensor([c], seed: 6)
      #expect(layer.runsChannelsLast(vectorWidth: kernels.vectorWidth))
      let (ours, expected) = bothWays(layer, randomTensor([1, c, h, w], seed: 5), kernels: kernels, planar: false)
      #expect(maxDifference(ours, expected) < 1e-4, "\(set) case \(index)")
    }
  }

  @Test func pointwiseMatchesTheDirectConvolutionFromPlanesAndChannelsLast() {
    for set in supportedKernelSets {
      let kernels = VectorUnit.kernels(for: set)!
      // Pixels past a tile of 8 and fewer, inputs of any count, outputs of one and several vectors, two tiles wide.
      for (inputs, outputs, h, w) in [(3, 1, 5, 3), (16, 2, 8, 8), (7, 4, 3, 3), (40, 3, 1, 1)] {
        var generator = SeededGenerator(seed: 3)
        let cout = outputs * kernels.vectorWidth
        let layer = Convolution2D(inputChannels: inputs, outputChannels: cout, kernelSize: 1, generator: &generator)
        layer.bias!.value = randomTensor([cout], seed: 4)
        for planar in [true, false] {
          let (ours, expected) = bothWays(
            layer, randomTensor([1, inputs, h, w], seed: 9), kernels: kernels, planar: planar)
          #expect(maxDifference(ours, expected) < 1e-4, "\(set) \(inputs)→\(cout) on \(h)×\(w), planar \(planar)")
        }
      }
    }
  }

  @Test func onlyDepthwiseAndOneByOneLayersOfWholeVectorsRunChannelsLast() {
    var generator = SeededGenerator(seed: 1)
    func conv(_ cin: Int, _ cout: Int, _ k: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1) -> Convolution2D {
      Convolution2D(
        inputChannels: cin, outputChannels: cout, kernelSize: k, stride: stride, padding: padding, groups: groups,
        generator: &generator)
    }
    #expect(conv(32, 32, 3, padding: 1, groups: 32).runsChannelsLast(vectorWidth: 16))
    #expect(conv(3, 32, 1).runsChannelsLast(vectorWidth: 16))
    #expect(!conv(24, 24, 3, padding: 1, groups: 24).runsChannelsLast(vectorWidth: 16))
    #expect(!conv(16, 16, 3, padding: 1).runsChannelsLast(vectorWidth: 16))
    #expect(!conv(16, 32, 1, stride: 2).runsChannelsLast(vectorWidth: 16))
    #expect(!conv(32, 32, 1, groups: 2).runsChannelsLast(vectorWidth: 16))
  }

  /// A stem, then pointwise → depthwise (stride 2) → pointwise → depthwise (with batch normalization) →
  /// pointwise, then global average pooling; `channels` a multiple of every vector width. Node 5's value (the
  /// first depthwise block's) is an output too with `splitAfterFirstBlock`.
  func separableNetwork(channels c: Int = 16, splitAfterFirstBlock: Bool = false) throws -> Network {
    var generator = SeededGenerator(seed: 11)
    func conv(_ cin: Int, _ cout: Int, _ k: Int, stride: Int = 1, groups: Int = 1) -> Convolution2D {
      let layer = Convolution2D(
        inputChannels: cin, outputChannels: cout, kernelSize: k, stride: stride, padding: k / 2, groups: groups,
        generator: &generator)
      layer.bias!.value = randomTensor([cout], seed: UInt64(cin + cout + k))
      return layer
    }
    let normalization = BatchNormalization(features: 2 * c)
    normalization.gamma.value = randomTensor([2 * c], seed: 1)
    normalization.beta.value = randomTensor([2 * c], seed: 2)
    normalization.runningVariance.value = Tensor(shape: [2 * c], repeating: 0.7)
    let nodes = [
      NetworkNode(name: "stem", layer: conv(3, 8, 3), input: 0),
      NetworkNode(name: "r0", layer: Activation(.relu), input: 1),
      NetworkNode(name: "pw1", layer: conv(8, c, 1), input: 2),
      NetworkNode(name: "r1", layer: Activation(.relu), input: 3),
      NetworkNode(name: "dw1", layer: conv(c, c, 3, stride: 2, groups: c), input: 4),
      NetworkNode(name: "r2", layer: Activation(.leakyReLU(slope: 0.1)), input: 5),
      NetworkNode(name: "pw2", layer: conv(c, 2 * c, 1), input: 6),
      NetworkNode(name: "dw2", layer: conv(2 * c, 2 * c, 3, groups: 2 * c), input: 7),
      NetworkNode(name: "bn", layer: normalization, input: 8),
      NetworkNode(name: "pw3", layer: conv(2 * c, c, 1), input: 9),
      NetworkNode(name: "gap", layer: GlobalAveragePool(), input: 10),
    ]
    return try Network(nodes: nodes, inputShape: [3, 12, 12], outputs: splitAfterFirstBlock ? [10, 5] : [10])
  }

  @Test func runsAreTheSeparableBlocksNothingElseReads() throws {
    guard !supportedKernelSets.isEmpty else { return }
    let whole = try separableNetwork()
    let fusion = InferenceFusion(nodes: whole.nodes, outputs: whole.outputNodes)
    // pw1 … dw2 with its normalization; pw3 after the last depthwise layer runs in planes.
    #expect(fusion.runs[2]?.chains.count == 4 && fusion.runs[2]?.last == 8)
    #expect(fusion.runs.enumerated().allSatisfy { $0.offset == 2 || $0.element == nil })
    #expect(fusion.absorbed == [false, true, false] + [Bool](repeating: true, count: 6) + [false, false])
    // The first block's value is an output: two runs.
    let split = try separableNetwork(splitAfterFirstBlock: true)
    let two = InferenceFusion(nodes: split.nodes, outputs: split.outputNodes)
    #expect(two.runs[2]?.last == 5 && two.runs[6]?.last == 8)
    // Channels of no whole vector: no run.
    let narrow = try separableNetwork(channels: 4)
    #expect(InferenceFusion(nodes: narrow.nodes, outputs: narrow.outputNodes).runs.allSatisfy { $0 == nil })
  }

  @Test func runsGiveTheLayersResultsAndFollowChangedWeights() throws {
    for split in [false, true] {
      let network = try separableNetwork(splitAfterFirstBlock: split)
      let x = randomTensor([2, 3, 12, 12], seed: 21)
      for (a, b) in zip(network.forwardOutputs(x, mode: .inference), layerByLayer(network, x)) {
        #expect(a.shape == b.shape && maxDifference(a, b) < 1e-4, "split \(split)")
      }
      // New weights after a pass (an optimizer's step, a load): the run's rearranged copies follow.
      for (index, node) in network.nodes.enumerated() {
        guard case .layer(let layer) = node.operation, let convolution = layer as? Convolution2D else { continue }
        convolution.weight.value = randomTensor(convolution.weight.value.shape, seed: UInt64(100 + index))
      }
      for (a, b) in zip(network.forwardOutputs(x, mode: .inference), layerByLayer(network, x)) {
        #expect(maxDifference(a, b) < 1e-4, "split \(split), new weights")
      }
    }
  }
}
