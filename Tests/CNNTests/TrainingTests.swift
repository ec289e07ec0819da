import Testing

@testable import CNN

struct OptimizerTests {
  @Test func sgdMatchesPyTorchWithMomentumAndDecay() {
    let weight = Parameter(name: "w", value: Tensor(shape: [2], data: [1, -2]))
    let bias = Parameter(name: "b", value: Tensor(shape: [1], data: [0.5]), decays: false)
    let statistic = Parameter(name: "s", value: Tensor(shape: [1], data: [3]), isTrainable: false)
    let optimizer = SGD(momentum: 0.9, weightDecay: 0.1)
    weight.gradient = Tensor(shape: [2], data: [0.5, 1])
    bias.gradient = Tensor(shape: [1], data: [2])
    statistic.gradient = Tensor(shape: [1], data: [100])
    optimizer.step(parameters: [weight, bias, statistic], learningRate: 0.1)
    // v = g + 0.1 w = [0.6, 0.8]; w = [1 − 0.06, −2 − 0.08]; bias: v = 2, b = 0.3.
    #expect(maxDifference(weight.value, Tensor(shape: [2], data: [0.94, -2.08])) < 1e-6)
    #expect(abs(bias.value.data[0] - 0.3) < 1e-6)
    #expect(statistic.value.data == [3])
    optimizer.step(parameters: [weight, bias, statistic], learningRate: 0.1)
    // v = 0.9 · 0.6 + 0.5 + 0.094 = 1.134; w = 0.94 − 0.1134.
    #expect(abs(weight.value.data[0] - (0.94 - 0.1134)) < 1e-6)
    #expect(abs(optimizer.state(of: weight)[0] - 1.134) < 1e-6)
    #expect(abs(bias.value.data[0] - (0.3 - 0.1 * 3.8)) < 1e-6)
  }

  /// Two steps of Adam with weight decay, against the update rule as PyTorch's `torch.optim.Adam` computes it
  /// (worked out in double precision).
  @Test func adamMatchesPyTorchsUpdate() {
    let weight = Parameter(name: "w", value: Tensor(shape: [2], data: [1, -2]))
    let bias = Parameter(name: "b", value: Tensor(shape: [1], data: [0.5]), decays: false)
    let statistic = Parameter(name: "s", value: Tensor(shape: [1], data: [3]), isTrainable: false)
    let optimizer = Adam(weightDecay: 0.1)
    for gradients in [([0.5, 1], 2), ([0.25, -0.5], 1)] as [([Float], Float)] {
      weight.gradient = Tensor(shape: [2], data: gradients.0)
      bias.gradient = Tensor(shape: [1], data: [gradients.1])
      statistic.gradient = Tensor(shape: [1], data: [100])
      optimizer.step(parameters: [weight, bias, statistic], learningRate: 0.1)
    }
    #expect(maxDifference(weight.value, Tensor(shape: [2], data: [0.805_009_766, -2.100_695_891])) < 1e-6)
    #expect(abs(bias.value.data[0] - 0.306_782_037) < 1e-6)
    #expect(statistic.value.data == [3] && optimizer.steps == 2)
    // The state is the first moment, then the second.
    let state = optimizer.state(of: weight)
    #expect(state.count == 4 && abs(state[0] - 0.088) < 1e-7 && abs(state[2] - 4.7524e-4) < 1e-10)
    // A fresh optimizer given that state and step count continues identically.
    let copy = Adam(weightDecay: 0.1)
    let twin = Parameter(name: "w", value: weight.value)
    copy.setState(state[...], of: twin)
    copy.steps = 2
    (weight.gradient, twin.gradient) = (Tensor(shape: [2], data: [1, 1]), Tensor(shape: [2], data: [1, 1]))
    optimizer.step(parameters: [weight], learningRate: 0.1)
    copy.step(parameters: [twin], learningRate: 0.1)
    #expect(twin.value.data == weight.value.data)
  }

  /// PyTorch's ReduceLROnPlateau(factor=0.5, patience=2, min_lr=0.1) on the same losses: the rate falls after
  /// the third epoch in a row without a loss 0.01 % below the best, and stops at the minimum.
  @Test func plateauScheduleFollowsReduceLROnPlateau() {
    var schedule = PlateauSchedule(
      initialRate: 1, settings: PlateauSchedule.Settings(factor: 0.5, patience: 2, minimumRate: 0.1))
    let losses = [1.0, 0.9, 0.899_95, 0.95, 0.95, 0.8] + Array(repeating: 0.85, count: 13)
    var rates: [Float] = []
    for loss in losses {
      schedule.observe(loss: loss)
      rates.append(schedule.rate)
    }
    let expected: [Float] = [
      1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.1, 0.1, 0.1, 0.1, 0.1,
    ]
    #expect(rates == expected)
    #expect(schedule.progress.best == 0.8 && schedule.progress.badEpochs == 1)
  }

  @Test func stepSchedule() {
    let schedule = StepSchedule(initialRate: 0.1, gamma: 0.1, milestones: [2, 4])
    let rates = (0..<6).map { schedule.learningRate(epoch: $0) }
    let expected: [Float] = [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]
    for (rate, want) in zip(rates, expected) { #expect(abs(rate - want) < 1e-7) }
  }

  @Test func initializersHaveTheirScales() {
    var generator = SeededGenerator(seed: 1)
    let he = Initializer.heNormal.tensor(shape: [20_000], fanIn: 50, fanOut: 10, generator: &generator)
    let deviation = (he.data.reduce(0) { $0 + Double($1 * $1) } / 20_000).squareRoot()
    #expect(abs(deviation - (2.0 / 50).squareRoot()) < 0.01)
    let glorot = Initializer.glorotUniform.tensor(shape: [20_000], fanIn: 50, fanOut: 10, generator: &generator)
    let bound = (6 / Float(60)).squareRoot()
    #expect(glorot.data.allSatisfy { abs($0) <= bound })
    #expect((glorot.data.map(abs).max() ?? 0) > 0.99 * bound)
    let uniform = Initializer.heUniform.tensor(shape: [1000], fanIn: 6, fanOut: 1, generator: &generator)
    #expect(uniform.data.allSatisfy { abs($0) <= 1 })
    // The same seed gives the same weights.
    var first = SeededGenerator(seed: 9)
    var second = SeededGenerator(seed: 9)
    #expect(
      Initializer.heNormal.tensor(shape: [5], fanIn: 3, fanOut: 3, generator: &first)
        == Initializer.heNormal.tensor(shape: [5], fanIn: 3, fanOut: 3, generator: &second))
  }
}

/// LeNet-5 as the issue describes it (ReLU activations, max pooling).
func leNet5(seed: UInt64) -> Network {
  var generator = SeededGenerator(seed: seed)
  let layers = Sequential([
    Convolution2D(inputChannels: 1, outputChannels: 6, kernelSize: 5, padding: 2, generator: &generator),
    Activation(.relu),
    MaxPool2D(kernelSize: 2),
    Convolution2D(inputChannels: 6, outputChannels: 16, kernelSize: 5, generator: &generator),
    Activation(.relu),
    MaxPool2D(kernelSize: 2),
    Flatten(),
    Dense(inputs: 400, outputs: 120, generator: &generator),
    Activation(.relu),
    Dense(inputs: 120, outputs: 84, generator: &generator),
    Activation(.relu),
    Dense(inputs: 84, outputs: 10, generator: &generator),
  ])
  return Network(layers: layers, inputShape: [1, 28, 28])
}

struct NetworkTests {
  @Test func leNet5ShapesParametersAndFLOPs() {
    let network = leNet5(seed: 1)
    #expect(network.parameterCount == 61_706)
    #expect(network.outputShape == [10])
    #expect(
      network.layerInfo.map(\.outputShape) == [
        [6, 28, 28], [6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 10, 10], [16, 5, 5], [400], [120], [120], [84],
        [84], [10],
      ])
    #expect(network.layerInfo.map(\.parameterCount) == [156, 0, 0, 2416, 0, 0, 0, 48_120, 0, 10_164, 0, 850])
    // 2 × multiply-adds of the convolutions and dense layers.
    let flops = 2 * (6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10)
    #expect(network.forwardFLOPs == flops)
    #expect(
      network.parameters.map(\.name).prefix(4) == ["0.conv.weight", "0.conv.bias", "3.conv.weight", "3.conv.bias"])
    #expect(network.parameters.last?.name == "11.dense.bias")
    let logits = network.forward(randomTensor([3, 1, 28, 28], seed: 2), mode: .inference)
    #expect(logits.shape == [3, 10])
  }

  @Test func namingIsIdempotentAndResidualNamesNest() {
    var generator = SeededGenerator(seed: 3)
    let layers = Sequential([
      Convolution2D(
        inputChannels: 3, outputChannels: 16, kernelSize: 3, padding: 1, bias: false, generator: &generator),
      BatchNormalization(features: 16),
      ResidualBlock(inputChannels: 16, outputChannels: 16, generator: &generator),
      GlobalAveragePool(),
      Dense(inputs: 16, outputs: 10, generator: &generator),
    ])
    let network = Network(layers: layers, inputShape: [3, 32, 32])
    let again = Network(layers: layers, inputShape: [3, 32, 32])
    #expect(network.parameters.map(\.name) == again.parameters.map(\.name))
    #expect(network.parameters.map(\.name).contains("2.residual.bn1.running_var"))
    #expect(network.parameters.map(\.name).contains("1.batchnorm.weight"))
    #expect(network.trainableParameters.count == 1 + 2 + (1 + 2 + 1 + 2) + 2)
  }

  @Test func zeroGradientsAndFirstLayerSkip() {
    let network = leNet5(seed: 4)
    let x = randomTensor([2, 1, 28, 28], seed: 5)
    let logits = network.forward(x, mode: .training)
    let (_, gradient, _) = SoftmaxCrossEntropy().loss(logits: logits, labels: [1, 2])
    var finished: [Int] = []
    network.backward(gradient) { finished.append($0) }
    // From the last layer down to the first trainable one.
    #expect(finished == Array((0..<12).reversed()))
    #expect(network.trainableParameters.allSatisfy { $0.gradient.data.contains { $0 != 0 } })
    network.zeroGradients()
    #expect(network.trainableParameters.allSatisfy { $0.gradient.data.allSatisfy { $0 == 0 } })
  }

  /// A tiny network memorizes 32 random samples with random labels.
  @Test func overfitsThirtyTwoSamples() {
    var generator = SeededGenerator(seed: 11)
    let network = Network(
      layers: Sequential([
        Convolution2D(inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: 1, generator: &generator),
        Activation(.relu),
        MaxPool2D(kernelSize: 2),
        Flatten(),
        Dense(inputs: 8 * 4 * 4, outputs: 10, generator: &generator),
      ]), inputShape: [1, 8, 8])
    let x = randomTensor([32, 1, 8, 8], seed: 12)
    let labels = (0..<32).map { _ in Int(generator.next() % 10) }
    let optimizer = SGD(momentum: 0.9)
    let criterion = SoftmaxCrossEntropy()
    var accuracy = 0.0
    var steps = 0
    while steps < 400 && accuracy < 1 {
      network.zeroGradients()
      let (_, gradient, correct) = criterion.loss(logits: network.forward(x, mode: .training), labels: labels)
      accuracy = Double(correct) / 32
      network.backward(gradient)
      optimizer.step(parameters: network.parameters, learningRate: 0.05)
      steps += 1
    }
    let final = criterion.loss(logits: network.forward(x, mode: .inference), labels: labels)
    #expect(final.correct == 32, "accuracy \(final.correct)/32 after \(steps) steps")
  }
}
