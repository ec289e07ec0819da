import CNN
import Foundation
import ONNXProto
import Testing

@testable import ModelFormats

/// ONNX models written here by hand, imported, and run: their outputs against plain loops written from ONNX's
/// definitions of the operators.
@Suite struct ONNXImportTests {
  typealias B = ONNXBuilder

  /// Conv (bias, pads) → BatchNormalization → Relu → MaxPool → Flatten → Gemm (transB 0, so the importer
  /// transposes B), weights half in float_data and half in raw_data.
  static func convNet() -> (model: Onnx_ModelProto, weights: [String: Tensor]) {
    let w = Tensor(shape: [3, 2, 3, 3], data: B.values(54, seed: 1))
    let bias = [0.1, -0.2, 0.3] as [Float]
    let (scale, shift, mean, variance) = (
      [1.5, 0.5, 2] as [Float], [0.1, 0.2, -0.3] as [Float],
      [0.05, -0.1, 0.2] as [Float], [0.5, 2, 1.25] as [Float]
    )
    let fc = Tensor(shape: [12, 4], data: B.values(48, seed: 2))
    let fcBias = [0.5, -0.5, 0.25, 0] as [Float]
    let nodes = [
      B.node(
        "Conv", ["x", "w", "b"], "c",
        [B.attribute("kernel_shape", ints: [3, 3]), B.attribute("pads", ints: [1, 1, 1, 1])]
      ),
      B.node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], "n", [B.attribute("epsilon", float: 1e-3)]),
      B.node("Relu", ["n"], "r"),
      B.node(
        "MaxPool", ["r"], "p", [B.attribute("kernel_shape", ints: [2, 2]), B.attribute("strides", ints: [2, 2])]),
      B.node("Flatten", ["p"], "f"),
      B.node("Gemm", ["f", "fc", "fcb"], "y"),
    ]
    let initializers = [
      B.raw("w", w.shape, w.data), B.floats("b", [3], bias), B.floats("scale", [3], scale),
      B.raw("shift", [3], shift), B.floats("mean", [3], mean), B.floats("var", [3], variance),
      B.raw("fc", [12, 4], fc.data), B.floats("fcb", [4], fcBias),
    ]
    let weights = [
      "w": w, "fc": fc, "b": Tensor(shape: [3], data: bias), "fcb": Tensor(shape: [4], data: fcBias),
      "scale": Tensor(shape: [3], data: scale), "shift": Tensor(shape: [3], data: shift),
      "mean": Tensor(shape: [3], data: mean), "var": Tensor(shape: [3], data: variance),
    ]
    return (B.model(input: [2, 4, 4], nodes: nodes, initializers: initializers, name: "convnet"), weights)
  }

  @Test func aConvNetComputesWhatONNXDefines() throws {
    let (model, weights) = Self.convNet()
    let file = try ONNXImporter.model(model, path: "convnet.onnx")
    #expect(file.name == "convnet" && file.inputShape == [2, 4, 4] && file.outputShape == [4])
    #expect(
      file.graph.nodes.map(\.layer) == [
        .convolution(.init(filters: 3, kernel: 3, padding: 1)),
        .batchNormalization(epsilon: 1e-3, momentum: 0.1, form: .pytorch), .activation(.relu),
        .maxPool(PoolingWindow(kernelSize: 2)), .flatten, .dense(outputs: 4, bias: true, initializer: .heNormal),
      ])
    let x = Tensor(shape: [3, 2, 4, 4], data: B.values(96, seed: 3))
    let y = try file.build().forward(x, mode: .inference)
    var expected = Reference.conv(x, weights["w"]!, bias: weights["b"]!.data, pad: (1, 1))
    expected = Reference.batchNorm(
      expected, scale: weights["scale"]!.data, bias: weights["shift"]!.data, mean: weights["mean"]!.data,
      variance: weights["var"]!.data, epsilon: 1e-3)
    expected = Reference.maxPool(Reference.relu(expected), 2)
    expected = Reference.gemm(expected.reshaped([3, 12]), weights["fc"]!, weights["fcb"]!.data)
    #expect(y.shape == [3, 4])
    #expect(zip(y.data, expected.data).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(y.data) vs \(expected.data)")
  }

  @Test func aPadFoldsIntoTheConvolutionAfterIt() throws {
    let w = B.floats("w", [2, 1, 3, 3], B.values(18, seed: 4))
    let padded = B.model(
      input: [1, 5, 5],
      nodes: [
        B.node("Pad", ["x", "pads"], "p", [B.attribute("mode", string: "constant")]),
        B.node("Conv", ["p", "w"], "y", [B.attribute("strides", ints: [2, 2])]),
      ], initializers: [w, B.int64s("pads", [0, 0, 1, 1, 0, 0, 2, 2])])
    let file = try ONNXImporter.model(padded, path: "pad.onnx")
    #expect(
      file.graph.nodes.map(\.layer) == [
        .convolution(.init(filters: 2, kernel: 3, stride: 2, padding: 1, trailingPadding: 2, bias: false))
      ])
    let x = Tensor(shape: [1, 1, 5, 5], data: B.values(25, seed: 5))
    let y = try file.build().forward(x, mode: .inference)
    let expected = Reference.conv(x, Tensor(shape: [2, 1, 3, 3], data: w.floatData), bias: nil, stride: 2, pad: (1, 2))
    #expect(y.shape == [1, 2, 3, 3] && zip(y.data, expected.data).allSatisfy { abs($0 - $1) <= 1e-6 })
  }

  /// PyTorch's ZeroPad2d(1) spells its pads as integer arithmetic on constants; the importer folds it.
  @Test func padsComputedFromConstantsAreFolded() throws {
    var zero = Onnx_AttributeProto()
    (zero.name, zero.type, zero.t) = ("value", .tensor, B.int64s("", [0]))
    let nodes = [
      B.node("ConstantOfShape", ["four"], "zeros", [zero]),
      B.node("Concat", ["ones", "zeros"], "all", [B.attribute("axis", int: 0)]),
      B.node("Reshape", ["all", "pairs"], "paired"),
      B.node("Slice", ["paired", "start", "end", "axis", "step"], "reversed"),
      B.node("Transpose", ["reversed"], "columns", [B.attribute("perm", ints: [1, 0])]),
      B.node("Reshape", ["columns", "flat"], "pads64"),
      B.node("Cast", ["pads64"], "pads", [B.attribute("to", int: 7)]),
      B.node("Pad", ["x", "pads"], "p", [B.attribute("mode", string: "constant")]),
      B.node("Conv", ["p", "w"], "y"),
    ]
    let initializers = [
      B.int64s("four", [4]), B.int64s("ones", [1, 1, 1, 1]), B.int64s("pairs", [-1, 2]), B.int64s("start", [-1]),
      B.int64s("end", [Int64.min]), B.int64s("axis", [0]), B.int64s("step", [-1]), B.int64s("flat", [-1]),
      B.floats("w", [1, 1, 3, 3], B.values(9, seed: 8)),
    ]
    let file = try ONNXImporter.model(B.model(input: [1, 4, 4], nodes: nodes, initializers: initializers), path: "p")
    #expect(file.graph.nodes.map(\.layer) == [.convolution(.init(filters: 1, kernel: 3, padding: 1, bias: false))])
  }

  @Test func aMatMulAndTheAddOfAConstantAreOneDenseLayer() throws {
    let weight = B.values(12, seed: 6)
    let bias = [1, 2, 3] as [Float]
    let model = B.model(
      input: [4],
      nodes: [B.node("MatMul", ["x", "w"], "m"), B.node("Add", ["m", "b"], "y")],
      initializers: [B.floats("w", [4, 3], weight), B.floats("b", [3], bias)])
    let file = try ONNXImporter.model(model, path: "matmul.onnx")
    #expect(file.graph.nodes.map(\.layer) == [.dense(outputs: 3, bias: true, initializer: .heNormal)])
    let x = Tensor(shape: [2, 4], data: B.values(8, seed: 7))
    let y = try file.build().forward(x, mode: .inference)
    let expected = Reference.gemm(x, Tensor(shape: [4, 3], data: weight), bias)
    #expect(zip(y.data, expected.data).allSatisfy { abs($0 - $1) <= 1e-6 })
  }

  @Test func aGlobalAveragePoolThenFlattenIsOneLayerAndConstantsComeFromConstantNodes() throws {
    var shape = Onnx_AttributeProto()
    (shape.name, shape.type, shape.t) = ("value", .tensor, B.int64s("", [0, -1]))
    let model = B.model(
      input: [3, 2, 2],
      nodes: [
        B.node("GlobalAveragePool", ["x"], "g"), B.node("Constant", [], "s", [shape]),
        B.node("Reshape", ["g", "s"], "f"), B.node("Softmax", ["f"], "y", [B.attribute("axis", int: 1)]),
      ], initializers: [])
    let file = try ONNXImporter.model(model, path: "gap.onnx")
    #expect(file.graph.nodes.map(\.layer) == [.globalAveragePool, .softmax])
    let x = Tensor(shape: [1, 3, 2, 2], data: [1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 4, 0])
    let y = try file.build().forward(x, mode: .inference)
    let e = [1, 2, 1].map { exp(Float($0)) }
    #expect(zip(y.data, e.map { $0 / e.reduce(0, +) }).allSatisfy { abs($0 - $1) <= 1e-6 })
  }

  @Test func aNearestResizeIsAnUpsamplingWhenItCopiesBlocks() throws {
    func resize(_ transform: String, _ rounding: String) -> Onnx_ModelProto {
      B.model(
        input: [1, 2, 3],
        nodes: [
          B.node(
            "Resize", ["x", "", "scales"], "y",
            [
              B.attribute("mode", string: "nearest"), B.attribute("coordinate_transformation_mode", string: transform),
              B.attribute("nearest_mode", string: rounding),
            ])
        ], initializers: [B.floats("scales", [4], [1, 1, 3, 3])])
    }
    for (transform, rounding) in [("asymmetric", "floor"), ("half_pixel", "round_prefer_floor")] {
      let file = try ONNXImporter.model(resize(transform, rounding), path: "resize.onnx")
      #expect(file.graph.nodes.map(\.layer) == [.upsample(factor: 3)])
    }
    #expect(throws: ModelFileError.self) {
      try ONNXImporter.model(resize("asymmetric", "round_prefer_ceil"), path: "r")
    }
    #expect(throws: ModelFileError.self) { try ONNXImporter.model(resize("align_corners", "floor"), path: "r") }
  }

  @Test func theLoaderReadsAnONNXFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(getpid()).onnx").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Self.convNet().model.serializedData().write(to: URL(fileURLWithPath: path))
    let file = try ModelLoader.load(path: path)
    #expect(
      file.path == path
        && file.parameters.map(\.name) == [
          "0.conv.weight", "0.conv.bias", "1.batchnorm.weight", "1.batchnorm.bias", "1.batchnorm.running_mean",
          "1.batchnorm.running_var", "5.dense.weight", "5.dense.bias",
        ])
    #expect(file.parameters[6].value == ONNXTestSupport.transposed(Self.convNet().weights["fc"]!))
  }

  @Test func aModelIsNamedByItsGraphUnlessTheExporterNamedItsDefault() {
    #expect(ONNXImporter.modelName("fcn-gunpoint", path: "models/x.onnx") == "fcn-gunpoint")
    #expect(ONNXImporter.modelName("main_graph", path: "models/resnet20.onnx") == "resnet20")
    #expect(ONNXImporter.modelName(" ", path: "lenet.onnx") == "lenet")
  }
}

enum ONNXTestSupport {
  static func transposed(_ m: Tensor) -> Tensor {
    let (r, c) = (m.shape[0], m.shape[1])
    return Tensor(shape: [c, r], data: (0..<r * c).map { m.data[($0 % r) * c + $0 / r] })
  }
}
