import SIMDKernels
import Testing

@testable import CNN

/// The instruction sets this CPU runs kernels for (none on a CPU without AVX2: the tests then check the BLAS
/// path's fusion alone).
let supportedKernelSets = InstructionSet.allCases.filter { $0 != .baseline && $0.isSupported }

/// Each node's own forward pass, in order, without fusion: what the network computed before chains were fused.
func layerByLayer(_ network: Network, _ x: Tensor) -> [Tensor] {
  var values = [x]
  for node in network.nodes {
    values.append(node.operation.forward(node.inputs.map { values[$0] }, mode: .inference))
  }
  return network.outputNodes.map { values[$0 + 1] }
}

/// Inference on the vector kernels against the textbook convolution and the BLAS path, and the fused chains of
/// a network against the layers run one by one.
struct VectorInferenceTests {
  /// (input C, H, W, output channels, kernel, stride, padding, trailing padding, dilation): output widths
  /// that are no multiple of a vector, output channels past a tile of 8 and fewer than 8, several bands of
  /// output rows (a 70-pixel-wide map has 29 rows per 2048-column band), depths past one 256-row block,
  /// strides 2 and 3 (im2col), dilation, asymmetric padding, 1×1 kernels, and output planes of whole vectors
  /// (which leave the product through its epilogue).
  static let cases: [(Int, Int, Int, Int, Int, Int, Int, Int, Int)] = [
    (3, 13, 13, 17, 3, 1, 1, 1, 1),
    (2, 70, 70, 5, 3, 1, 1, 1, 1),
    (40, 9, 11, 9, 3, 1, 1, 1, 1),
    (5, 12, 10, 8, 3, 2, 1, 1, 1),
    (4, 140, 70, 12, 3, 2, 1, 0, 1),
    (3, 11, 9, 4, 5, 3, 2, 2, 1),
    (3, 10, 10, 6, 3, 1, 2, 2, 2),
    (6, 9, 7, 3, 2, 1, 0, 1, 1),
    (20, 7, 7, 33, 1, 1, 0, 0, 1),
    (7, 8, 8, 10, 1, 2, 0, 0, 1),
    (12, 16, 16, 11, 1, 1, 0, 0, 1),
    (6, 16, 16, 9, 3, 2, 1, 1, 1),
  ]

  func layer(_ index: Int) -> (Convolution2D, [Int]) {
    let (c, h, w, out, k, s, p, trailing, d) = Self.cases[index]
    var generator = SeededGenerator(seed: UInt64(70 + index))
    let layer = Convolution2D(
      inputChannels: c, outputChannels: out, kernelSize: k, stride: s, padding: p, trailingPadding: trailing,
      dilation: d, generator: &generator)
    layer.bias!.value = randomTensor([out], seed: 9)
    return (layer, [c, h, w])
  }

  @Test(arguments: 0..<cases.count)
  func vectorKernelsMatchTheDirectConvolutionAndTheBLASPath(_ index: Int) {
    let (layer, sample) = layer(index)
    let x = randomTensor([2] + sample, seed: 15)
    let expected = directConvolution(x, layer)
    layer.vectorKernels = nil
    let blas = layer.forward(x, mode: .inference)
    #expect(maxDifference(blas, expected) < 1e-4)
    for set in supportedKernelSets {
      layer.vectorKernels = VectorUnit.kernels(for: set)
      let vector = layer.forward(x, mode: .inference)
      #expect(vector.shape == expected.shape)
      #expect(maxDifference(vector, expected) < 1e-4, "\(set)")
      #expect(maxDifference(vector, blas) < 1e-4, "\(set)")
    }
  }

  /// Depthwise layers (C, H, W, kernel, stride, padding, trailing padding, dilation): MobileNet's 3×3 of
  /// stride 1 and 2 on maps wider and narrower than a vector, odd sizes, a 5×5 of stride 3, dilation.
  static let depthwiseCases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
    (16, 32, 32, 3, 1, 1, 1, 1),
    (9, 17, 15, 3, 2, 1, 1, 1),
    (12, 8, 8, 3, 1, 1, 1, 1),
    (6, 8, 8, 3, 2, 1, 1, 1),
    (3, 11, 10, 5, 3, 2, 2, 1),
    (4, 9, 8, 3, 2, 2, 1, 2),
  ]

  @Test(arguments: 0..<depthwiseCases.count)
  func depthwiseVectorKernelsMatchTheDirectConvolution(_ index: Int) {
    let (c, h, w, k, s, p, trailing, d) = Self.depthwiseCases[index]
    var generator = SeededGenerator(seed: UInt64(90 + index))
    let layer = Convolution2D(
      inputChannels: c, outputChannels: c, kernelSize: k, stride: s, padding: p, trailingPadding: trailing,
      dilation: d, groups: c, generator: &generator)
    layer.bias!.value = randomTensor([c], seed: 19)
    let x = randomTensor([2, c, h, w], seed: 20)
    let expected = directConvolution(x, layer)
    for set in supportedKernelSets {
      layer.vectorKernels = VectorUnit.kernels(for: set)
      let vector = layer.forward(x, mode: .inference)
      #expect(vector.shape == expected.shape)
      #expect(maxDifference(vector, expected) < 1e-4, "\(set)")
    }
  }

  /// 2×2 max pooling on the vector kernels against the portable loop of a training pass: stride 2 on maps
  /// wider and narrower than 8 outputs, odd sizes (whose last row and column no window reads), and darknet's
  /// stride 1 with and without its trailing padding.
  @Test func maxPoolingKernelsMatchThePortableLoop() {
    let cases: [(PoolingWindow, Int, Int)] = [
      (.darknet(size: 2, stride: 2), 416, 40), (.darknet(size: 2, stride: 2), 13, 7),
      (PoolingWindow(kernelSize: 2, stride: 2), 9, 21), (.darknet(size: 2, stride: 1), 13, 13),
      (.darknet(size: 2, stride: 1), 5, 20), (PoolingWindow(kernelSize: 2, stride: 1), 6, 17),
    ]
    for (window, height, width) in cases {
      let layer = MaxPool2D(window: window)
      let x = randomTensor([2, 3, height, width], seed: 41)
      layer.vectorKernels = nil
      let expected = layer.forward(x, mode: .training)
      for set in supportedKernelSets {
        layer.vectorKernels = VectorUnit.kernels(for: set)
        let vector = layer.forward(x, mode: .inference)
        #expect(vector.shape == expected.shape)
        #expect(vector.data == expected.data, "\(set) \(window.summary("maxpool")) on \(height)×\(width)")
      }
    }
  }

  @Test func matrixProductMatchesTheTextbookProduct() {
    for set in supportedKernelSets {
      let kernels = VectorUnit.kernels(for: set)!
      // Rows past and short of a tile, a depth past one block, columns of one and of several vectors; with a
      // packing buffer, rows enough to pack B and rows too few (it is left alone), an odd vector of columns.
      let cases =
        [(1, 3, 1, false), (9, 300, 3, false), (16, 257, 2, false), (5, 40, 5, false)]
        + [(matrixProductPackingRows + 3, 300, 3, true), (matrixProductPackingRows, 20, 2, true), (40, 30, 1, true)]
      for (rows, depth, vectors, packs) in cases {
        let columns = vectors * kernels.vectorWidth
        let a = randomTensor([rows, depth], seed: 21).data
        // B with rows 3 apart from a stride of columns + 3, read through the offsets.
        let stride = columns + 3
        let b = randomTensor([depth, stride], seed: 22).data
        let offsets = (0..<depth).map { $0 * stride + 1 }
        let tileRows = (rows + 7) / 8 * 8
        var c = [Float](repeating: .nan, count: tileRows * columns)
        var packing = [Float](repeating: .nan, count: packs ? matrixProductPackingCount(columns: columns) : 0)
        a.withUnsafeBufferPointer { ap in
          b.withUnsafeBufferPointer { bp in
            offsets.withUnsafeBufferPointer { op in
              c.withUnsafeMutableBufferPointer { cp in
                packing.withUnsafeMutableBufferPointer { pp in
                  kernels.matrixProduct(
                    rows: rows, depth: depth, columns: columns, a: ap.baseAddress!, lda: depth, aColumnStride: 1,
                    b: bp.baseAddress!, rowOffsets: op.baseAddress!, c: cp.baseAddress!, ldc: columns, epilogue: nil,
                    packing: packs ? pp.baseAddress! : nil)
                }
              }
            }
          }
        }
        var worst: Double = 0
        for i in 0..<rows {
          for j in 0..<columns {
            var total: Double = 0
            for k in 0..<depth { total += Double(a[i * depth + k]) * Double(b[offsets[k] + j]) }
            worst = max(worst, abs(total - Double(c[i * columns + j])))
          }
        }
        #expect(worst < 1e-4, "\(set) \(rows)×\(depth)×\(columns), packing \(packs)")
      }
    }
  }

  /// The product's epilogue: `f((A·B + bias) · scale + shift + residual)` per row, stored into C's own rows
  /// alone (the values past them are left as they were).
  @Test func matrixProductAppliesItsEpilogueToItsOwnRows() {
    for set in supportedKernelSets {
      let kernels = VectorUnit.kernels(for: set)!
      // The last: B packed (enough rows), the epilogue on the last depth block's tiles.
      let cases: [(Int, Int, Int, Float?)] = [(3, 5, 1, 0), (11, 300, 3, 0.1), (8, 20, 2, nil), (261, 300, 3, 0.1)]
      for (rows, depth, vectors, slope) in cases {
        let columns = vectors * kernels.vectorWidth
        let a = randomTensor([rows, depth], seed: 31).data
        let b = randomTensor([depth, columns], seed: 32).data
        let (bias, scale, shift) = (
          randomTensor([rows], seed: 33).data, randomTensor([rows], seed: 34).data, randomTensor([rows], seed: 35).data
        )
        let residual = randomTensor([rows, columns], seed: 36).data
        let offsets = (0..<depth).map { $0 * columns }
        // C's rows and a row more that must stay NaN.
        var c = [Float](repeating: .nan, count: (rows + 1) * columns)
        a.withUnsafeBufferPointer { ap in
          b.withUnsafeBufferPointer { bp in
            offsets.withUnsafeBufferPointer { op in
              c.withUnsafeMutableBufferPointer { cp in
                bias.withUnsafeBufferPointer { biasp in
                  scale.withUnsafeBufferPointer { sp in
                    shift.withUnsafeBufferPointer { hp in
                      residual.withUnsafeBufferPointer { rp in
                        let epilogue = ProductEpilogue(
                          bias: biasp.baseAddress, scale: sp.baseAddress, shift: hp.baseAddress,
                          residual: rp.baseAddress,
                          slope: slope)
                        var packing = [Float](repeating: .nan, count: matrixProductPackingCount(columns: columns))
                        packing.withUnsafeMutableBufferPointer { pp in
                          kernels.matrixProduct(
                            rows: rows, depth: depth, columns: columns, a: ap.baseAddress!, lda: depth,
                            aColumnStride: 1, b: bp.baseAddress!, rowOffsets: op.baseAddress!, c: cp.baseAddress!,
                            ldc: columns, epilogue: epilogue,
                            packing: rows >= matrixProductPackingRows ? pp.baseAddress! : nil)
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        var worst: Double = 0
        for i in 0..<rows {
          for j in 0..<columns {
            var total: Double = 0
            for k in 0..<depth { total += Double(a[i * depth + k]) * Double(b[k * columns + j]) }
            var v = (total + Double(bias[i])) * Double(scale[i]) + Double(shift[i]) + Double(residual[i * columns + j])
            if let slope, v < 0 { v *= Double(slope) }
            worst = max(worst, abs(v - Double(c[i * columns + j])))
          }
        }
        #expect(worst < 1e-4, "\(set) \(rows)×\(depth)×\(columns)")
        let untouched = c[(rows * columns)...].allSatisfy { $0.isNaN }
        #expect(untouched, "\(set): a row past C was written")
      }
    }
  }

  /// conv → batch norm → add (the block's input) → leaky, conv → relu, a depthwise conv → batch norm whose
  /// value is an output (so the addition after it stays alone), and a last conv whose value is an output.
  func residualNetwork() throws -> Network {
    var generator = SeededGenerator(seed: 5)
    let normalization = BatchNormalization(features: 4, form: .darknet)
    normalization.gamma.value = randomTensor([4], seed: 1)
    normalization.beta.value = randomTensor([4], seed: 2)
    normalization.runningMean.value = randomTensor([4], seed: 3)
    normalization.runningVariance.value = Tensor(shape: [4], data: [0.5, 1, 2, 3])
    let depthwiseNormalization = BatchNormalization(features: 4)
    depthwiseNormalization.runningVariance.value = Tensor(shape: [4], data: [1.5, 1, 2, 0.25])
    let nodes = [
      NetworkNode(
        name: "c0",
        layer: Convolution2D(inputChannels: 4, outputChannels: 4, kernelSize: 3, padding: 1, generator: &generator),
        input: 0),
      NetworkNode(name: "bn0", layer: normalization, input: 1),
      NetworkNode(name: "add", merge: Addition(), inputs: [0, 2]),
      NetworkNode(name: "leaky", layer: Activation(.leakyReLU(slope: 0.1)), input: 3),
      NetworkNode(
        name: "c1",
        layer: Convolution2D(inputChannels: 4, outputChannels: 4, kernelSize: 3, stride: 2, generator: &generator),
        input: 4),
      NetworkNode(name: "relu", layer: Activation(.relu), input: 5),
      NetworkNode(
        name: "dw",
        layer: Convolution2D(
          inputChannels: 4, outputChannels: 4, kernelSize: 3, padding: 1, groups: 4, generator: &generator),
        input: 6),
      NetworkNode(name: "bn1", layer: depthwiseNormalization, input: 7),
      NetworkNode(name: "again", merge: Addition(), inputs: [8, 8]),
      NetworkNode(
        name: "out",
        layer: Convolution2D(inputChannels: 4, outputChannels: 3, kernelSize: 1, generator: &generator), input: 9),
    ]
    return try Network(nodes: nodes, inputShape: [4, 9, 9], outputs: [9, 7])
  }

  @Test func theChainsAreTheConvolutionsAndWhatTheirEpiloguesAbsorb() throws {
    let network = try residualNetwork()
    let fusion = InferenceFusion(nodes: network.nodes, outputs: network.outputNodes)
    #expect(fusion.chains[0]?.last == 3 && fusion.chains[0]?.residual == 0 && fusion.chains[0]?.slope == 0.1)
    #expect(fusion.chains[4]?.last == 5 && fusion.chains[4]?.slope == 0 && fusion.chains[4]?.normalization == nil)
    // bn1's value is a network output: the chain ends there; the last conv has nothing after it.
    #expect(fusion.chains[6]?.last == 7 && fusion.chains[6]?.slope == nil && fusion.chains[9] == nil)
    #expect(fusion.absorbed == [false, true, true, true, false, true, false, true, false, false])
  }

  @Test func fusedChainsGiveTheLayersOwnResults() throws {
    let x = randomTensor([2, 4, 9, 9], seed: 30)
    let network = try residualNetwork()
    // On the BLAS path the epilogue does the layers' own arithmetic in their order: the same floats.
    for node in network.nodes {
      if case .layer(let layer) = node.operation, let convolution = layer as? Convolution2D {
        convolution.vectorKernels = nil
      }
    }
    let expected = layerByLayer(network, x)
    let fused = network.forwardOutputs(x, mode: .inference)
    #expect(fused.map(\.shape) == expected.map(\.shape))
    #expect(fused.map(\.data) == expected.map(\.data))
    // On the vector kernels the products are summed in another order.
    for set in supportedKernelSets {
      for node in network.nodes {
        if case .layer(let layer) = node.operation, let convolution = layer as? Convolution2D {
          convolution.vectorKernels = VectorUnit.kernels(for: set)
        }
      }
      let vector = network.forwardOutputs(x, mode: .inference)
      for (a, b) in zip(vector, expected) { #expect(maxDifference(a, b) < 1e-4, "\(set)") }
    }
  }
}
