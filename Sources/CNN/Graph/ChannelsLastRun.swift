import SIMDKernels

/// Consecutive chains of depthwise separable blocks (a pointwise convolution, then depthwise and pointwise ones
/// in any order, ending at a depthwise one) that an inference pass runs channels-last: the first reads its input's
/// planes as they are, each next one the last one's channels-last output, and the last output goes back to one
/// plane per channel. MobileNets are made of such blocks after a stem; onnxruntime and XNNPACK run them
/// channels-last too.
///
/// A run of chains with nothing else reading the values between them (``InferenceFusion`` checks) gives the
/// same floats as the chains one by one, but the depthwise sums (whose taps are added in another order).
struct ChannelsLastRun {
  let chains: [InferenceFusion.Chain]

  /// The run's last node: its value is the run's output.
  var last: Int { chains.last!.last }

  /// The runs to be found in `chains` (by first node): maximal ones of at least a pointwise and a depthwise
  /// chain, each chain's convolution the sole reader of the one before, without residuals, with a channels-last
  /// pass on its vector kernels; `follows(a, b)` says whether chain `b` reads only chain `a`'s output and nothing
  /// else does.
  static func find(
    in chains: [InferenceFusion.Chain?], follows: (InferenceFusion.Chain, Int) -> Bool
  ) -> [Int: ChannelsLastRun] {
    func qualifies(_ chain: InferenceFusion.Chain, first: Bool = false) -> Bool {
      guard chain.residual == nil, let kernels = chain.convolution.vectorKernels else { return false }
      let width = kernels.vectorWidth
      return first
        ? chain.convolution.startsChannelsLast(vectorWidth: width)
        : chain.convolution.runsChannelsLast(vectorWidth: width)
    }
    var runs: [Int: ChannelsLastRun] = [:]
    var start = 0
    while start < chains.count {
      guard let first = chains[start], qualifies(first, first: true) else {
        start += 1
        continue
      }
      var members = [first]
      while let next = chains.indices.contains(members.last!.last + 1) ? chains[members.last!.last + 1] : nil,
        qualifies(next), follows(members.last!, members.last!.last + 1)
      {
        members.append(next)
      }
      // It ends at its last depthwise chain: a pointwise one after it widens the output it would transpose.
      while let tail = members.last, !tail.convolution.isDepthwise { members.removeLast() }
      if members.count >= 2 {
        runs[start] = ChannelsLastRun(chains: members)
        start = members.last!.last + 1
      } else {
        start += 1
      }
    }
    return runs
  }

  /// The run's output (one plane per channel) for the first convolution's input `x`: channels-last while every
  /// convolution's vector kernels are the first one's, else (a test or a caller changed them) chain by chain.
  func run(_ x: Tensor) -> Tensor {
    guard let kernels = chains[0].convolution.vectorKernels,
      chains.allSatisfy({ $0.convolution.vectorKernels == kernels })
    else {
      return chains.reduce(x) { value, chain in chain.run(value, values: []) }
    }
    let geometries = layout.geometries(for: x.sampleShape, chains: chains)
    let (last, channels) = (geometries.last!, chains.last!.convolution.outputChannels)
    let largest = zip(geometries, chains).map { $0.outputPlane * $1.convolution.outputChannels }.max()!
    let scratch = Scratch.current
    let buffers = (scratch.buffer(.columns, count: largest), scratch.buffer(.channelMajor, count: largest))
    let epilogues = chains.map(\.epilogue)
    var output = Tensor.pooled(shape: [x.batch, channels, last.outputHeight, last.outputWidth])
    let (inputCount, outputCount) = (x.sampleCount, output.sampleCount)
    x.data.withBase { xp in
      output.data.withMutableBase { yp in
        for image in 0..<x.batch {
          var source = xp + image * inputCount
          for (index, chain) in chains.enumerated() {
            let target = index % 2 == 0 ? buffers.0 : buffers.1
            chain.convolution.channelsLastForward(
              source, planar: index == 0, geometry: geometries[index], kernels: kernels,
              epilogue: epilogues[index], into: target)
            source = UnsafePointer(target)
          }
          channelsLastToPlanes(source, pixels: last.outputPlane, channels: channels, into: yp + image * outputCount)
        }
      }
    }
    return output
  }

  /// Each chain's window geometry for the last input shape (a network's never changes).
  private let layout = Layout()

  private final class Layout {
    var inputShape: [Int] = []
    var geometries: [WindowGeometry] = []

    func geometries(for shape: [Int], chains: [InferenceFusion.Chain]) -> [WindowGeometry] {
      if shape == inputShape { return geometries }
      var sample = shape
      geometries = chains.map { chain in
        let g = chain.convolution.geometry(for: sample)
        sample = [chain.convolution.outputChannels, g.outputHeight, g.outputWidth]
        return g
      }
      inputShape = shape
      return geometries
    }
  }
}
