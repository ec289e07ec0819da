import Foundation

/// A model as a description: a directed acyclic graph of ``LayerSpec``s over samples of one shape,
/// without weights. The built-in models, darknet `.cfg` files and ONNX graphs all become one; a model
/// file stores one (as JSON); ``build(seed:)`` makes its ``Network``.
///
/// Nodes are in evaluation order and read values by index, as ``NetworkNode``s do: 0 is the model's
/// input, k + 1 node k's output. ``outputs`` are node indices, the first the one training's loss reads.
public struct ModelGraph: Sendable, Equatable, Codable {
  /// One node: a name (unique), what it computes, and the values it reads.
  public struct Node: Sendable, Equatable, Codable {
    public var name: String
    public var layer: LayerSpec
    public var inputs: [Int]

    public init(name: String, layer: LayerSpec, inputs: [Int]) {
      (self.name, self.layer, self.inputs) = (name, layer, inputs)
    }
  }

  /// The shape of one input sample: `[C, H, W]` or `[F]`.
  public var inputShape: [Int]
  /// The nodes, in evaluation order.
  public var nodes: [Node]
  /// The nodes whose outputs are the model's.
  public var outputs: [Int]
  /// For a detector, how its outputs are read as boxes (nil for other models).
  public var detectionHeads: [DetectionHead]?

  /// The graph of `nodes` over samples of `inputShape`, its outputs `outputs` (default: the last node).
  public init(inputShape: [Int], nodes: [Node], outputs: [Int]? = nil, detectionHeads: [DetectionHead]? = nil) {
    (self.inputShape, self.nodes, self.outputs) = (inputShape, nodes, outputs ?? [nodes.count - 1])
    self.detectionHeads = detectionHeads
  }

  /// A chain of `layers`, named `0`, `1`, … as ``Network/init(layers:inputShape:)`` names them.
  public static func chain(inputShape: [Int], _ layers: [LayerSpec]) -> ModelGraph {
    ModelGraph(
      inputShape: inputShape,
      nodes: layers.enumerated().map { Node(name: "\($0.offset)", layer: $0.element, inputs: [$0.offset]) })
  }

  /// What checking the graph found: every value's sample shape (the input's first) and every node's
  /// parameter values.
  public struct Shapes: Sendable, Equatable {
    public var values: [[Int]]
    public var parameterValues: [Int]
    /// Weights, biases and statistics of the whole model.
    public var totalParameterValues: Int { parameterValues.reduce(0, +) }
  }

  /// Checks the graph (wiring, every spec against its inputs, sizes within ``InputLimits``) and returns its
  /// shapes; throws naming the first node at fault.
  public func shapes() throws(NetworkGraphError) -> Shapes {
    guard nodes.count <= InputLimits.graphNodes else {
      throw NetworkGraphError(problem: "\(nodes.count) nodes; at most \(grouped(InputLimits.graphNodes))")
    }
    try NetworkGraphError.checkWiring(names: nodes.map(\.name), inputs: nodes.map(\.inputs), outputs: outputs)
    guard !inputShape.isEmpty, inputShape.count <= 3, inputShape.allSatisfy({ $0 > 0 }),
      let values = checkedProduct(inputShape), values <= InputLimits.sampleValues
    else {
      throw NetworkGraphError(
        problem: "the input shape \(shapeText(inputShape)) must be [C, H, W] or [F] of at most "
          + "\(grouped(InputLimits.sampleValues)) values")
    }
    var shapes = Shapes(values: [inputShape], parameterValues: [])
    var total = 0
    for (index, node) in nodes.enumerated() {
      let inputs = node.inputs.map { shapes.values[$0] }
      do {
        shapes.values.append(try node.layer.outputShape(for: inputs))
      } catch {
        throw NetworkGraphError(node: index, name: node.name, problem: error.message)
      }
      let count = node.layer.parameterValues(for: inputs)
      total += count
      guard total <= InputLimits.modelParameters else {
        throw NetworkGraphError(
          node: index, name: node.name,
          problem: "the model reaches \(grouped(total)) parameter values here; at most "
            + grouped(InputLimits.modelParameters))
      }
      shapes.parameterValues.append(count)
    }
    try checkDetectionHeads(shapes)
    return shapes
  }

  /// Each head reads an output whose samples are `[anchors × (5 + classes), H, W]`.
  private func checkDetectionHeads(_ shapes: Shapes) throws(NetworkGraphError) {
    for head in detectionHeads ?? [] {
      guard outputs.contains(head.output) else {
        throw NetworkGraphError(problem: "a \(head.kind) head reads node \(head.output), which is no output")
      }
      let shape = shapes.values[head.output + 1]
      guard head.anchors.count >= 2, head.anchors.count % 2 == 0, head.anchors.allSatisfy({ $0 > 0 && $0.isFinite }),
        (1...InputLimits.classes).contains(head.classes), shape.count == 3, shape[0] == head.channels
      else {
        throw NetworkGraphError(
          node: head.output, name: nodes[head.output].name,
          problem: "a \(head.kind) head of \(head.anchorCount) anchors and \(head.classes) classes needs "
            + "[\(head.anchorCount) × (5 + \(head.classes)), H, W] outputs with positive anchors, got "
            + shapeText(shape))
      }
    }
  }

  /// The network, its weights drawn from `seed` node by node (the same seed gives the same weights on
  /// every rank and platform); throws what ``shapes()`` finds.
  public func build(seed: UInt64) throws(NetworkGraphError) -> Network {
    let shapes = try shapes()
    var generator = SeededGenerator(seed: seed)
    let networkNodes = nodes.enumerated().map { index, node in
      NetworkNode(
        name: node.name,
        operation: node.layer.makeOperation(
          for: node.inputs.map { shapes.values[$0] }, generator: &generator,
          dropoutSeed: SeededGenerator.mix(seed, UInt64(index))),
        inputs: node.inputs)
    }
    return try Network(nodes: networkNodes, inputShape: inputShape, outputs: outputs)
  }

  /// The same graph with its convolutions' and dense layers' weights ``Initializer/unfilled``: to build a network
  /// whose weights are all loaded next.
  var withUnfilledWeights: ModelGraph {
    var graph = self
    for index in graph.nodes.indices {
      switch graph.nodes[index].layer {
      case .convolution(var convolution):
        convolution.initializer = .unfilled
        graph.nodes[index].layer = .convolution(convolution)
      case .dense(let outputs, let bias, _):
        graph.nodes[index].layer = .dense(outputs: outputs, bias: bias, initializer: .unfilled)
      default: break
      }
    }
    return graph
  }

  /// The graph as JSON (what a model file stores).
  public func encodedJSON() -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // Encoding plain values and arrays cannot fail.
    return Array(try! encoder.encode(self))
  }

  /// A graph from `json`; a message says what did not decode.
  public static func decode(json: [UInt8]) throws(ShapeProblem) -> ModelGraph {
    do {
      return try JSONDecoder().decode(ModelGraph.self, from: Data(json))
    } catch let error as DecodingError {
      throw ShapeProblem(Self.describe(error))
    } catch {
      throw ShapeProblem("\(error)")
    }
  }

  private static func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
      context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(path(context)): no '\(key.stringValue)'"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      return "\(path(context)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
  }
}
