/// The chains of nodes an inference pass runs as one convolution: a convolution followed by what its
/// ``ConvolutionEpilogue`` can apply on the way out of its own pass, in this order, each the sole reader of
/// the value before it: a batch normalization, an addition of one other value (a residual block's
/// shortcut), a ReLU or leaky ReLU. onnxruntime fuses the same patterns (Conv + BatchNormalization, Conv +
/// Add + Relu); darknet's convolutional section is one such chain. A training pass runs every node.
struct InferenceFusion {
  /// One chain: the convolution at its first node and what its epilogue absorbs.
  struct Chain {
    let convolution: Convolution2D
    let normalization: BatchNormalization?
    /// The value added after the normalization (computed before the chain starts).
    let residual: Int?
    /// The activation's slope for negative values (0: ReLU).
    let slope: Float?
    /// The chain's last node: its value is the chain's output; the nodes after the first up to it are absorbed.
    let last: Int

    /// What the convolution's pass applies on the way out, but the residual.
    var epilogue: ConvolutionEpilogue {
      var epilogue = ConvolutionEpilogue(slope: slope)
      if let normalization {
        let (scale, shift) = normalization.inferenceScaleShift()
        (epilogue.scale, epilogue.shift) = (scale, shift)
      }
      return epilogue
    }

    /// The chain's output for the convolution's input `x`, `values` holding the residual.
    func run(_ x: Tensor, values: [Tensor?]) -> Tensor {
      var epilogue = epilogue
      if let residual { epilogue.residual = values[residual] }
      return convolution.inferenceForward(x, epilogue: epilogue)
    }
  }

  /// The chain that starts at each node (nil for most).
  let chains: [Chain?]
  /// The channels-last run that starts at each node (nil for most; see ``ChannelsLastRun``).
  let runs: [ChannelsLastRun?]
  /// Whether a chain or a run does the node's work (it runs nothing of its own).
  let absorbed: [Bool]

  /// The chains and runs of `nodes`, whose outputs (node indices) `outputs` must stay values of their own.
  init(nodes: [NetworkNode], outputs: [Int]) {
    var readers = [[Int]](repeating: [], count: nodes.count + 1)
    for (index, node) in nodes.enumerated() {
      for value in Set(node.inputs) { readers[value].append(index) }
    }
    // The node after `node` when it is the only reader of `node`'s value and that value no output.
    func soleNext(_ node: Int) -> Int? {
      guard !outputs.contains(node), readers[node + 1] == [node + 1] else { return nil }
      return node + 1
    }
    func layer(_ node: Int) -> (any Layer)? {
      if case .layer(let layer) = nodes[node].operation { layer } else { nil }
    }
    var chains = [Chain?](repeating: nil, count: nodes.count)
    var absorbed = [Bool](repeating: false, count: nodes.count)
    for start in nodes.indices {
      guard !absorbed[start], let convolution = layer(start) as? Convolution2D else { continue }
      var (last, normalization, residual, slope) = (start, BatchNormalization?.none, Int?.none, Float?.none)
      if let next = soleNext(last), let found = layer(next) as? BatchNormalization {
        (last, normalization) = (next, found)
        if found.appliesReLU { slope = 0 }
      }
      if slope == nil, let next = soleNext(last), case .merge(let merge) = nodes[next].operation, merge is Addition,
        nodes[next].inputs.count == 2, let other = nodes[next].inputs.first(where: { $0 != last + 1 }), other <= start
      {
        (last, residual) = (next, other)
      }
      if slope == nil, let next = soleNext(last), let activation = layer(next) as? Activation {
        switch activation.function {
        case .relu: (last, slope) = (next, 0)
        case .leakyReLU(let negativeSlope): (last, slope) = (next, negativeSlope)
        default: break
        }
      }
      // A convolution alone is a chain too, for a run to take in.
      chains[start] = Chain(
        convolution: convolution, normalization: normalization, residual: residual, slope: slope, last: last)
      for node in start..<last { absorbed[node + 1] = true }
    }
    var runs = [ChannelsLastRun?](repeating: nil, count: nodes.count)
    let found = ChannelsLastRun.find(in: chains) { chain, next in
      soleNext(chain.last) == next && nodes[next].inputs == [chain.last + 1]
    }
    for (start, run) in found {
      runs[start] = run
      for node in start..<run.last { absorbed[node + 1] = true }
    }
    // A lone convolution runs as itself, a chain inside a run as part of it.
    for (start, chain) in chains.enumerated() where chain?.last == start || absorbed[start] { chains[start] = nil }
    (self.chains, self.runs, self.absorbed) = (chains, runs, absorbed)
  }
}
