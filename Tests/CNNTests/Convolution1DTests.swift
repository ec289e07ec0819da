import Testing

@testable import CNN

/// The 1-D convolution of series `[N, C, 1, L]`: against the textbook sum, and its gradients against finite
/// differences.
struct Convolution1DTests {
  /// (inputs, outputs, length, kernel, stride, padding, trailing padding, dilation): FCN's "same" kernels of 8, 5
  /// and 3, a stride, dilation, no padding, a kernel as long as the series.
  static let cases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
    (1, 4, 24, 8, 1, 3, 4, 1), (3, 5, 17, 5, 1, 2, 2, 1), (2, 3, 20, 3, 2, 1, 1, 1), (2, 2, 15, 3, 1, 2, 2, 2),
    (4, 3, 9, 3, 1, 0, 0, 1), (2, 2, 6, 6, 1, 0, 0, 1),
  ]

  func layer(_ index: Int) -> (Convolution1D, Tensor) {
    let (c, k, length, kernel, stride, padding, trailing, dilation) = Self.cases[index]
    var generator = SeededGenerator(seed: UInt64(10 + index))
    let layer = Convolution1D(
      inputChannels: c, outputChannels: k, kernelSize: kernel, stride: stride, padding: padding,
      trailingPadding: trailing, dilation: dilation, generator: &generator)
    layer.bias!.value = randomTensor([k], seed: 3)
    return (layer, randomTensor([2, c, 1, length], seed: 4))
  }

  @Test(arguments: 0..<cases.count)
  func forwardIsTheTextbookSum(_ index: Int) {
    let (layer, x) = layer(index)
    let y = layer.forward(x, mode: .inference)
    let (c, length) = (layer.inputChannels, x.shape[3])
    let outLength = y.shape[3]
    #expect(
      y.shape == [
        2, layer.outputChannels, 1,
        (length + layer.padding + layer.trailingPadding - layer.dilation * (layer.kernelSize - 1) - 1) / layer.stride
          + 1,
      ])
    var worst: Float = 0
    for n in 0..<2 {
      for o in 0..<layer.outputChannels {
        for t in 0..<outLength {
          var total = layer.bias!.value.data[o]
          for ci in 0..<c {
            for j in 0..<layer.kernelSize {
              let position = t * layer.stride - layer.padding + j * layer.dilation
              guard (0..<length).contains(position) else { continue }
              total +=
                layer.weight.value.data[(o * c + ci) * layer.kernelSize + j] * x.data[(n * c + ci) * length + position]
            }
          }
          worst = max(worst, abs(total - y.data[(n * layer.outputChannels + o) * outLength + t]))
        }
      }
    }
    #expect(worst < 1e-5, "case \(index)")
  }

  @Test(arguments: 0..<cases.count)
  func gradientsMatchFiniteDifferences(_ index: Int) {
    let (layer, x) = layer(index)
    checkGradients(layer, input: x, epsilon: 1e-2)
  }

  @Test func describesItselfAndItsShapes() {
    var generator = SeededGenerator(seed: 1)
    let layer = Convolution1D(
      inputChannels: 1, outputChannels: 128, kernelSize: 8, padding: 3, trailingPadding: 4, generator: &generator)
    #expect(layer.summary == "conv1d 128@8 pad 3,4")
    #expect(layer.outputShape(for: [1, 1, 150]) == [128, 1, 150])
    #expect(layer.forwardFLOPs(for: [1, 1, 150]) == 2 * 128 * 150 * 8)
    #expect(layer.weight.value.shape == [128, 1, 8] && layer.parameters.count == 2)
  }
}
