import CNN
import Foundation
import ModelFormats
import ONNXProto
import Testing

/// cnnswift models exported to ONNX and imported again: the same layers (initializers aside, which ONNX does
/// not record) and the same outputs.
@Suite struct ONNXRoundTripTests {
  /// A graph of every layer kind but the residual block: darknet batch normalization, leaky ReLU, darknet's
  /// padded max pooling, reorg, dilated and grouped convolutions, concatenation, addition, upsampling, padded
  /// average pooling, softmax, and a second output through global pooling, dropout, dense and feature
  /// normalization.
  static func branchingGraph() -> ModelGraph {
    typealias N = ModelGraph.Node
    return ModelGraph(
      inputShape: [4, 8, 8],
      nodes: [
        N(name: "conv", layer: .convolution(.init(filters: 8, kernel: 3, padding: 1)), inputs: [0]),
        N(name: "bn", layer: .batchNormalization(epsilon: 1e-6, momentum: 0.01, form: .darknet), inputs: [1]),
        N(name: "leaky", layer: .activation(.leakyReLU(slope: 0.1)), inputs: [2]),
        N(name: "pool", layer: .maxPool(.darknet(size: 2, stride: 1)), inputs: [3]),
        N(name: "reorg", layer: .reorg(stride: 2), inputs: [4]),
        N(
          name: "dilated", layer: .convolution(.init(filters: 16, kernel: 3, stride: 2, padding: 2, dilation: 2)),
          inputs: [4]),
        N(name: "route", layer: .concatenate, inputs: [5, 6]),
        N(name: "grouped", layer: .convolution(.init(filters: 48, kernel: 1, groups: 4)), inputs: [7]),
        N(name: "sum", layer: .add, inputs: [7, 8]),
        N(name: "up", layer: .upsample(factor: 2), inputs: [9]),
        N(name: "avg", layer: .averagePool(PoolingWindow(kernelSize: 3, stride: 1, padding: 1)), inputs: [10]),
        N(name: "head", layer: .convolution(.init(filters: 6, kernel: 1)), inputs: [11]),
        N(name: "probabilities", layer: .softmax, inputs: [12]),
        N(name: "gap", layer: .globalAveragePool, inputs: [11]),
        N(name: "drop", layer: .dropout(rate: 0.25), inputs: [14]),
        N(name: "fc", layer: .dense(outputs: 10, bias: true, initializer: .glorotUniform), inputs: [15]),
        N(name: "fcbn", layer: .batchNormalization(epsilon: 1e-5, momentum: 0.1, form: .pytorch), inputs: [16]),
        N(name: "sigmoid", layer: .activation(.sigmoid), inputs: [17]),
      ],
      outputs: [12, 17])
  }

  /// The network of `graph` with weights from `seed` and batch-normalization statistics and scales drawn too
  /// (a fresh network's are 0 and 1, which would hide a mix-up).
  static func network(_ graph: ModelGraph, seed: UInt64) throws -> Network {
    let network = try graph.build(seed: seed)
    var generator = SeededGenerator(seed: seed + 100)
    for parameter in network.parameters where parameter.name.contains("batchnorm") || parameter.name.contains(".bn") {
      let positive = parameter.name.hasSuffix("running_var") || parameter.name.hasSuffix("weight")
      parameter.value.data = parameter.value.data.map { _ in
        let u = Float(generator.next() % 10_000) / 10_000
        return positive ? 0.5 + u : u - 0.5
      }
    }
    return network
  }

  /// The layers with every initializer set to one value, and darknet normalizations as the PyTorch form ONNX
  /// gives them (ε², exactly equivalent), for comparing graphs.
  static func comparable(_ graph: ModelGraph) -> [LayerSpec] {
    graph.nodes.map { node in
      switch node.layer {
      case .convolution(var c):
        c.initializer = .heNormal
        return .convolution(c)
      case .dense(let outputs, let bias, _): return .dense(outputs: outputs, bias: bias, initializer: .heNormal)
      case .batchNormalization(let epsilon, let momentum, .darknet):
        return .batchNormalization(epsilon: epsilon * epsilon, momentum: momentum, form: .pytorch)
      default: return node.layer
      }
    }
  }

  /// Exports `graph` with seeded weights, imports it, and checks layers, names and every output on `batch` inputs.
  func roundTrip(_ graph: ModelGraph, name: String, tolerance: Float = 0) throws {
    let network = try Self.network(graph, seed: 7)
    let file = ModelFile(network: network, graph: graph, name: name)
    let bytes = try ONNXExporter.serialized(file)
    let back = try ONNXImporter.model(serialized: bytes, path: "\(name).onnx")
    #expect(back.name == name && back.graph.outputs == graph.outputs)
    #expect(back.graph.nodes.map(\.name) == graph.nodes.map(\.name))
    #expect(Self.comparable(back.graph) == Self.comparable(graph))
    let count = 3 * graph.inputShape.reduce(1, *)
    let x = Tensor(shape: [3] + graph.inputShape, data: ONNXBuilder.values(count, seed: 11))
    let expected = network.forwardOutputs(x, mode: .inference)
    let got = try back.build().forwardOutputs(x, mode: .inference)
    #expect(got.map(\.shape) == expected.map(\.shape))
    for (output, (a, b)) in zip(got, expected).enumerated() {
      let difference = zip(a.data, b.data).map { abs($0 - $1) }.max() ?? 0
      #expect(difference <= tolerance, "\(name) output \(output): max |difference| \(difference)")
    }
  }

  @Test func leNetComesBackTheSame() throws {
    try roundTrip(Architecture.lenet.graph(inputShape: [1, 28, 28]), name: "lenet")
  }

  @Test func aResNetComesBackAsItsResidualBlocks() throws {
    let graph = Architecture.resnet(layers: 8).graph(inputShape: [3, 32, 32])
    try roundTrip(graph, name: "resnet8")
    let proto = try ONNXExporter.model(ModelFile(network: try graph.build(seed: 1), graph: graph, name: "resnet8"))
    // The widening blocks' shortcuts are a strided Slice and a channel Pad.
    #expect(proto.graph.node.filter { $0.opType == "Slice" }.count == 2)
    #expect(proto.graph.node.filter { $0.opType == "Pad" }.count == 2)
  }

  @Test func theTimeSeriesModelsComeBackAsOneDimensionalConvolutions() throws {
    try roundTrip(Architecture.fcn.graph(inputShape: [1, 1, 30], classes: 3), name: "fcn")
    let graph = Architecture.resnet1d.graph(inputShape: [2, 1, 20], classes: 4)
    try roundTrip(graph, name: "resnet1d")
    let proto = try ONNXExporter.model(ModelFile(network: try graph.build(seed: 1), graph: graph, name: "resnet1d"))
    let kernels = proto.graph.node.filter { $0.opType == "Conv" }.map { node in
      node.attribute.first { $0.name == "kernel_shape" }!.ints
    }
    // Nine convolutions of 1 × 8, 1 × 5, 1 × 3 and two 1 × 1 shortcuts.
    #expect(kernels.count == 11 && kernels.allSatisfy { $0.first == 1 } && kernels.filter { $0 == [1, 1] }.count == 2)
  }

  @Test func aBranchingGraphOfEveryOtherLayerComesBackTheSame() throws {
    // Darknet's normalization becomes ONNX's with an adjusted variance: equal up to Float32 rounding.
    try roundTrip(Self.branchingGraph(), name: "branching", tolerance: 1e-5)
  }

  @Test func theExportedGraphHasASymbolicBatchAndOneOutputPerModelOutput() throws {
    let graph = Self.branchingGraph()
    let proto = try ONNXExporter.model(ModelFile(network: try graph.build(seed: 1), graph: graph, name: "b"))
    #expect(proto.opsetImport.map(\.version) == [13] && proto.irVersion == 7)
    #expect(proto.graph.input.map(\.name) == ["input"])
    #expect(proto.graph.input[0].type.tensorType.shape.dim.map(\.dimParam) == ["N", "", "", ""])
    #expect(proto.graph.output.map(\.name) == ["probabilities", "sigmoid"])
    #expect(proto.graph.initializer.contains { $0.name == "0.conv.weight" })
  }
}
