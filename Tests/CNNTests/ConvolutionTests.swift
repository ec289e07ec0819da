import Testing

@testable import CNN

/// The textbook convolution, one output element at a time (with the layer's stride, padding on both sides,
/// dilation and groups).
func directConvolution(_ x: Tensor, _ layer: Convolution2D) -> Tensor {
  let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (k, s, p, d) = (layer.kernelSize, layer.stride, layer.padding, layer.dilation)
  let extent = d * (k - 1) + 1
  let outH = (height + p + layer.trailingPadding - extent) / s + 1
  let outW = (width + p + layer.trailingPadding - extent) / s + 1
  let (groupInputs, groupOutputs) = (channels / layer.groups, layer.outputChannels / layer.groups)
  let w = layer.weight.value.data
  var y = Tensor(shape: [batch, layer.outputChannels, outH, outW])
  for n in 0..<batch {
    for o in 0..<layer.outputChannels {
      let firstInput = o / groupOutputs * groupInputs
      for oh in 0..<outH {
        for ow in 0..<outW {
          var total = Double(layer.bias?.value.data[o] ?? 0)
          for c in 0..<groupInputs {
            for i in 0..<k {
              for j in 0..<k {
                let (ih, iw) = (oh * s + i * d - p, ow * s + j * d - p)
                guard ih >= 0 && ih < height && iw >= 0 && iw < width else { continue }
                total +=
                  Double(x.data[((n * channels + firstInput + c) * height + ih) * width + iw])
                  * Double(w[((o * groupInputs + c) * k + i) * k + j])
              }
            }
          }
          y.data[((n * layer.outputChannels + o) * outH + oh) * outW + ow] = Float(total)
        }
      }
    }
  }
  return y
}

func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
  zip(a.data, b.data).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

struct ConvolutionTests {
  /// (input C, H, W, output channels, kernel, stride, padding, bias)
  static let cases: [(Int, Int, Int, Int, Int, Int, Int, Bool)] = [
    (1, 6, 6, 2, 3, 1, 0, true),
    (2, 7, 5, 3, 3, 1, 1, false),
    (3, 8, 8, 4, 3, 2, 1, true),
    (2, 9, 9, 3, 5, 1, 2, true),
    (2, 7, 7, 2, 2, 3, 1, true),
    (4, 4, 4, 3, 1, 1, 0, false),
  ]

  @Test(arguments: 0..<cases.count)
  func forwardMatchesDirectConvolution(_ index: Int) {
    let (c, h, w, out, k, s, p, bias) = Self.cases[index]
    var generator = SeededGenerator(seed: UInt64(index))
    let layer = Convolution2D(
      inputChannels: c, outputChannels: out, kernelSize: k, stride: s, padding: p, bias: bias, generator: &generator)
    if let bias = layer.bias { bias.value = randomTensor([out], seed: 7) }
    let x = randomTensor([3, c, h, w], seed: 11)
    let expected = directConvolution(x, layer)
    #expect(layer.outputShape(for: [c, h, w]) == expected.sampleShape)
    #expect(maxDifference(layer.forward(x, mode: .inference), expected) < 1e-4)
    // One image per sgemm (a tiny column limit) and the whole batch in one give the same result.
    layer.columnLimit = 1
    #expect(maxDifference(layer.forward(x, mode: .training), expected) < 1e-4)
    layer.columnLimit = 2 * c * k * k * expected.sampleCount / out
    #expect(maxDifference(layer.forward(x, mode: .training), expected) < 1e-4)
  }

  /// (input C, H, W, output channels, kernel, stride, padding, trailing padding, dilation, groups): dilated,
  /// grouped, depthwise (groups = C), asymmetric padding, and the "same" dilated case the whole-plane path takes.
  /// The depthwise ones (one filter per channel) take the direct forward pass: stride 2, a "same" 3×3, a dilated
  /// one of stride 2 with asymmetric padding, and a 5×5 of stride 3 (a row of three taps and two single ones).
  static let generalCases: [(Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)] = [
    (2, 9, 8, 3, 3, 1, 2, 2, 2, 1),
    (4, 7, 7, 6, 3, 1, 1, 1, 1, 2),
    (3, 8, 8, 3, 3, 2, 1, 1, 1, 3),
    (4, 6, 7, 8, 3, 1, 1, 1, 1, 4),
    (2, 7, 6, 3, 2, 1, 0, 1, 1, 1),
    (2, 9, 9, 4, 3, 2, 2, 1, 2, 2),
    (5, 7, 6, 5, 3, 1, 1, 1, 1, 5),
    (4, 9, 8, 4, 3, 2, 2, 1, 2, 4),
    (3, 11, 10, 3, 5, 3, 2, 2, 1, 3),
  ]

  func generalLayer(_ index: Int) -> (Convolution2D, [Int]) {
    let (c, h, w, out, k, s, p, trailing, d, groups) = Self.generalCases[index]
    var generator = SeededGenerator(seed: UInt64(40 + index))
    let layer = Convolution2D(
      inputChannels: c, outputChannels: out, kernelSize: k, stride: s, padding: p, trailingPadding: trailing,
      dilation: d, groups: groups, generator: &generator)
    layer.bias!.value = randomTensor([out], seed: 8)
    return (layer, [c, h, w])
  }

  @Test(arguments: 0..<generalCases.count)
  func dilatedGroupedAndAsymmetricForwardMatchesDirectConvolution(_ index: Int) {
    let (layer, sample) = generalLayer(index)
    let x = randomTensor([3] + sample, seed: 12)
    let expected = directConvolution(x, layer)
    #expect(layer.outputShape(for: sample) == expected.sampleShape)
    #expect(maxDifference(layer.forward(x, mode: .inference), expected) < 1e-4)
    layer.columnLimit = 1
    #expect(maxDifference(layer.forward(x, mode: .training), expected) < 1e-4)
  }

  @Test(arguments: 0..<generalCases.count)
  func dilatedGroupedAndAsymmetricGradientsMatchFiniteDifferences(_ index: Int) {
    let (layer, sample) = generalLayer(index)
    checkGradients(layer, input: randomTensor([2] + sample, seed: 13))
    layer.columnLimit = 1
    checkGradients(layer, input: randomTensor([2] + sample, seed: 14))
  }

  @Test func depthwiseAndSingleImagePointwiseLayersTakeTheirShortcuts() {
    var generator = SeededGenerator(seed: 2)
    let depthwise = Convolution2D(
      inputChannels: 6, outputChannels: 6, kernelSize: 3, padding: 1, groups: 6, generator: &generator)
    let multiplier = Convolution2D(
      inputChannels: 3, outputChannels: 6, kernelSize: 3, padding: 1, groups: 3, generator: &generator)
    #expect(depthwise.isDepthwise && !multiplier.isDepthwise)
    let pointwise = Convolution2D(inputChannels: 4, outputChannels: 5, kernelSize: 1, generator: &generator)
    pointwise.bias!.value = randomTensor([5], seed: 3)
    #expect(pointwise.readsInputAsColumns)
    // One image: the input is the column matrix itself.
    let x = randomTensor([1, 4, 5, 6], seed: 4)
    #expect(maxDifference(pointwise.forward(x, mode: .inference), directConvolution(x, pointwise)) < 1e-5)
  }

  @Test func groupedSummaryCountsAndFLOPs() {
    var generator = SeededGenerator(seed: 1)
    let depthwise = Convolution2D(
      inputChannels: 32, outputChannels: 32, kernelSize: 3, padding: 1, groups: 32, bias: false,
      generator: &generator)
    #expect(depthwise.summary == "conv 32@3x3 pad 1 groups 32 no bias")
    #expect(depthwise.weight.value.shape == [32, 1, 3, 3])
    #expect(depthwise.forwardFLOPs(for: [32, 10, 10]) == 2 * 32 * 100 * 9)
    let dilated = Convolution2D(
      inputChannels: 2, outputChannels: 4, kernelSize: 3, padding: 2, trailingPadding: 1, dilation: 2,
      generator: &generator)
    #expect(dilated.summary == "conv 4@3x3 pad 2,1 dilation 2")
    #expect(dilated.outputShape(for: [2, 10, 10]) == [4, 9, 9])
  }

  @Test(arguments: 0..<cases.count)
  func gradientsMatchFiniteDifferences(_ index: Int) {
    let (c, h, w, out, k, s, p, bias) = Self.cases[index]
    var generator = SeededGenerator(seed: UInt64(index))
    let layer = Convolution2D(
      inputChannels: c, outputChannels: out, kernelSize: k, stride: s, padding: p, bias: bias, generator: &generator)
    checkGradients(layer, input: randomTensor([2, c, h, w], seed: 5))
    // In chunks of one image: the weight gradient accumulates across chunks.
    layer.columnLimit = 1
    checkGradients(layer, input: randomTensor([3, c, h, w], seed: 6))
  }

  /// (kernel, stride, padding): strided, "same" (the whole-plane path), and valid.
  @Test(arguments: [(3, 2, 1), (3, 1, 1), (5, 1, 2), (3, 1, 0), (2, 1, 1)])
  func im2colAndCol2imAreAdjoint(kernel: Int, stride: Int, padding: Int) {
    // <im2col(x), c> = <x, col2im(c)> for every x and c: col2im is im2col's transpose.
    let g = WindowGeometry(
      channels: 2, height: 5, width: 6, kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    let images = 2
    let x = randomTensor([images, 2, 5, 6], seed: 1)
    let c = randomTensor([g.patchSize, images * g.outputPlane], seed: 2)
    var columns = [Float](repeating: .nan, count: c.count)
    var back = [Float](repeating: 0, count: x.count)
    x.data.withBase { xp in columns.withMutableBase { im2col(xp, images: images, geometry: g, into: $0) } }
    var scratch = c.data
    scratch.withMutableBase { cp in back.withMutableBase { col2im(cp, images: images, geometry: g, addingInto: $0) } }
    let left = zip(columns, c.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    let right = zip(x.data, back).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    #expect(abs(left - right) < 1e-4 * max(1, abs(left)))
  }

  /// (kernel, stride, padding, trailing padding, dilation, rows per band): the im2col of every band of output rows
  /// is that band's columns of the whole image's column matrix, at the image's top and bottom edges (padding),
  /// inside, and with bands of one row.
  @Test(arguments: [(3, 1, 1, 1, 1, 2), (3, 2, 1, 1, 1, 1), (5, 1, 2, 2, 1, 3), (3, 1, 2, 1, 2, 2), (2, 3, 1, 0, 1, 1)])
  func bandsOfOutputRowsAreTheColumnMatrixsBands(k: Int, s: Int, p: Int, trailing: Int, d: Int, step: Int) {
    let (channels, height, width) = (3, 9, 7)
    let g = WindowGeometry(
      channels: channels, height: height, width: width, kernelHeight: k, kernelWidth: k, stride: s, padding: p,
      trailingPadding: trailing, dilation: d)
    let x = randomTensor([1, channels, height, width], seed: 21)
    var whole = [Float](repeating: .nan, count: g.patchSize * g.outputPlane)
    x.data.withBase { xp in whole.withMutableBase { im2col(xp, images: 1, geometry: g, into: $0) } }
    let outW = g.outputWidth
    for first in stride(from: 0, to: g.outputHeight, by: step) {
      let rows = first..<min(first + step, g.outputHeight)
      let (band, inputRow) = g.band(rows)
      #expect(band.outputHeight == rows.count && band.outputWidth == outW)
      var columns = [Float](repeating: .nan, count: g.patchSize * rows.count * outW)
      x.data.withBase { xp in
        columns.withMutableBase { im2col(xp + inputRow * width, images: 1, geometry: band, into: $0) }
      }
      for row in 0..<g.patchSize {
        let expected = whole[(row * g.outputPlane + first * outW)..<(row * g.outputPlane + rows.upperBound * outW)]
        #expect(Array(columns[(row * rows.count * outW)..<((row + 1) * rows.count * outW)]) == Array(expected))
      }
    }
  }

  /// "Same" convolutions (stride 1, kernel 2 · padding + 1), whose backward pass goes through the
  /// output gradient's columns: (input C, output channels, kernel, padding).
  @Test(arguments: [(3, 4, 3, 1), (2, 3, 5, 2), (4, 4, 1, 0), (3, 6, 3, 1)])
  func outputColumnsBackwardMatchesInputColumnsBackward(c: Int, out: Int, k: Int, p: Int) {
    var generator = SeededGenerator(seed: 9)
    let layer = Convolution2D(
      inputChannels: c, outputChannels: out, kernelSize: k, padding: p, bias: true, generator: &generator)
    let x = randomTensor([5, c, 6, 7], seed: 10)
    let dy = randomTensor([5, out, 6, 7], seed: 11)
    var results: [(Tensor, Tensor, Tensor)] = []
    // Both paths, each once over the whole batch and once in chunks of two images.
    for (allowed, limit) in [(false, 1 << 19), (true, 1 << 19), (true, 2 * out * k * k * 42)] {
      layer.allowsOutputColumnsBackward = allowed
      layer.columnLimit = limit
      layer.weight.gradient.zero()
      layer.bias?.gradient.zero()
      _ = layer.forward(x, mode: .training)
      let dx = layer.backward(dy)
      results.append((dx, layer.weight.gradient, layer.bias!.gradient))
    }
    for (dx, dw, db) in results.dropFirst() {
      #expect(maxDifference(dx, results[0].0) < 1e-4)
      #expect(maxDifference(dw, results[0].1) < 1e-3)
      #expect(maxDifference(db, results[0].2) < 1e-4)
    }
  }

  @Test func summaryFLOPsAndParameters() {
    var generator = SeededGenerator(seed: 1)
    let layer = Convolution2D(inputChannels: 1, outputChannels: 6, kernelSize: 5, padding: 2, generator: &generator)
    #expect(layer.summary == "conv 6@5x5 pad 2")
    #expect(layer.kind == "conv")
    #expect(layer.outputShape(for: [1, 28, 28]) == [6, 28, 28])
    #expect(layer.forwardFLOPs(for: [1, 28, 28]) == 2 * 6 * 28 * 28 * 25)
    #expect(layer.parameters.map(\.name) == ["weight", "bias"])
    #expect(layer.parameters.map(\.value.shape) == [[6, 1, 5, 5], [6]])
    #expect(layer.weight.decays && !(layer.bias?.decays ?? true))
  }

  @Test func skippedInputGradientIsEmptyButWeightsStillLearn() {
    var generator = SeededGenerator(seed: 3)
    let layer = Convolution2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, generator: &generator)
    let x = randomTensor([2, 2, 5, 5], seed: 4)
    let dy = randomTensor([2, 3, 5, 5], seed: 5)
    _ = layer.forward(x, mode: .training)
    _ = layer.backward(dy)
    let reference = layer.weight.gradient
    layer.weight.gradient.zero()
    layer.computesInputGradient = false
    _ = layer.forward(x, mode: .training)
    #expect(layer.backward(dy).count == 0)
    // The same products, but a BLAS may pick kernels by the buffers' alignment (ATLAS on AMD EPYC does): equal to
    // rounding, not bit for bit.
    #expect(maxDifference(layer.weight.gradient, reference) < 1e-5 * 16)
  }
}
