import Testing

@testable import CNN

struct BatchNormalizationTests {
  /// γ and β away from 1 and 0, so that their gradients and the input's are all exercised.
  func layer(_ features: Int, form: BatchNormalization.Form = .pytorch) -> BatchNormalization {
    let layer = BatchNormalization(features: features, epsilon: form == .darknet ? 1e-6 : 1e-5, form: form)
    layer.gamma.value = randomTensor([features], seed: 1, scale: 0.5)
    layer.beta.value = randomTensor([features], seed: 2)
    return layer
  }

  @Test func gradientsOverChannels() {
    var x = randomTensor([3, 2, 4, 3], seed: 3)
    // A large mean in one channel, which a naive variance would lose.
    for n in 0..<3 {
      for i in 0..<12 { x.data[(n * 2 + 1) * 12 + i] += 5 }
    }
    checkGradients(layer(2), input: x)
  }

  /// Darknet's ε outside the square root: its own variance term in the backward pass.
  @Test func darknetFormGradients() {
    checkGradients(layer(2, form: .darknet), input: randomTensor([3, 2, 4, 3], seed: 5, scale: 0.3))
    checkGradients(layer(4, form: .darknet), input: randomTensor([6, 4], seed: 6))
  }

  @Test func darknetFormNormalizesWithEpsilonAfterTheSquareRoot() {
    let layer = BatchNormalization(features: 1, epsilon: 0.5, form: .darknet)
    layer.runningMean.value = Tensor(shape: [1], data: [1])
    layer.runningVariance.value = Tensor(shape: [1], data: [4])
    // (3 − 1) / (√4 + 0.5) = 0.8, where PyTorch's form gives 2 / √4.5.
    let y = layer.forward(Tensor(shape: [1, 1], data: [3]), mode: .inference)
    #expect(abs(y.data[0] - 0.8) < 1e-6)
    #expect(layer.summary == "batchnorm 1 darknet")
  }

  @Test func gradientsOverFeatures() {
    checkGradients(layer(5), input: randomTensor([6, 5], seed: 4))
  }

  /// The ReLU a residual block fuses into its first normalization.
  @Test func gradientsWithFusedReLU() {
    let fused = layer(3)
    fused.appliesReLU = true
    checkGradients(fused, input: randomTensor([2, 3, 4, 4], seed: 8), epsilon: 1e-3, tolerance: 2e-2)
    let y = fused.forward(randomTensor([2, 3, 4, 4], seed: 8), mode: .training)
    #expect(y.data.allSatisfy { $0 >= 0 } && y.data.contains { $0 > 0 })
  }

  @Test func trainingNormalizesAndUpdatesRunningStatistics() {
    let layer = BatchNormalization(features: 2)
    // Channel 0: 1, 2, 3, 4 (mean 2.5, biased variance 1.25); channel 1: all 7.
    let x = Tensor(shape: [2, 2, 1, 2], data: [1, 2, 7, 7, 3, 4, 7, 7])
    let y = layer.forward(x, mode: .training)
    let inverse = 1 / (1.25 + 1e-5).squareRoot()
    let expected: [Float] = [-1.5, -0.5, 0, 0, 0.5, 1.5, 0, 0].map { $0 * Float(inverse) }
    #expect(maxDifference(y, Tensor(shape: x.shape, data: expected)) < 1e-5)
    // running = 0.9 · initial + 0.1 · batch, with the unbiased variance (1.25 · 4/3).
    #expect(abs(layer.runningMean.value.data[0] - 0.25) < 1e-6)
    #expect(abs(layer.runningMean.value.data[1] - 0.7) < 1e-6)
    #expect(abs(layer.runningVariance.value.data[0] - (0.9 + 0.1 * 1.25 * 4 / 3)) < 1e-6)
    #expect(abs(layer.runningVariance.value.data[1] - 0.9) < 1e-6)
  }

  @Test func inferenceUsesRunningStatistics() {
    let layer = layer(2)
    layer.runningMean.value = Tensor(shape: [2], data: [1, -2])
    layer.runningVariance.value = Tensor(shape: [2], data: [4, 0.25])
    let x = randomTensor([3, 2, 2, 2], seed: 5)
    let y = layer.forward(x, mode: .inference)
    for n in 0..<3 {
      for c in 0..<2 {
        for i in 0..<4 {
          let index = (n * 2 + c) * 4 + i
          let (mean, variance) = c == 0 ? (Float(1), Float(4)) : (-2, 0.25)
          let expected =
            layer.gamma.value.data[c] * (x.data[index] - mean) / (variance + 1e-5).squareRoot()
            + layer.beta.value.data[c]
          #expect(abs(y.data[index] - expected) < 1e-5)
        }
      }
    }
    // Inference leaves the statistics alone.
    #expect(layer.runningMean.value.data == [1, -2])
  }

  @Test func parameters() {
    let layer = BatchNormalization(features: 3)
    #expect(layer.parameters.map(\.name) == ["weight", "bias", "running_mean", "running_var"])
    #expect(layer.parameters.map(\.isTrainable) == [true, true, false, false])
    #expect(layer.parameters.allSatisfy { !$0.decays })
    #expect(layer.outputShape(for: [3, 8, 8]) == [3, 8, 8])
  }
}

struct ResidualBlockTests {
  @Test func identityShortcutGradients() {
    var generator = SeededGenerator(seed: 1)
    let block = ResidualBlock(inputChannels: 3, outputChannels: 3, generator: &generator)
    #expect(!block.hasProjection)
    checkGradients(block, input: randomTensor([2, 3, 5, 5], seed: 2), epsilon: 3e-3, tolerance: 2e-2)
  }

  @Test func shapeChangingShortcutGradients() {
    var generator = SeededGenerator(seed: 3)
    let block = ResidualBlock(inputChannels: 2, outputChannels: 4, stride: 2, generator: &generator)
    #expect(block.hasProjection)
    #expect(block.outputShape(for: [2, 6, 6]) == [4, 3, 3])
    checkGradients(block, input: randomTensor([2, 2, 6, 6], seed: 4), epsilon: 3e-3, tolerance: 2e-2)
  }

  @Test func shortcutSubsamplesAndPadsChannels() {
    var generator = SeededGenerator(seed: 5)
    let block = ResidualBlock(inputChannels: 2, outputChannels: 4, stride: 2, generator: &generator)
    // With the main path zeroed (γ = β = 0), the output is relu(shortcut(x)).
    block.bn2.gamma.value.zero()
    let x = randomTensor([1, 2, 4, 4], seed: 6)
    let y = block.forward(x, mode: .training)
    #expect(y.shape == [1, 4, 2, 2])
    for c in 0..<4 {
      for oh in 0..<2 {
        for ow in 0..<2 {
          let source = c - 1
          let expected = (0..<2).contains(source) ? max(0, x.data[(source * 4 + 2 * oh) * 4 + 2 * ow]) : 0
          #expect(y.data[(c * 2 + oh) * 2 + ow] == expected)
        }
      }
    }
  }

  @Test func parameterNames() {
    var generator = SeededGenerator(seed: 7)
    let block = ResidualBlock(inputChannels: 16, outputChannels: 32, stride: 2, generator: &generator)
    #expect(
      block.parameters.map(\.name) == [
        "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "conv2.weight", "bn2.weight",
        "bn2.bias", "bn2.running_mean", "bn2.running_var",
      ])
    #expect(block.summary == "residual 16->32 stride 2")
    #expect(block.forwardFLOPs(for: [16, 32, 32]) == 2 * 16 * 16 * 32 * (16 * 9 + 32 * 9))
  }
}
