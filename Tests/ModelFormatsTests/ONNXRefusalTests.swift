import CNN
import Foundation
import ModelFormats
import ONNXProto
import Testing

/// What the ONNX importer refuses, and that each message names the file, the node and the operator.
@Suite struct ONNXRefusalTests {
  typealias B = ONNXBuilder

  /// The problem importing `model` reports (nil: it imported).
  func problem(_ model: Onnx_ModelProto) -> String? {
    do {
      _ = try ONNXImporter.model(model, path: "m.onnx")
      return nil
    } catch {
      #expect(error.path == "m.onnx")
      return error.problem
    }
  }

  func conv(_ w: Onnx_TensorProto, _ attributes: [Onnx_AttributeProto] = [], input: [Int] = [1, 6, 6])
    -> Onnx_ModelProto
  {
    B.model(input: input, nodes: [B.node("Conv", ["x", "w"], "y", name: "conv1", attributes)], initializers: [w])
  }

  @Test func anUnsupportedOperatorIsRefusedNamingTheNodeTheOperatorAndTheSupportedList() {
    let model = B.model(input: [3], nodes: [B.node("Tanh", ["x"], "y", name: "act")], initializers: [])
    #expect(
      problem(model)
        == "node 'act' (Tanh): operator Tanh is not supported; supported: Conv, BatchNormalization, Relu, LeakyRelu, "
        + "Sigmoid, MaxPool, AveragePool, GlobalAveragePool, Gemm, MatMul, Add, Concat, Flatten, Reshape, Softmax, "
        + "Dropout, Identity, Resize, Pad, Constant, Slice, Transpose; on integer constants also ConstantOfShape, "
        + "Cast, Unsqueeze, Squeeze")
  }

  @Test func anAsymmetricKernelOrPaddingIsRefused() {
    let w = B.floats("w", [1, 1, 3, 5], B.values(15, seed: 1))
    #expect(
      problem(conv(w))
        == "node 'conv1' (Conv): kernel_shape [3, 5] is not square; cnnswift's convolutions are square (or 1 × k over [C, 1, L] series)"
    )
    let square = B.floats("w", [1, 1, 3, 3], B.values(9, seed: 1))
    #expect(problem(conv(square, [B.attribute("pads", ints: [1, 0, 1, 0])]))?.contains("differ between rows") == true)
    #expect(problem(conv(square, [B.attribute("strides", ints: [1, 2])]))?.contains("2 equal positive sizes") == true)
  }

  @Test func tensorSizesAreCheckedBeforeAnythingIsAllocated() {
    // 2³⁰ × 2³⁰ × 2³⁰ elements: allocating it would fail; the product is refused first.
    var huge = B.floats("w", [], [])
    huge.dims = [1 << 30, 1 << 30, 1 << 30, 1]
    #expect(
      problem(conv(huge)) == "node 'conv1' (Conv): tensor 'w' of dimensions \(huge.dims) has over 268435456 elements")
    var negative = B.floats("w", [], [])
    negative.dims = [1, -1, 3, 3]
    #expect(problem(conv(negative))?.contains("negative dimension") == true)
    var short = B.raw("w", [2, 1, 3, 3], B.values(18, seed: 2))
    short.rawData = short.rawData.prefix(10)
    #expect(
      problem(conv(short))
        == "node 'conv1' (Conv): tensor 'w' of shape [2, 1, 3, 3] needs 72 bytes of raw_data, it holds 10")
    let few = B.floats("w", [2, 1, 3, 3], [1, 2, 3])
    #expect(problem(conv(few))?.contains("needs 18 float_data values, it holds 3") == true)
    var integers = B.floats("w", [1, 1, 3, 3], [])
    integers.dataType = 7
    integers.int64Data = Array(repeating: 1, count: 9)
    #expect(problem(conv(integers))?.contains("tensor 'w' holds INT64 elements") == true)
  }

  @Test func aTruncatedOrForeignFileIsNotAnONNXModel() throws {
    let bytes = try ONNXImportTests.convNet().model.serializedData()
    for cut in [bytes.prefix(bytes.count / 2), bytes.prefix(7), Data("CNNSWIFT garbage".utf8)] {
      do {
        _ = try ONNXImporter.model(serialized: Data(cut), path: "cut.onnx")
        Issue.record("\(cut.count) bytes imported")
      } catch {
        #expect(error.problem.hasPrefix("not an ONNX model") || error.problem.contains("no graph"), "\(error)")
      }
    }
  }

  @Test func otherOperatorSetsAreRefusedNamingTheVersions() {
    let model = B.model(input: [3], nodes: [B.node("Relu", ["x"], "y")], initializers: [], opset: 9)
    #expect(
      problem(model)
        == "the model uses operator set version 9; cnnswift reads versions 11 to 23 (export again with "
        + "opset_version=13, say)")
  }

  @Test func operatorsThatWouldComputeSomethingElseAreRefused() {
    let pool = B.node(
      "AveragePool", ["x"], "y", name: "avg",
      [B.attribute("kernel_shape", ints: [3, 3]), B.attribute("pads", ints: [1, 1, 1, 1])])
    #expect(
      problem(B.model(input: [1, 6, 6], nodes: [pool], initializers: []))?.contains("count_include_pad 0") == true)
    let ceil = B.node(
      "MaxPool", ["x"], "y", name: "max",
      [
        B.attribute("kernel_shape", ints: [2, 2]), B.attribute("strides", ints: [2, 2]),
        B.attribute("ceil_mode", int: 1),
      ])
    #expect(problem(B.model(input: [1, 5, 5], nodes: [ceil], initializers: []))?.contains("ceil_mode 1") == true)
    #expect(problem(B.model(input: [1, 6, 6], nodes: [ceil], initializers: [])) == nil)
    let softmax = B.node("Softmax", ["x"], "y", name: "sm", [B.attribute("axis", int: -1)])
    #expect(problem(B.model(input: [2, 3, 3], nodes: [softmax], initializers: []))?.contains("channels") == true)
    let unknown = B.node("Relu", ["x"], "y", name: "r", [B.attribute("fancy", int: 1)])
    #expect(
      problem(B.model(input: [3], nodes: [unknown], initializers: []))
        == "node 'r' (Relu): attribute 'fancy' is not supported (cnnswift reads no attributes here)")
  }

  @Test func aPadOrAShortcutOutsideItsPatternIsRefused() {
    let padded = [
      B.node("Pad", ["x", "pads"], "p", name: "pad"),
      B.node("MaxPool", ["p"], "y", name: "max", [B.attribute("kernel_shape", ints: [2, 2])]),
    ]
    #expect(
      problem(B.model(input: [1, 4, 4], nodes: padded, initializers: [B.int64s("pads", [0, 0, 1, 1, 0, 0, 1, 1])]))?
        .hasPrefix("node 'max' (MaxPool): reads 'p', the output of a Pad, which cnnswift reads only as the padding")
        == true)
    let shortcut = [
      B.node("Pad", ["x", "pads"], "p", name: "widen"), B.node("Relu", ["x"], "r", name: "relu"),
      B.node("Add", ["r", "p"], "y", name: "add"),
    ]
    #expect(
      problem(B.model(input: [1, 4, 4], nodes: shortcut, initializers: [B.int64s("pads", [0, 1, 0, 0, 0, 1, 0, 0])]))?
        .hasPrefix("node 'add' (Add): adds a strided Slice or channel Pad of a value") == true)
    let constant = [B.node("Add", ["x", "c"], "y", name: "shift")]
    #expect(
      problem(B.model(input: [3], nodes: constant, initializers: [B.floats("c", [3], [1, 2, 3])]))?
        .contains("only as the bias of the MatMul or Gemm") == true)
  }

  @Test func aGraphMustHaveOneInputOfFixedSizes() {
    var model = B.model(input: [3, 4, 4], nodes: [B.node("Relu", ["x"], "y")], initializers: [])
    model.graph.input[0].type.tensorType.shape.dim[2].dimParam = "H"
    #expect(problem(model)?.contains("dimension 2 is the symbolic 'H'; expected a fixed size") == true)
    model.graph.input.append(B.valueInfo("z", [nil, 3]))
    #expect(problem(model)?.contains("2 inputs besides its initializers") == true)
  }
}
