import Testing

@testable import CNN

struct DenseTests {
  @Test func gradients() {
    var generator = SeededGenerator(seed: 1)
    checkGradients(Dense(inputs: 7, outputs: 5, generator: &generator), input: randomTensor([4, 7], seed: 2))
    checkGradients(
      Dense(inputs: 12, outputs: 3, bias: false, generator: &generator), input: randomTensor([2, 3, 2, 2], seed: 3))
  }

  @Test func forwardIsAffine() {
    var generator = SeededGenerator(seed: 1)
    let layer = Dense(inputs: 3, outputs: 2, generator: &generator)
    layer.weight.value = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
    layer.bias?.value = Tensor(shape: [2], data: [0.5, -1])
    let y = layer.forward(Tensor(shape: [2, 3], data: [1, 0, -1, 2, 1, 0]), mode: .inference)
    #expect(y == Tensor(shape: [2, 2], data: [-1.5, -3, 4.5, 12]))
    #expect(layer.forwardFLOPs(for: [3]) == 12)
    #expect(layer.summary == "dense 2")
  }
}

struct PoolingTests {
  @Test(arguments: [(2, 2, 0), (3, 2, 1), (3, 1, 1), (2, 1, 0)])
  func maxPoolGradients(kernel: Int, stride: Int, padding: Int) {
    let layer = MaxPool2D(kernelSize: kernel, stride: stride, padding: padding)
    checkGradients(layer, input: distinctTensor([2, 2, 6, 5], seed: 1), epsilon: 1e-3)
  }

  /// Darknet's windows, with their padding mostly after each plane: (size, stride, map side).
  @Test(arguments: [(2, 1, 5), (2, 2, 5), (3, 1, 5), (3, 2, 6), (2, 2, 6)])
  func darknetMaxPoolGradients(size: Int, stride: Int, side: Int) {
    let layer = MaxPool2D(window: .darknet(size: size, stride: stride))
    checkGradients(layer, input: distinctTensor([2, 2, side, side], seed: 2), epsilon: 1e-3)
  }

  /// Inference keeps no indices of the maxima (it has no backward pass); a training pass after it does.
  @Test func maxPoolInfersWithoutIndicesAndTrainsWithThem() {
    let layer = MaxPool2D(kernelSize: 2, stride: 2, padding: 0)
    let x = randomTensor([2, 3, 6, 6], seed: 3)
    let inferred = layer.forward(x, mode: .inference)
    let trained = layer.forward(x, mode: .training)
    #expect(inferred == trained)
    let dx = layer.backward(Tensor(shape: trained.shape, repeating: 1))
    #expect(dx.data.reduce(0, +) == Float(trained.count) && dx.data.allSatisfy { $0 == 0 || $0 == 1 })
  }

  @Test func darknetMaxPoolKeepsThirteenByThirteen() {
    // yolov2-tiny's sixth pooling: 2×2 windows of stride 1 keep the map's size, the padding after it.
    let layer = MaxPool2D(window: .darknet(size: 2, stride: 1))
    #expect(layer.outputShape(for: [512, 13, 13]) == [512, 13, 13])
    #expect(layer.summary == "maxpool 2x2 stride 1 pad 0,1")
    #expect(MaxPool2D(window: .darknet(size: 2, stride: 2)).outputShape(for: [16, 416, 416]) == [16, 208, 208])
    #expect(MaxPool2D(window: .darknet(size: 2, stride: 2)).outputShape(for: [16, 13, 13]) == [16, 7, 7])
    // The last column and row take the maximum of what lies inside the image.
    let x = Tensor(shape: [1, 1, 2, 2], data: [1, 4, 3, 2])
    #expect(layer.forward(x, mode: .inference) == Tensor(shape: [1, 1, 2, 2], data: [4, 4, 3, 2]))
  }

  @Test func maxPoolForward() {
    let layer = MaxPool2D(kernelSize: 2)
    let x = Tensor(shape: [1, 1, 4, 4], data: (0..<16).map { Float(($0 * 7) % 16) })
    // rows: 0 7 14 5 / 12 3 10 1 / 8 15 6 13 / 4 11 2 9
    #expect(layer.forward(x, mode: .inference) == Tensor(shape: [1, 1, 2, 2], data: [12, 14, 15, 13]))
    #expect(layer.outputShape(for: [6, 28, 28]) == [6, 14, 14])
    #expect(layer.summary == "maxpool 2x2")
  }

  @Test(arguments: [(2, 2, 0), (3, 2, 1), (3, 1, 1)])
  func averagePoolGradients(kernel: Int, stride: Int, padding: Int) {
    let layer = AveragePool2D(kernelSize: kernel, stride: stride, padding: padding)
    checkGradients(layer, input: randomTensor([2, 3, 6, 5], seed: 1))
  }

  @Test func averagePoolForward() {
    let layer = AveragePool2D(kernelSize: 2)
    let x = Tensor(shape: [1, 1, 2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(layer.forward(x, mode: .inference) == Tensor(shape: [1, 1, 1, 2], data: [3.5, 5.5]))
  }

  @Test func globalAveragePool() {
    let layer = GlobalAveragePool()
    checkGradients(layer, input: randomTensor([3, 4, 5, 3], seed: 2))
    let x = Tensor(shape: [1, 2, 1, 2], data: [1, 3, -2, 6])
    #expect(layer.forward(x, mode: .inference) == Tensor(shape: [1, 2], data: [2, 2]))
    #expect(layer.outputShape(for: [64, 8, 8]) == [64])
  }
}

struct ActivationTests {
  @Test func reluGradients() {
    checkGradients(Activation(.relu), input: awayFromZero([2, 3, 4, 4], seed: 3))
    #expect(Activation(.relu).forward(Tensor(shape: [1, 3], data: [-1, 0, 2]), mode: .inference).data == [0, 0, 2])
  }

  @Test func flattenGradients() {
    let layer = Flatten()
    checkGradients(layer, input: randomTensor([2, 3, 2, 2], seed: 4))
    #expect(layer.forward(randomTensor([2, 3, 2, 2], seed: 4), mode: .training).shape == [2, 12])
    #expect(layer.outputShape(for: [16, 5, 5]) == [400])
  }

  @Test func dropoutGradientsWithAFixedMask() {
    let layer = Dropout(rate: 0.4, seed: 5)
    checkGradients(layer, input: randomTensor([4, 3, 3, 3], seed: 6)) {
      layer.generator = SeededGenerator(seed: 42)
    }
  }

  @Test func dropoutIsInvertedAndIdentityInInference() {
    let layer = Dropout(rate: 0.25, seed: 7)
    let x = Tensor(shape: [100, 100], repeating: 1)
    let y = layer.forward(x, mode: .training)
    let zeros = y.data.filter { $0 == 0 }.count
    #expect(abs(Double(zeros) / 10_000 - 0.25) < 0.02)
    #expect(y.data.allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-6 })
    let mean = y.data.reduce(0, +) / 10_000
    #expect(abs(mean - 1) < 0.03)
    #expect(layer.forward(x, mode: .inference) == x)
    // A new draw each training pass.
    #expect(layer.forward(x, mode: .training) != y)
  }
}

struct DarknetAndONNXLayerTests {
  @Test func activationGradients() {
    checkGradients(Activation(.leakyReLU(slope: 0.1)), input: awayFromZero([2, 3, 4, 4], seed: 3))
    checkGradients(Activation(.sigmoid), input: randomTensor([2, 3, 4, 4], seed: 4))
  }

  @Test func activationValues() {
    let x = Tensor(shape: [1, 3], data: [-2, 0, 3])
    #expect(Activation(.leakyReLU(slope: 0.1)).forward(x, mode: .inference).data == [-0.2, 0, 3])
    let sigmoid = Activation(.sigmoid).forward(x, mode: .inference).data
    #expect(abs(sigmoid[0] - 0.119_202_92) < 1e-6 && sigmoid[1] == 0.5 && abs(sigmoid[2] - 0.952_574_1) < 1e-6)
    #expect(Activation(.leakyReLU(slope: 0.1)).summary == "leaky 0.1" && Activation(.sigmoid).kind == "sigmoid")
  }

  @Test func softmaxGradientsAndValues() {
    checkGradients(Softmax(), input: randomTensor([2, 4, 3, 2], seed: 5))
    checkGradients(Softmax(), input: randomTensor([3, 5], seed: 6))
    let y = Softmax().forward(Tensor(shape: [1, 2, 1, 2], data: [0, 1, 0, 3]), mode: .inference).data
    // Across the channels of each position: (0, 0) gives ½, ½; (1, 3) gives 1/(1+e²), e²/(1+e²).
    #expect(abs(y[0] - 0.5) < 1e-6 && abs(y[2] - 0.5) < 1e-6)
    #expect(abs(y[1] - 0.119_202_92) < 1e-6 && abs(y[3] - 0.880_797_1) < 1e-6)
  }

  @Test func reorgFollowsDarknetsOrderAndIsAPermutation() {
    let layer = Reorg(stride: 2)
    #expect(layer.outputShape(for: [64, 26, 26]) == [256, 13, 13])
    #expect(layer.problem(with: [6, 4, 4]) != nil && layer.problem(with: [8, 5, 4]) != nil)
    // [4, 2, 2] read as [1, 4, 4]: output element i + 2·(j + 2·k) is input (w₂ = 2i + k mod 2,
    // h₂ = 2j + k div 2), the k-th pixel of each 2×2 block, block after block.
    let x = Tensor(shape: [1, 4, 2, 2], data: (0..<16).map(Float.init))
    let y = layer.forward(x, mode: .inference)
    #expect(y.shape == [1, 16, 1, 1])
    #expect(y.data == [0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15])
    checkGradients(layer, input: randomTensor([2, 8, 4, 6], seed: 7))
  }

  @Test func upsampleRepeatsPixelsAndSumsGradients() {
    let layer = Upsample(factor: 2)
    let y = layer.forward(Tensor(shape: [1, 1, 1, 2], data: [1, 2]), mode: .inference)
    #expect(y.shape == [1, 1, 2, 4] && y.data == [1, 1, 2, 2, 1, 1, 2, 2])
    checkGradients(Upsample(factor: 3), input: randomTensor([2, 2, 3, 2], seed: 8))
  }
}
