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
  /// Weights, their gradients and the optimizer's momentum: 3 × 4 bytes per parameter.
  public var parameterBytes: Int
  /// Every layer's output kept for the backward pass, and as large again for the gradients
  /// flowing back through them, for `batch` samples (plus the input batch).
  public var activationBytes: Int
  /// The runtime, BLAS and MPI buffers that do not scale with the model (measured: about 60 MB
  /// per rank).
  public var baseBytes: Int

  /// Bytes per trainable parameter: its value, its gradient and its momentum, 4 bytes each.
  public static let bytesPerParameter = 12

  /// The estimate for `network` at `batch` samples per step; a product too large for an `Int`
  /// (a batch or an image no node could hold) is `Int.max`, which every comparison refuses.
  public init(network: Network, batch: Int) {
    parameterBytes = Self.product([network.parameterCount, Self.bytesPerParameter])
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
