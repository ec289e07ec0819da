import Testing

@testable import CNN

/// Wang et al.'s FCN and 1-D ResNet as presets of the graph engine.
struct SeriesModelTests {
  @Test func fcnIsThreeConvolutionBlocksThenPooledLogits() throws {
    let graph = Architecture.fcn.graph(inputShape: [1, 1, 150], classes: 2)
    let network = try graph.build(seed: 1)
    #expect(network.outputShape == [2])
    #expect(graph.nodes.map(\.layer).filter { if case .convolution1D = $0 { true } else { false } }.count == 3)
    // Keras' parameter count of the same FCN: convolutions with biases, γ and β (the running statistics apart).
    let convolutions = (1 * 128 * 8 + 128) + (128 * 256 * 5 + 256) + (256 * 128 * 3 + 128)
    let trained = convolutions + 2 * (128 + 256 + 128) + (128 * 2 + 2)
    #expect(network.parameterCount == trained)
    #expect(network.layerInfo[0].outputShape == [128, 1, 150])
    #expect(try Architecture(name: "fcn", layers: nil) == .fcn && Architecture.preset(named: "fcn") == .fcn)
  }

  @Test func resnet1dWidensThroughConvolutionShortcutsOnly() throws {
    let graph = Architecture.resnet1d.graph(inputShape: [6, 1, 100], classes: 4)
    let names = graph.nodes.map(\.name)
    #expect(names.contains("0.shortcut") && names.contains("1.shortcut") && !names.contains("2.shortcut"))
    #expect(names.filter { $0.hasSuffix(".add") }.count == 3)
    let network = try graph.build(seed: 2)
    #expect(network.outputShape == [4])
    let x = randomTensor([3, 6, 1, 100], seed: 3)
    #expect(network.forward(x, mode: .inference).shape == [3, 4])
  }

  @Test func bothLearnASeparableSeriesTask() throws {
    // Class 0: a rising ramp, class 1: a falling one, with noise; a few SGD steps must bring the loss down.
    var generator = SeededGenerator(seed: 5)
    var values: [Float] = []
    var labels: [Int] = []
    for i in 0..<16 {
      let label = i % 2
      for t in 0..<24 {
        let ramp = Float(t) / 12 - 1
        values.append((label == 0 ? ramp : -ramp) + Float(generator.nextIndex(below: 100)) / 500)
      }
      labels.append(label)
    }
    let x = Tensor(shape: [16, 1, 1, 24], data: values)
    for architecture in [Architecture.fcn, .resnet1d] {
      let network = architecture.build(inputShape: [1, 1, 24], classes: 2, seed: 7)
      let optimizer = SGD(momentum: 0.9)
      var losses: [Float] = []
      for _ in 0..<12 {
        let (loss, gradient, _) = SoftmaxCrossEntropy().loss(
          logits: network.forward(x, mode: .training), labels: labels)
        losses.append(loss)
        for parameter in network.parameters where parameter.isTrainable { parameter.gradient.zero() }
        network.backward(gradient)
        optimizer.step(parameters: network.parameters, learningRate: 0.01)
      }
      #expect(losses.last! < losses.first! * 0.5, "\(architecture): \(losses)")
    }
  }
}
