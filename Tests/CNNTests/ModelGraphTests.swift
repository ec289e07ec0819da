import Foundation
import Testing

@testable import CNN

/// Models as graphs: the presets built from their graphs, any graph saved in a version 2 model file and built
/// back, version 1 files still loading, and graphs that do not check refused naming the node.
@Suite struct ModelGraphTests {
  let folder = TemporaryFolder()

  /// A graph that is no preset: darknet's layers (leaky, batch normalization in its form, its pooling, reorg),
  /// a branch that is upsampled and concatenated back, a shortcut (add), a softmax over channels; two outputs.
  static let darknetLike = ModelGraph(
    inputShape: [3, 8, 8],
    nodes: [
      .init(name: "conv0", layer: .convolution(.init(filters: 4, kernel: 3, padding: 1, bias: false)), inputs: [0]),
      .init(name: "bn0", layer: .batchNormalization(epsilon: 1e-6, momentum: 0.01, form: .darknet), inputs: [1]),
      .init(name: "leaky0", layer: .activation(.leakyReLU(slope: 0.1)), inputs: [2]),
      .init(name: "pool", layer: .maxPool(.darknet(size: 2, stride: 2)), inputs: [3]),
      .init(name: "conv1", layer: .convolution(.init(filters: 4, kernel: 3, padding: 1, groups: 2)), inputs: [4]),
      .init(name: "shortcut", layer: .add, inputs: [5, 4]),
      .init(name: "up", layer: .upsample(factor: 2), inputs: [6]),
      .init(name: "route", layer: .concatenate, inputs: [7, 3]),
      .init(name: "reorg", layer: .reorg(stride: 2), inputs: [8]),
      .init(name: "head", layer: .convolution(.init(filters: 6, kernel: 1, dilation: 1)), inputs: [9]),
      .init(name: "softmax", layer: .softmax, inputs: [10]),
      .init(name: "gap", layer: .globalAveragePool, inputs: [9]),
    ],
    outputs: [10, 11])

  @Test func aGraphChecksItsShapesAndCountsItsParameters() throws {
    let shapes = try Self.darknetLike.shapes()
    let expected: [[Int]] = [
      [3, 8, 8], [4, 8, 8], [4, 8, 8], [4, 8, 8], [4, 4, 4], [4, 4, 4], [4, 4, 4], [4, 8, 8], [8, 8, 8],
      [32, 4, 4], [6, 4, 4], [6, 4, 4], [32],
    ]
    #expect(shapes.values == expected)
    #expect(shapes.parameterValues == [4 * 3 * 9, 16, 0, 0, 4 * 2 * 9 + 4, 0, 0, 0, 0, 6 * 32 + 6, 0, 0])
    let network = try Self.darknetLike.build(seed: 2)
    #expect(network.parameterCount + 8 == shapes.totalParameterValues)  // running means and variances
    #expect(network.parameters.reduce(0) { $0 + $1.value.count } == shapes.totalParameterValues)
  }

  @Test func anyGraphRoundTripsThroughAModelFile() throws {
    let network = try Self.darknetLike.build(seed: 7)
    let path = folder.path + "/branching.cnn"
    try ModelFile(network: network, graph: Self.darknetLike, name: "branching").write(to: path)
    let file = try ModelFile.read(path: path)
    #expect(file.name == "branching" && file.graph == Self.darknetLike && file.architecture == nil)
    #expect(file.classes == nil && file.outputShape == [6, 4, 4])
    #expect(file.summary == "branching for 3×8×8 inputs and 6×4×4 outputs")
    let rebuilt = try file.build()
    let input = randomTensor([2, 3, 8, 8], seed: 4)
    let outputs = rebuilt.forwardOutputs(input, mode: Mode.inference)
    #expect(outputs == network.forwardOutputs(input, mode: Mode.inference))
    #expect(ModelFile(network: rebuilt, graph: file.graph, name: file.name).encoded() == file.encoded())
  }

  /// The presets are graphs now; their parameters keep the names, shapes and counts they had, and a preset's
  /// name and graph make a file that says it holds that preset.
  @Test func presetsAreGraphsWithTheirFormerParameters() throws {
    let lenet = Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1)
    #expect(lenet.parameterCount == 61_706)
    #expect(
      lenet.parameters.map(\.name) == [
        "0.conv.weight", "0.conv.bias", "3.conv.weight", "3.conv.bias", "7.dense.weight", "7.dense.bias",
        "9.dense.weight", "9.dense.bias", "11.dense.weight", "11.dense.bias",
      ])
    #expect(Architecture.resnet(layers: 20).build(inputShape: [3, 32, 32], seed: 1).parameterCount == 269_722)
    #expect(Architecture.mlp.build(inputShape: [1, 28, 28], seed: 1).parameterCount == 535_818)
    let graph = Architecture.lenet.graph(inputShape: [1, 28, 28], classes: 10)
    #expect(ModelFile(network: lenet, graph: graph, name: "lenet").architecture == .lenet)
    #expect(ModelFile(network: lenet, graph: graph, name: "mine").architecture == nil)
    var changed = graph
    changed.nodes[1].layer = .activation(.sigmoid)
    #expect(ModelFile(network: lenet, graph: changed, name: "lenet").architecture == nil)
    // The same seed gives the same weights, from the graph or from the preset.
    let fromGraph = try graph.build(seed: 1)
    #expect(zip(lenet.parameters, fromGraph.parameters).allSatisfy { $0.value == $1.value })
  }

  @Test(arguments: [Architecture.lenet, .mlp, .resnet(layers: 8)])
  func versionOneFilesStillLoad(architecture: Architecture) throws {
    let shape = architecture == .resnet(layers: 8) ? [3, 32, 32] : [1, 28, 28]
    let network = architecture.build(inputShape: shape, classes: 7, seed: 5)
    let current = ModelFile(network: network, architecture: architecture)
    let old = try ModelFile(bytes: current.encodedVersion1(), path: "old.cnn")
    #expect(old.architecture == architecture && old.name == architecture.description)
    #expect(old.graph == current.graph && old.classes == 7 && old.inputShape == shape)
    #expect(old.encoded() == current.encoded())
    let input = randomTensor([2] + shape, seed: 6)
    #expect(try old.build().forward(input, mode: .inference) == network.forward(input, mode: .inference))
  }

  /// The file's graph JSON edited (the checksum made right again): what does not decode and what does not check
  /// are both named.
  @Test func aCorruptGraphIsRefusedNamingTheNode() throws {
    let network = try Self.darknetLike.build(seed: 7)
    let bytes = ModelFile(network: network, graph: Self.darknetLike, name: "branching").encoded()
    func refusal(replacing old: String, with new: String) -> String {
      // Same-length edits keep the lengths the file records.
      precondition(old.utf8.count == new.utf8.count)
      guard let range = bytes.firstRange(of: Array(old.utf8)) else { return "no \(old) in the file" }
      var edited = bytes
      edited.replaceSubrange(range, with: Array(new.utf8))
      edited = ModelFileHeaderTests.resealed(edited)
      do {
        _ = try ModelFile(bytes: edited, path: "bad.cnn").build()
        return "accepted"
      } catch {
        return error.problem
      }
    }
    #expect(
      refusal(replacing: "\"filters\":6", with: "\"filters\":0")
        == "its graph does not check: node 9 (head): a convolution needs 1 to 65536 filters")
    #expect(
      refusal(replacing: "\"kernel\":3,", with: "\"kernel\":9,")
        == "does not fit the network: parameter 0.conv.weight: expected shape 4×3×9×9, found 4×3×3×3")
    #expect(
      refusal(replacing: "\"inputs\":[5,4]", with: "\"inputs\":[5,9]")
        == "its graph does not check: node 5 (shortcut): reads node 8's output, which is not computed before it "
        + "(nodes must be in evaluation order)")
    #expect(refusal(replacing: "\"filters\":6", with: "\"filterz\":6").hasPrefix("corrupt graph: nodes.9.layer"))
  }

  @Test func graphsOutOfBoundsAreRefusedBeforeAnythingIsAllocated() {
    func problem(_ graph: ModelGraph) -> String {
      do {
        _ = try graph.shapes()
        return "accepted"
      } catch {
        return "\(error)"
      }
    }
    let wide = ModelGraph.chain(inputShape: [1 << 14, 1 << 14, 1 << 14], [.flatten])
    #expect(problem(wide).hasPrefix("the input shape 16384x16384x16384 must be"))
    let huge = ModelGraph.chain(
      inputShape: [64, 64, 64], [.dense(outputs: 1 << 16, bias: true, initializer: .heNormal)])
    #expect(problem(huge) == "node 0 (0): the model reaches 17,179,934,720 parameter values here; at most 268,435,456")
    let up = ModelGraph.chain(inputShape: [64, 1024, 1024], [.upsample(factor: 64)])
    #expect(problem(up).hasPrefix("node 0 (0): its output 64x65536x65536 is empty or over"))
    let pool = ModelGraph.chain(inputShape: [1, 2, 5], [.maxPool(PoolingWindow(kernelSize: 3, stride: 2))])
    #expect(problem(pool) == "node 0 (0): a pooling window of extent 3 does not fit the padded 2×5 input")
  }

  /// The layer table's figures: node names and what they read, the totals, and the inference peak (values held
  /// until their last reader, worked out by hand for this graph: the route's inputs and output, 1,024 values).
  @Test func theDescriptionCountsWhatEachNodeNeeds() throws {
    let network = try Self.darknetLike.build(seed: 1)
    let description = ModelDescription(network: network, graph: Self.darknetLike, title: "branching", batch: 2)
    #expect(description.rows.map(\.name) == Self.darknetLike.nodes.map(\.name))
    #expect(description.rows[7].inputs == ["up", "leaky0"] && description.rows[0].inputs == ["input"])
    #expect(description.parameters == network.parameterCount && description.statistics == 8)
    #expect(description.flops == network.forwardFLOPs)
    #expect(description.rows[7].outputBytes == 8 * 8 * 8 * 2 * 4)
    #expect(network.peakLiveValues == 1024 && description.peakInferenceValueBytes == 1024 * 2 * 4)
    #expect(description.weightBytes == 4 * (network.parameterCount + 8))
    let lines = description.lines
    #expect(lines.count == 1 + 1 + 1 + 12 + 1 + 4)
    #expect(lines[0] == "branching, batch 2")
    #expect(lines[3].hasPrefix(" 0  conv0     conv 4@3x3 pad 1 no bias   input   "))
    #expect(lines.contains { $0.hasPrefix("    total ") && $0.contains(grouped(network.parameterCount)) })
  }
}
