import CNN
import Files
import Foundation
import ONNXProto
import Testing

@testable import ModelFormats

/// Hostile or damaged ONNX files: values that would trap or loop for hours are refused before any arithmetic or loop
/// uses them, messages quote the file's values in words (not Swift's dumps) and with control characters escaped.
@Suite struct ONNXBadInputTests {
  typealias B = ONNXBuilder

  /// The problem importing `model` reports (nil: it imported).
  func problem(_ model: Onnx_ModelProto, path: String = "m.onnx") -> String? {
    do {
      _ = try ONNXImporter.model(model, path: path)
      return nil
    } catch {
      return error.problem
    }
  }

  // MARK: - Resize factors

  func resize(input: [Int] = [1, 28, 28], scales: [Float]) -> Onnx_ModelProto {
    B.model(
      input: input,
      nodes: [
        B.node(
          "Resize", ["x", "", "scales"], "y", name: "up",
          [
            B.attribute("mode", string: "nearest"),
            B.attribute("coordinate_transformation_mode", string: "asymmetric"),
            B.attribute("nearest_mode", string: "floor"),
          ])
      ], initializers: [B.floats("scales", [4], scales)])
  }

  func resize(input: [Int] = [4, 28, 28], sizes: [Int64]) -> Onnx_ModelProto {
    B.model(
      input: input,
      nodes: [
        B.node(
          "Resize", ["x", "", "", "sizes"], "y", name: "up",
          [
            B.attribute("coordinate_transformation_mode", string: "asymmetric"),
            B.attribute("nearest_mode", string: "floor"),
          ])
      ], initializers: [B.int64s("sizes", sizes)])
  }

  @Test func aResizeFactorIsCheckedBeforeAnyArithmeticUsesIt() {
    // 1e18 trapped (28 × 1e18 overflows) and 1e9 looped over 28e9 output positions before the factor was checked.
    #expect(
      problem(resize(scales: [1, 1, 1e18, 1e18]))
        == "node 'up' (Resize): scales [1, 1, 1e+18, 1e+18]: the factor 1e+18 is not allowed; cnnswift upsamples by "
        + "one whole factor from 1 to 64 on both sides")
    #expect(problem(resize(scales: [1, 1, 1e9, 1e9]))?.contains("the factor 1e+09 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, 65, 65]))?.contains("the factor 65 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, 2.5, 2.5]))?.contains("the factor 2.5 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, 0, 0]))?.contains("the factor 0 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, -2, -2]))?.contains("the factor -2 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, 2, 3]))?.contains("scales by 2 and 3") == true)
    #expect(problem(resize(scales: [1, 1, 64, 64])) == nil)
  }

  @Test func resizeSizesAreDividedNeverMultiplied() {
    let huge = Int64(28) << 58
    #expect(
      problem(resize(sizes: [1, 4, huge, huge]))
        == "node 'up' (Resize): sizes [1, 4, \(huge), \(huge)]: \(huge) is not a whole multiple from 1 to 64 of the "
        + "input's side of 28; cnnswift upsamples by one whole factor from 1 to 64 on both sides")
    #expect(problem(resize(sizes: [1, 4, 28_000_000_000, 28_000_000_000]))?.contains("not a whole multiple") == true)
    #expect(problem(resize(sizes: [1, 4, Int64.max, Int64.max]))?.contains("not a whole multiple") == true)
    #expect(problem(resize(sizes: [1, 4, -56, -56]))?.contains("not a whole multiple") == true)
    #expect(problem(resize(sizes: [1, 4, 56, 56])) == nil)
  }

  @Test func aResizeOutputIsBoundedBeforeItsPositionsAreWalked() {
    // 2²⁴ values × 64²: the output is refused before copiesBlocks walks 4096 × 64 positions per side.
    #expect(
      problem(resize(input: [1, 4096, 4096], scales: [1, 1, 64, 64]))
        == "node 'up' (Resize): its output 1x262144x262144 is empty or over 268,435,456 values")
    #expect(!ONNXGraphReader.copiesBlocks(28, factor: 1 << 40, "asymmetric", "floor"))
    #expect(!ONNXGraphReader.copiesBlocks(1 << 40, factor: 2, "asymmetric", "floor"))
    #expect(ONNXGraphReader.copiesBlocks(28, factor: 2, "asymmetric", "floor"))
  }

  // MARK: - Other values that loops or products use

  /// A model whose Pad reads pads folded from `nodes` over `initializers` (all integer constants), then a Conv.
  func folded(_ nodes: [Onnx_NodeProto], _ initializers: [Onnx_TensorProto], pads: String = "pads") -> Onnx_ModelProto {
    B.model(
      input: [1, 4, 4],
      nodes: nodes + [B.node("Pad", ["x", pads], "p", name: "pad"), B.node("Conv", ["p", "w"], "y", name: "conv")],
      initializers: initializers + [B.floats("w", [1, 1, 3, 3], B.values(9, seed: 1))])
  }

  @Test func aFoldedSliceWithAHugeStepStopsInsteadOfOverflowing() {
    // Start 1, step Int64.max: 1 + Int64.max trapped.
    let nodes = [B.node("Slice", ["all", "start", "end", "axis", "step"], "pads", name: "slice")]
    let initializers = [
      B.int64s("all", [0, 0, 1, 1, 0, 0, 1, 1, 9]), B.int64s("start", [1]), B.int64s("end", [Int64.max]),
      B.int64s("axis", [0]), B.int64s("step", [Int64.max]),
    ]
    #expect(problem(folded(nodes, initializers))?.contains("pads [0] must be 8 sizes") == true)
    var negative = initializers
    (negative[1], negative[2], negative[4]) = (
      B.int64s("start", [-2]), B.int64s("end", [Int64.min]), B.int64s("step", [Int64.min])
    )
    #expect(problem(folded(nodes, negative))?.contains("pads [1] must be 8 sizes") == true)
  }

  @Test func aFoldedSliceNamesWhatIsWrongWithItsStepOrAxis() {
    func slice(axes: [Int64], steps: [Int64]) -> Onnx_ModelProto {
      folded(
        [B.node("Slice", ["all", "start", "end", "axis", "step"], "pads", name: "slice")],
        [
          B.int64s("all", [0, 0, 1, 1, 0, 0, 1, 1]), B.int64s("start", [0]), B.int64s("end", [8]),
          B.int64s("axis", axes), B.int64s("step", steps),
        ])
    }
    #expect(problem(slice(axes: [0], steps: [0])) == "node 'slice' (Slice): step 0 is not allowed (axis 0)")
    #expect(
      problem(slice(axes: [7], steps: [1])) == "node 'slice' (Slice): axis 7 is out of range for a rank-1 value")
    #expect(
      problem(slice(axes: [-2], steps: [1])) == "node 'slice' (Slice): axis -2 is out of range for a rank-1 value")
    #expect(problem(slice(axes: [0], steps: [1])) == nil)
  }

  @Test func aFoldedTensorOfNoElementsButHugeDimensionsIsRefused() {
    // ConstantOfShape [0, 2⁴⁰] holds no element; a Transpose of it looped 2⁴⁰ times.
    let nodes = [
      B.node("ConstantOfShape", ["shape"], "empty", name: "fill"),
      B.node("Transpose", ["empty"], "pads", name: "swap", [B.attribute("perm", ints: [1, 0])]),
    ]
    #expect(
      problem(folded(nodes, [B.int64s("shape", [0, 1 << 40])]))
        == "node 'fill' (ConstantOfShape): its result has dimensions [0, 1099511627776], over 1024 positions; "
        + "cnnswift folds small integer constants only")
    var empty = B.int64s("empty", [])
    empty.dims = [1 << 40, 0]
    #expect(
      problem(folded([B.node("Transpose", ["empty"], "pads", name: "swap")], [empty]))
        == "node 'swap' (Transpose): tensor 'empty' of dimensions [1099511627776, 0] has no elements, but its other "
        + "dimensions' product is over 268435456")
    empty.dims = [0, 1 << 20]
    #expect(
      problem(folded([B.node("Transpose", ["empty"], "pads", name: "swap")], [empty]))?
        .contains("'empty' has dimensions [0, 1048576], over 1024 positions") == true)
  }

  @Test func aFoldedReshapeOfHugeSizesIsRefusedWithoutOverflowing() {
    let nodes = [B.node("Reshape", ["all", "shape"], "pads", name: "reshape")]
    let initializers = [B.int64s("all", [0, 0, 1, 1, 0, 0, 1, 1]), B.int64s("shape", [1 << 40, 1 << 40, -1])]
    #expect(
      problem(folded(nodes, initializers))
        == "node 'reshape' (Reshape): reshapes 8 elements to [1099511627776, 1099511627776, -1]")
  }

  @Test func hugePadsAndReorgSizesAreRefusedBeforeTheyAreAdded() {
    let pads = B.int64s("pads", [0, 0, Int64.max, Int64.max, 0, 0, 0, 0])
    #expect(
      problem(folded([], [pads]))
        == "node 'pad' (Pad): pads [0, 0, 9223372036854775807, 9223372036854775807, 0, 0, 0, 0] must be 8 sizes for "
        + "[N, C, H, W] from 0 to 65536, none on the batch")
    let reorg = B.model(
      input: [4, 4, 4],
      nodes: [
        B.node("Reshape", ["x", "split"], "s", name: "split"),
        B.node("Transpose", ["s"], "t", name: "perm", [B.attribute("perm", ints: [0, 3, 5, 1, 2, 4])]),
        B.node("Reshape", ["t", "join"], "y", name: "join"),
      ],
      initializers: [
        B.int64s("split", [0, 1, 4, 1 << 62, 4, 1 << 62]), B.int64s("join", [0, 16, 2, 2]),
      ])
    #expect(problem(reorg)?.hasPrefix("node 'split' (Reshape): reshapes to [0, 1, 4, 4611686018427387904") == true)
    var join = reorg
    join.graph.initializer = [B.int64s("split", [0, 1, 4, 2, 4, 2]), B.int64s("join", [0, 16, 1 << 62, 1 << 62])]
    #expect(problem(join)?.hasPrefix("node 'join' (Reshape): reshapes to [0, 16, 4611686018427387904") == true)
    join.graph.initializer = [B.int64s("split", [0, 1, 4, 2, 4, 2]), B.int64s("join", [0, 16, 2, 2])]
    #expect(problem(join) == nil)
  }

  @Test func aConvolutionsSizesAreBoundedBeforeItsPaddingIsComputed() {
    let model = B.model(
      input: [1, 6, 6],
      nodes: [
        B.node(
          "Conv", ["x", "w"], "y", name: "conv",
          [B.attribute("dilations", ints: [1 << 40, 1 << 40]), B.attribute("auto_pad", string: "SAME_UPPER")])
      ], initializers: [B.floats("w", [1, 1, 3, 3], B.values(9, seed: 1))])
    #expect(
      problem(model)
        == "node 'conv' (Conv): kernel 3, stride 1 and dilation 1099511627776: cnnswift's convolutions take each from 1 "
        + "to 64")
  }

  @Test func aGraphOfManyNodesImportsInLinearTime() throws {
    // Each Add of a bias counted the names of its value by walking every name, each repeated node name searched
    // its suffixes from 2: 20,000 of either took over 30 seconds.
    var nodes: [Onnx_NodeProto] = []
    for i in 0..<20_000 {
      nodes.append(B.node("MatMul", [i == 0 ? "x" : "a\(i - 1)"], "m\(i)", name: "same"))
      nodes[nodes.count - 1].input.append("w")
      nodes.append(B.node("Add", ["m\(i)", "b"], i == 19_999 ? "y" : "a\(i)", name: "same"))
    }
    let model = B.model(input: [1], nodes: nodes, initializers: [B.floats("w", [1, 1], [1]), B.floats("b", [1], [0])])
    let start = Date()
    let result = try ONNXGraphReader.read(model.graph, opset: 13)
    #expect(Date().timeIntervalSince(start) < 20)
    #expect(result.graph.nodes.count == 20_000 && result.graph.nodes.last?.name == "same_20000")
  }

  @Test func repeatedNodeNamesGetTheNextFreeSuffix() throws {
    let model = B.model(
      input: [3],
      nodes: [
        B.node("Relu", ["x"], "a", name: "r"), B.node("Relu", ["a"], "b", name: "r_2"),
        B.node("Relu", ["b"], "c", name: "r"), B.node("Relu", ["c"], "d", name: "r"),
        B.node("Relu", ["d"], "y", name: "r_3"),
      ], initializers: [])
    let file = try ONNXImporter.model(model, path: "r.onnx")
    #expect(file.graph.nodes.map(\.name) == ["r", "r_2", "r_3", "r_4", "r_3_2"])
  }

  // MARK: - Messages in words

  @Test func anInputDimensionIsNamedInWords() {
    func input(_ set: (inout Onnx_TensorShapeProto.Dimension) -> Void) -> String? {
      var model = B.model(input: [3, 4, 4], nodes: [B.node("Relu", ["x"], "y")], initializers: [])
      set(&model.graph.input[0].type.tensorType.shape.dim[2])
      return problem(model)
    }
    let expected = "; expected a fixed size from 1 to 268435456 (every dimension but the batch)"
    #expect(input { $0.dimValue = 0 } == "graph input 'x' dimension 2 is 0" + expected)
    #expect(input { $0.dimValue = -28 } == "graph input 'x' dimension 2 is -28" + expected)
    #expect(input { $0.dimValue = 1 << 40 } == "graph input 'x' dimension 2 is 1099511627776" + expected)
    #expect(input { $0.dimParam = "H" } == "graph input 'x' dimension 2 is the symbolic 'H'" + expected)
    #expect(input { $0 = Onnx_TensorShapeProto.Dimension() } == "graph input 'x' dimension 2 is not given" + expected)
  }

  @Test func shapesAndTypesAreNamedAsTheSuiteWritesThem() {
    // A GlobalAveragePool's [8] features added to an [8, 1, 1] map: ONNX sees one shape, cnnswift two.
    let add = B.model(
      input: [8, 1, 1], nodes: [B.node("GlobalAveragePool", ["x"], "g"), B.node("Add", ["g", "x"], "y", name: "sum")],
      initializers: [])
    #expect(problem(add) == "node 'sum' (Add): an addition needs 2 or more inputs of one shape, got 8 and 8x1x1")
    let wrongType = B.model(
      input: [1, 6, 6],
      nodes: [B.node("MaxPool", ["x"], "y", name: "pool", [B.attribute("kernel_shape", float: 2)])],
      initializers: [])
    #expect(problem(wrongType) == "node 'pool' (MaxPool): attribute 'kernel_shape' is of type FLOAT, expected an INTS")
    #expect(ONNXAttributes.typeName(.sparseTensor) == "SPARSE_TENSOR")
  }

  @Test func anEmptyFileIsNotAnONNXModel() throws {
    #expect(throws: ModelFileError("e.onnx", "is empty: not an ONNX model")) {
      try ONNXImporter.model(serialized: Data(), path: "e.onnx")
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(getpid()).onnx").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data().write(to: URL(fileURLWithPath: path))
    #expect(throws: ModelFileError(path, "is empty: not an ONNX model")) { try ModelLoader.load(path: path) }
    // Bytes that decode to a message of no known field (an unknown field 15 of 3 bytes).
    #expect(
      throws: ModelFileError("u.onnx", "not an ONNX model: it holds neither a graph nor an operator set (opset_import)")
    ) {
      try ONNXImporter.model(serialized: Data([0x7A, 0x03, 0x61, 0x62, 0x63]), path: "u.onnx")
    }
    // A truncated file: the decoder's problem in words, not its error's case name.
    let bytes = try ONNXImportTests.convNet().model.serializedData()
    #expect(
      throws: ModelFileError(
        "t.onnx",
        "not an ONNX model: the protocol buffer does not decode (it ends inside a field); truncated or another kind of file"
      )
    ) {
      try ONNXImporter.model(serialized: bytes.prefix(bytes.count / 2), path: "t.onnx")
    }
  }

  // MARK: - Control characters

  @Test func controlCharactersFromTheFileAreEscapedInMessages() {
    let model = B.model(
      input: [3], nodes: [B.node("Ta\u{1B}[2Jnh", ["x"], "y", name: "\u{1B}]0;pwned\u{07}node")], initializers: [])
    let message = problem(model) ?? ""
    #expect(
      message.hasPrefix(
        "node '\\u{1B}]0;pwned\\u{7}node' (Ta\\u{1B}[2Jnh): operator Ta\\u{1B}[2Jnh is not supported; supported: "))
    #expect(SafeText.escaped(message) == message)
    let attribute = B.model(
      input: [3], nodes: [B.node("Relu", ["x"], "y", name: "r", [B.attribute("a\u{202E}b", int: 1)])], initializers: [])
    #expect(
      problem(attribute)
        == "node 'r' (Relu): attribute 'a\\u{202E}b' is not supported (cnnswift reads no attributes here)")
    let tensor = B.model(
      input: [3], nodes: [B.node("Relu", ["x\u{9B}"], "y", name: "r")], initializers: [])
    #expect(problem(tensor)?.contains("reads 'x\\u{9B}', which no earlier node") == true)
    // Escaping is idempotent, so a message escaped twice reads as escaped once.
    for text in [message, "\u{1B}]0;pwned\u{07}node", "a\u{202E}b\u{FFFD}\u{7F}\u{85}"] {
      #expect(SafeText.escaped(SafeText.escaped(text)) == SafeText.escaped(text))
    }
  }

  @Test func aGraphNameThatNeedsEscapingIsNotTheModelsName() throws {
    let relu = [B.node("Relu", ["x"], "y", name: "r")]
    let titled = B.model(input: [3], nodes: relu, initializers: [], name: "net\u{1B}]0;pwned\u{07}")
    #expect(try ONNXImporter.model(titled, path: "models/lenet.onnx").name == "lenet")
    let bidi = B.model(input: [3], nodes: relu, initializers: [], name: "txt.\u{202E}exe")
    #expect(try ONNXImporter.model(bidi, path: "x/bidi.onnx").name == "bidi")
    #expect(ONNXImporter.modelName("\u{1B}[2J", path: "dir/a\u{1B}b.onnx") == "a\\u{1B}b")
    #expect(ONNXImporter.modelName("résumé-net", path: "x.onnx") == "résumé-net")
  }

  @Test func nodeNamesAreStoredEscaped() throws {
    let model = B.model(
      input: [3],
      nodes: [
        B.node("Relu", ["x"], "r", name: "relu\u{202E}evil"), B.node("Sigmoid", ["r"], "y", name: "\u{1B}[2Jsig"),
      ], initializers: [])
    let file = try ONNXImporter.model(model, path: "n.onnx")
    #expect(file.graph.nodes.map(\.name) == ["relu\\u{202E}evil", "\\u{1B}[2Jsig"])
  }

  // MARK: - Batch normalization

  @Test func aNegativeVarianceIsRefusedNamingTheNodeAndTheValue() {
    func batchNorm(variance: [Float]) -> Onnx_ModelProto {
      B.model(
        input: [8, 2, 2],
        nodes: [B.node("BatchNormalization", ["x", "scale", "shift", "mean", "var"], "y", name: "bn1")],
        initializers: [
          B.floats("scale", [8], Array(repeating: 1, count: 8)), B.floats("shift", [8], Array(repeating: 0, count: 8)),
          B.floats("mean", [8], Array(repeating: 0, count: 8)), B.floats("var", [8], variance),
        ])
    }
    #expect(
      problem(batchNorm(variance: [1, 1, 1, -1, 1, 1, 1, 1]))
        == "node 'bn1' (BatchNormalization): its var 'var' holds -1.0 at value 3 of 8: a variance must be ≥ 0")
    #expect(problem(batchNorm(variance: [0, -0.0, 1, 1, 1, 1, 1, 2])) == nil)
  }
}
