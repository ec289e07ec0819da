extension Architecture {
  /// The network for samples of `inputShape` (`[C, H, W]`) and `classes` outputs, its weights
  /// drawn from `seed` (the same seed gives the same weights on every rank and platform).
  public func build(inputShape: [Int], classes: Int = 10, seed: UInt64) -> Network {
    var generator = SeededGenerator(seed: seed)
    var layers: [any Layer] = []
    switch self {
    case .lenet:
      let channels = inputShape[0]
      layers = [
        Convolution2D(inputChannels: channels, outputChannels: 6, kernelSize: 5, padding: 2, generator: &generator),
        Activation(.relu), MaxPool2D(kernelSize: 2),
        Convolution2D(inputChannels: 6, outputChannels: 16, kernelSize: 5, generator: &generator),
        Activation(.relu), MaxPool2D(kernelSize: 2), Flatten(),
      ]
      let features = Sequential(layers).outputShape(for: inputShape).reduce(1, *)
      layers += [
        Dense(inputs: features, outputs: 120, initializer: .heNormal, generator: &generator), Activation(.relu),
        Dense(inputs: 120, outputs: 84, initializer: .heNormal, generator: &generator), Activation(.relu),
        Dense(inputs: 84, outputs: classes, generator: &generator),
      ]
    case .mlp:
      let features = inputShape.reduce(1, *)
      layers = [
        Flatten(),
        Dense(inputs: features, outputs: 512, initializer: .heNormal, generator: &generator), Activation(.relu),
        Dense(inputs: 512, outputs: 256, initializer: .heNormal, generator: &generator), Activation(.relu),
        Dense(inputs: 256, outputs: classes, generator: &generator),
      ]
    case .resnet:
      let blocks = blocksPerStage!
      layers = [
        Convolution2D(
          inputChannels: inputShape[0], outputChannels: 16, kernelSize: 3, padding: 1, bias: false,
          generator: &generator),
        BatchNormalization(features: 16), Activation(.relu),
      ]
      var channels = 16
      for (stage, width) in [16, 32, 64].enumerated() {
        for block in 0..<blocks {
          let stride = stage > 0 && block == 0 ? 2 : 1
          layers.append(
            ResidualBlock(inputChannels: channels, outputChannels: width, stride: stride, generator: &generator))
          channels = width
        }
      }
      layers += [GlobalAveragePool(), Dense(inputs: channels, outputs: classes, generator: &generator)]
    }
    return Network(layers: Sequential(layers), inputShape: inputShape)
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
