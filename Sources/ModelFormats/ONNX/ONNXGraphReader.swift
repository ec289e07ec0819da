import CNN
import Files
import ONNXProto

/// Walks one ONNX graph in node order and builds the ``ModelGraph`` it describes with each node's weights.
///
/// Each ONNX value name stands for one of cnnswift's values (``Value/node(_:onnx:)``: the value's index and the
/// sample shape ONNX sees, which differs after a GlobalAveragePool, whose `[C, 1, 1]` cnnswift holds as `[C]`),
/// or for an operator that only makes sense with the ones that follow it and waits for them: a Pad for the Conv
/// it pads, the Reshape and Transpose of darknet's reorg, the strided Slice and channel Pad of a residual block's
/// shortcut and the Add that ends the block. A pending value read by anything else is refused.
struct ONNXGraphReader {
  /// What the importer found: the graph and, per node, its parameter values in the layer's parameter order.
  struct Result {
    var graph: ModelGraph
    var weights: [[Tensor]]
  }

  /// What an ONNX value name stands for.
  enum Value {
    /// cnnswift's value `index` (0: the input), whose samples ONNX sees as `onnx` (batch excluded).
    case node(Int, onnx: [Int])
    /// Value `source` zero-padded by `leading` rows and columns before and `trailing` after: a Pad that the next
    /// Conv absorbs.
    case padded(Int, leading: Int, trailing: Int)
    /// The first Reshape of a reorg of `stride` over value `source`: `[N, C/s², H, s, W, s]`.
    case reorgSplit(Int, stride: Int)
    /// The reorg's Transpose: `[N, s, s, C/s², H, W]`, for the Reshape that ends it.
    case reorgPermuted(Int, stride: Int)
    /// A residual shortcut: `source` subsampled by `stride` and `leading` and `trailing` zero channels around it.
    case shortcut(Int, stride: Int, leading: Int, trailing: Int)
    /// A residual block's sum before its ReLU: the block's layers, removed from the graph until the ReLU.
    case residualSum(ResidualBlockMatch)
  }

  let opset: Int
  /// Initializers and Constant outputs.
  var constants: [String: Onnx_TensorProto] = [:]
  /// Set only through ``define(_:_:)`` and ``forget(_:)``, which keep ``names`` in step.
  private(set) var values: [String: Value] = [:]
  /// Per cnnswift value index: the ONNX names that stand for it (``Value/node(_:onnx:)``), so that a node's check
  /// of who else reads a value costs the names of that value, not a walk over every name (quadratic in the nodes).
  private(set) var names: [Int: [String]] = [:]
  /// Per ONNX value name: the indices of the nodes that read it (and -1 per graph output it is).
  var readers: [String: [Int]] = [:]
  let onnxNodes: [Onnx_NodeProto]
  /// cnnswift's values' sample shapes, the input's first.
  var shapes: [[Int]]
  var nodes: [ModelGraph.Node] = []
  var weights: [[Tensor]] = []
  private var usedNames: Set<String> = []
  /// Per base name: the next suffix ``uniqueName(_:)`` tries.
  private var nextSuffix: [String: Int] = [:]

  /// The node being read, for messages.
  var current = 0

  /// Reads `graph`, whose default operator set is version `opset`.
  static func read(_ graph: Onnx_GraphProto, opset: Int) throws(ONNXProblem) -> Result {
    guard graph.node.count <= InputLimits.graphNodes else {
      throw ONNXProblem("the graph has \(graph.node.count) nodes; at most \(InputLimits.graphNodes)")
    }
    var reader = try ONNXGraphReader(graph, opset: opset)
    for index in graph.node.indices {
      reader.current = index
      let node = graph.node[index]
      do {
        try reader.read(node)
      } catch {
        throw ONNXProblem("\(reader.label(node)): \(error.message)")
      }
    }
    var outputs: [Int] = []
    for output in graph.output {
      guard case .node(let index, _)? = reader.values[output.name], index > 0 else {
        throw ONNXProblem(
          reader.values[output.name] == nil
            ? "graph output '\(output.name)' is given by no node"
            : "graph output '\(output.name)' is "
              + (reader.values[output.name].map(reader.describe) ?? "the graph's input")
              + "; a model's outputs must be computed values")
      }
      outputs.append(index - 1)
    }
    guard !outputs.isEmpty else { throw ONNXProblem("the graph has no outputs") }
    return Result(
      graph: ModelGraph(inputShape: reader.shapes[0], nodes: reader.nodes, outputs: outputs),
      weights: reader.weights)
  }

  private init(_ graph: Onnx_GraphProto, opset: Int) throws(ONNXProblem) {
    self.opset = opset
    onnxNodes = graph.node
    var constants: [String: Onnx_TensorProto] = [:]
    for tensor in graph.initializer {
      guard constants.updateValue(tensor, forKey: tensor.name) == nil else {
        throw ONNXProblem("initializer '\(tensor.name)' is given twice")
      }
    }
    self.constants = constants
    let inputs = graph.input.filter { constants[$0.name] == nil }
    guard inputs.count == 1, let input = inputs.first else {
      throw ONNXProblem(
        "the graph has \(inputs.count) inputs besides its initializers (\(inputs.map { "'\($0.name)'" }.joined(separator: ", "))); "
          + "cnnswift models take one")
    }
    let shape = try Self.sampleShape(of: input)
    shapes = [shape]
    define(input.name, .node(0, onnx: shape))
    for (index, node) in graph.node.enumerated() {
      for name in node.input where !name.isEmpty { readers[name, default: []].append(index) }
    }
    for output in graph.output { readers[output.name, default: []].append(-1) }
  }

  /// The input's sample shape from its type: `[N, C, H, W]` gives `[C, H, W]`, `[N, F]` gives `[F]`; the batch
  /// may be symbolic or any number, the rest must be fixed sizes.
  static func sampleShape(of input: Onnx_ValueInfoProto) throws(ONNXProblem) -> [Int] {
    let name = "graph input '\(input.name)'"
    guard case .tensorType(let tensor)? = input.type.value, tensor.hasShape else {
      throw ONNXProblem("\(name) has no tensor type with a shape")
    }
    guard tensor.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
      throw ONNXProblem("\(name) is of type \(ONNXTensor.typeName(tensor.elemType)); cnnswift models read FLOAT")
    }
    let dims = tensor.shape.dim
    guard dims.count == 4 || dims.count == 2 else {
      throw ONNXProblem("\(name) has \(dims.count) dimensions; cnnswift reads [N, C, H, W] or [N, F] inputs")
    }
    var shape: [Int] = []
    for (axis, dim) in dims.enumerated().dropFirst() {
      guard case .dimValue(let size)? = dim.value, size > 0, size <= Int64(InputLimits.sampleValues) else {
        let found =
          switch dim.value {
          case .dimValue(let size)?: "\(size)"
          case .dimParam(let symbol)?: "the symbolic '\(symbol)'"
          case nil: "not given"
          }
        throw ONNXProblem(
          "\(name) dimension \(axis) is \(found); expected a fixed size from 1 to \(InputLimits.sampleValues) (every "
            + "dimension but the batch)")
      }
      shape.append(Int(size))
    }
    return shape
  }

  /// `node 'conv1' (Conv)`, or `node 3 (Conv)` for a node without a name.
  func label(_ node: Onnx_NodeProto) -> String {
    (node.name.isEmpty ? "node \(current)" : "node '\(node.name)'") + " (\(node.opType))"
  }

  // MARK: - Reading inputs

  /// Input `index` of `node`, nil when absent or empty (an omitted optional input).
  func inputName(_ node: Onnx_NodeProto, _ index: Int) -> String? {
    index < node.input.count && !node.input[index].isEmpty ? node.input[index] : nil
  }

  /// The value `name` stands for; refuses a name no earlier node, initializer or input gives, and a constant.
  func value(_ name: String) throws(ONNXProblem) -> Value {
    if let value = values[name] { return value }
    if constants[name] != nil {
      throw ONNXProblem("reads the constant '\(name)' as data; cnnswift computes on the model's input only")
    }
    throw ONNXProblem("reads '\(name)', which no earlier node, initializer or graph input gives")
  }

  /// The computed value `name` stands for: its index and ONNX's view of its samples.
  func plain(_ name: String) throws(ONNXProblem) -> (index: Int, onnx: [Int]) {
    let value = try value(name)
    guard case .node(let index, let onnx) = value else {
      throw ONNXProblem("reads '\(name)', \(describe(value))")
    }
    return (index, onnx)
  }

  /// A computed `[C, H, W]` value (`[N, C, H, W]` to ONNX).
  func spatial(_ name: String) throws(ONNXProblem) -> Int {
    let (index, onnx) = try plain(name)
    guard onnx.count == 3, shapes[index] == onnx else {
      throw ONNXProblem(
        onnx.count == 3
          ? "reads '\(name)', the output of a GlobalAveragePool, which cnnswift holds as [C] features: only Flatten, "
            + "Reshape, Gemm, MatMul and element-wise operators may read it"
          : "reads '\(name)' of shape [N, \(onnx.map(String.init).joined(separator: ", "))]; expected [N, C, H, W]")
    }
    return index
  }

  /// What a pending value is waiting for, for messages.
  func describe(_ value: Value) -> String {
    switch value {
    case .node: "a computed value"
    case .padded: "the output of a Pad, which cnnswift reads only as the padding of the Conv that follows it"
    case .reorgSplit, .reorgPermuted:
      "part of a Reshape-Transpose-Reshape that cnnswift reads only as darknet's reorg (as cnnswift exports it)"
    case .shortcut:
      "a strided Slice or channel Pad, which cnnswift reads only as a residual block's shortcut"
    case .residualSum: "a residual block's sum, which cnnswift reads only before the block's ReLU"
    }
  }

  /// The constant tensor `name` holds (an initializer or a Constant's output); `role` names it in messages.
  func constant(_ name: String?, _ role: String) throws(ONNXProblem) -> Onnx_TensorProto {
    guard let name else { throw ONNXProblem("has no \(role) input") }
    guard let tensor = constants[name] else {
      throw ONNXProblem("its \(role) '\(name)' is computed; cnnswift needs it as an initializer or Constant")
    }
    return tensor
  }

  /// The constant `name` as Float32 values; refuses a NaN or infinity.
  func floats(_ name: String?, _ role: String) throws(ONNXProblem) -> Tensor {
    let tensor = try ONNXTensor.floats(try constant(name, role))
    guard tensor.data.allSatisfy(\.isFinite) else {
      throw ONNXProblem("its \(role) '\(name!)' holds a NaN or an infinity")
    }
    return tensor
  }

  /// The constant `name` as integers.
  func integers(_ name: String?, _ role: String) throws(ONNXProblem) -> [Int] {
    try ONNXTensor.integers(try constant(name, role)).map { Int(clamping: $0) }
  }

  // MARK: - Writing values

  /// Appends a node computing `layer` on `inputs` (cnnswift value indices) with `weights`, named after `node`, as
  /// the value of `node`'s first output, which ONNX sees as `onnx` (nil: the node's own output shape).
  @discardableResult
  mutating func emit(
    _ layer: LayerSpec, inputs: [Int], weights: [Tensor] = [], for node: Onnx_NodeProto, onnx: (([Int]) -> [Int])? = nil
  ) throws(ONNXProblem) -> Int {
    let shape: [Int]
    do {
      shape = try layer.outputShape(for: inputs.map { shapes[$0] })
    } catch {
      throw ONNXProblem(error.message)
    }
    nodes.append(ModelGraph.Node(name: uniqueName(node), layer: layer, inputs: inputs))
    self.weights.append(weights)
    shapes.append(shape)
    define(node.output[0], .node(nodes.count, onnx: onnx?(shape) ?? shape))
    return nodes.count
  }

  /// Makes `name` stand for `value`.
  mutating func define(_ name: String, _ value: Value) {
    values[name] = value
    if case .node(let index, _) = value { names[index, default: []].append(name) }
  }

  /// Makes no name stand for cnnswift's value `index` any more.
  mutating func forget(_ index: Int) {
    for name in names.removeValue(forKey: index) ?? [] { values[name] = nil }
  }

  /// The node's name for cnnswift's graph: the ONNX node's (or its operator and position), escaped with
  /// ``SafeText/escaped(_:)`` (tables and .cnn files show it as it is) and made unique.
  private mutating func uniqueName(_ node: Onnx_NodeProto) -> String {
    let base = SafeText.escaped(node.name.isEmpty ? "\(node.opType)_\(current)" : node.name)
    var name = base
    // Each base resumes its suffixes where it left off: 100,000 nodes of one name cost no quadratic search.
    var suffix = nextSuffix[base, default: 2]
    while usedNames.contains(name) {
      name = "\(base)_\(suffix)"
      suffix += 1
    }
    nextSuffix[base] = suffix
    usedNames.insert(name)
    return name
  }

  /// Removes the last `count` nodes (a residual block's layers, which one block node replaces).
  mutating func removeLast(_ count: Int) -> [(node: ModelGraph.Node, weights: [Tensor])] {
    let removed = zip(nodes.suffix(count), weights.suffix(count)).map { ($0, $1) }
    nodes.removeLast(count)
    weights.removeLast(count)
    shapes.removeLast(count)
    return removed
  }
}
