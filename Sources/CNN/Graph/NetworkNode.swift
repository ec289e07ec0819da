/// One node of a ``Network``'s graph: a layer and the values it reads.
///
/// Values are numbered as the network evaluates them: value 0 is the network's input, value
/// `k + 1` is node `k`'s output. A node reads only values before its own, so the nodes' order is an
/// evaluation order (a topological order of the graph), and the reverse one is back-propagation's.
public struct NetworkNode {
  /// What the node computes.
  public enum Operation {
    /// A layer of one input.
    case layer(any Layer)
    /// A layer of several inputs (addition, concatenation).
    case merge(any MergeLayer)
  }

  /// The node's name: unique in its network, for tables, importers and exporters (`conv1`,
  /// `layer 12`). Parameters are named by the node's index, not by this.
  public var name: String
  /// What the node computes.
  public var operation: Operation
  /// The values the node reads: 0 is the network's input, `k + 1` is node `k`'s output.
  public var inputs: [Int]

  /// A node named `name` computing `operation` on `inputs`.
  public init(name: String, operation: Operation, inputs: [Int]) {
    (self.name, self.operation, self.inputs) = (name, operation, inputs)
  }

  /// A node applying `layer` to value `input`.
  public init(name: String, layer: any Layer, input: Int) {
    self.init(name: name, operation: .layer(layer), inputs: [input])
  }

  /// A node merging `inputs` with `merge`.
  public init(name: String, merge: any MergeLayer, inputs: [Int]) {
    self.init(name: name, operation: .merge(merge), inputs: inputs)
  }
}

extension NetworkNode.Operation {
  /// The layer's ``Layer/summary`` or ``MergeLayer/summary``.
  public var summary: String {
    switch self {
    case .layer(let layer): layer.summary
    case .merge(let merge): merge.summary
    }
  }

  /// The layer's type word, the middle part of its parameters' names.
  public var kind: String {
    switch self {
    case .layer(let layer): layer.kind
    case .merge(let merge): merge.kind
    }
  }

  /// The layer's parameters, trainable or not.
  public var parameters: [Parameter] {
    switch self {
    case .layer(let layer): layer.parameters
    case .merge(let merge): merge.parameters
    }
  }

  /// Why the layer cannot take samples of `shapes`, or `nil`.
  func problem(with shapes: [[Int]]) -> String? {
    switch self {
    case .layer: shapes.count == 1 ? nil : "a layer of one input is given \(shapes.count)"
    case .merge(let merge): merge.problem(with: shapes)
    }
  }

  func outputShape(for shapes: [[Int]]) -> [Int] {
    switch self {
    case .layer(let layer): layer.outputShape(for: shapes[0])
    case .merge(let merge): merge.outputShape(for: shapes)
    }
  }

  func forwardFLOPs(for shapes: [[Int]]) -> Int {
    switch self {
    case .layer(let layer): layer.forwardFLOPs(for: shapes[0])
    case .merge(let merge): merge.forwardFLOPs(for: shapes)
    }
  }

  func forward(_ inputs: [Tensor], mode: Mode) -> Tensor {
    switch self {
    case .layer(let layer): layer.forward(inputs[0], mode: mode)
    case .merge(let merge): merge.forward(inputs, mode: mode)
    }
  }

  func releaseOutput() {
    switch self {
    case .layer(let layer): layer.releaseOutput()
    case .merge(let merge): merge.releaseOutput()
    }
  }

  func backward(_ outputGradient: Tensor) -> [Tensor] {
    switch self {
    case .layer(let layer): [layer.backward(outputGradient)]
    case .merge(let merge): merge.backward(outputGradient)
    }
  }

  /// The layer object's identity.
  var identity: ObjectIdentifier {
    switch self {
    case .layer(let layer): ObjectIdentifier(layer)
    case .merge(let merge): ObjectIdentifier(merge)
    }
  }

  /// Tells a one-input layer that nobody reads its input gradient.
  func skipInputGradient() {
    if case .layer(let layer) = self { layer.skipInputGradient() }
  }
}
