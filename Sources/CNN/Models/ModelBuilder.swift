extension Architecture {
  /// The model's graph for samples of `inputShape` (`[C, H, W]`) and `classes` outputs.
  public func graph(inputShape: [Int], classes: Int = 10) -> ModelGraph {
    let batchNorm = LayerSpec.batchNormalization(epsilon: 1e-5, momentum: 0.1, form: .pytorch)
    func hidden(_ outputs: Int) -> [LayerSpec] {
      [.dense(outputs: outputs, bias: true, initializer: .heNormal), .activation(.relu)]
    }
    let logits = LayerSpec.dense(outputs: classes, bias: true, initializer: .glorotUniform)
    let layers: [LayerSpec]
    switch self {
    case .fcn:
      let blocks = [(128, 8), (256, 5), (128, 3)].flatMap { filters, kernel in
        [Self.seriesConvolution(filters, kernel), batchNorm, LayerSpec.activation(.relu)]
      }
      layers = blocks + [.globalAveragePool, logits]
    case .resnet1d:
      return Self.residualSeriesGraph(inputShape: inputShape, logits: logits, batchNorm: batchNorm)
    case .lenet:
      layers =
        [
          .convolution(.init(filters: 6, kernel: 5, padding: 2)), .activation(.relu),
          .maxPool(PoolingWindow(kernelSize: 2)), .convolution(.init(filters: 16, kernel: 5)), .activation(.relu),
          .maxPool(PoolingWindow(kernelSize: 2)), .flatten,
        ] + hidden(120) + hidden(84) + [logits]
    case .mlp:
      layers = [.flatten] + hidden(512) + hidden(256) + [logits]
    case .resnet:
      var stages: [LayerSpec] = []
      for (stage, width) in [16, 32, 64].enumerated() {
        for block in 0..<blocksPerStage! {
          stages.append(.residualBlock(outputChannels: width, stride: stage > 0 && block == 0 ? 2 : 1))
        }
      }
      layers =
        [.convolution(.init(filters: 16, kernel: 3, padding: 1, bias: false)), batchNorm, .activation(.relu)]
        + stages + [.globalAveragePool, logits]
    }
    return .chain(inputShape: inputShape, layers)
  }

  /// A 1-D convolution of `filters` and `kernel` taps with Keras' "same" padding (`(k − 1) / 2` before, `k / 2`
  /// after), as Wang et al.'s models have.
  static func seriesConvolution(_ filters: Int, _ kernel: Int) -> LayerSpec {
    .convolution1D(.init(filters: filters, kernel: kernel, padding: (kernel - 1) / 2, trailingPadding: kernel / 2))
  }

  /// Wang et al.'s 1-D ResNet (see ``resnet1d``) as a graph: block `b`'s nodes named `b.conv8`, `b.bn8`, …,
  /// `b.shortcut`, `b.add`, `b.relu`.
  static func residualSeriesGraph(inputShape: [Int], logits: LayerSpec, batchNorm: LayerSpec) -> ModelGraph {
    var nodes: [ModelGraph.Node] = []
    // The node's value index (node k's output is value k + 1).
    @discardableResult func node(_ name: String, _ layer: LayerSpec, _ inputs: [Int]) -> Int {
      nodes.append(ModelGraph.Node(name: name, layer: layer, inputs: inputs))
      return nodes.count
    }
    var (value, width) = (0, inputShape[0])
    for (block, filters) in [64, 128, 128].enumerated() {
      var x = value
      for (step, kernel) in [8, 5, 3].enumerated() {
        x = node("\(block).conv\(kernel)", seriesConvolution(filters, kernel), [x])
        x = node("\(block).bn\(kernel)", batchNorm, [x])
        if step < 2 { x = node("\(block).relu\(kernel)", .activation(.relu), [x]) }
      }
      var shortcut = value
      if width != filters {
        shortcut = node("\(block).shortcut", .convolution1D(.init(filters: filters, kernel: 1)), [value])
      }
      shortcut = node("\(block).shortcut.bn", batchNorm, [shortcut])
      let sum = node("\(block).add", .add, [x, shortcut])
      value = node("\(block).relu", .activation(.relu), [sum])
      width = filters
    }
    let pooled = node("gap", .globalAveragePool, [value])
    node("logits", logits, [pooled])
    return ModelGraph(inputShape: inputShape, nodes: nodes)
  }

  /// The network for samples of `inputShape` (`[C, H, W]`, which ``inputProblem(_:)`` accepts) and `classes`
  /// outputs, its weights drawn from `seed` (the same seed gives the same weights on every rank and platform).
  public func build(inputShape: [Int], classes: Int = 10, seed: UInt64) -> Network {
    do {
      return try graph(inputShape: inputShape, classes: classes).build(seed: seed)
    } catch {
      preconditionFailure("\(description) for \(inputShape): \(error)")
    }
  }
}

/// What one rank needs to train a network at a batch size, estimated from its shapes.
public struct MemoryEstimate: Sendable, Equatable {
  /// Weights, their gradients and the optimizer's state: 3 × 4 bytes per parameter with SGD's velocity, 4 × 4
  /// with Adam's two moments.
  public var parameterBytes: Int
  /// Every layer's output kept for the backward pass, and as large again for the gradients
  /// flowing back through them, for `batch` samples (plus the input batch).
  public var activationBytes: Int
  /// The runtime, BLAS and MPI buffers that do not scale with the model (measured: about 60 MB
  /// per rank).
  public var baseBytes: Int

  /// Bytes per trainable parameter: its value, its gradient and `optimizerStateValues` values of the optimizer's
  /// state (1 for SGD's velocity, 2 for Adam's moments), 4 bytes each.
  public static func bytesPerParameter(optimizerStateValues: Int = 1) -> Int { 4 * (2 + optimizerStateValues) }

  /// The estimate for `network` at `batch` samples per step, trained by an optimizer keeping
  /// `optimizerStateValues` values per parameter; a product too large for an `Int` (a batch or an image no node
  /// could hold) is `Int.max`, which every comparison refuses.
  public init(network: Network, batch: Int, optimizerStateValues: Int = 1) {
    parameterBytes = Self.product([
      network.parameterCount, Self.bytesPerParameter(optimizerStateValues: optimizerStateValues),
    ])
    let activations = network.layerInfo.reduce(network.inputShape.reduce(1, *)) {
      $0 + $1.outputShape.reduce(1, *)
    }
    activationBytes = Self.product([activations, batch, 4, 2])
    baseBytes = 60 << 20
  }

  public var totalBytes: Int { Self.sum([parameterBytes, activationBytes, baseBytes]) }

  /// The product of non-negative `factors`, or `Int.max` when it overflows.
  static func product(_ factors: [Int]) -> Int {
    factors.reduce(1) { total, factor in
      let (result, overflow) = total.multipliedReportingOverflow(by: factor)
      return overflow ? Int.max : result
    }
  }

  static func sum(_ terms: [Int]) -> Int {
    terms.reduce(0) { total, term in
      let (result, overflow) = total.addingReportingOverflow(term)
      return overflow ? Int.max : result
    }
  }
}
