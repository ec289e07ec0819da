/// A model: a directed acyclic graph of layers applied to samples of a fixed shape, with named
/// parameters.
///
/// A chain of layers is the simplest graph; branches meet in ``MergeLayer``s (an addition, a
/// concatenation). The nodes are in evaluation order (see ``NetworkNode``). The network names its
/// nodes' parameters `"<index>.<kind>.<name>"` (`0.conv.weight`, `3.batchnorm.running_var`,
/// `5.residual.conv1.weight`), so that a model file can list them; a layer belongs to one network.
/// It also tells each trainable layer that reads no back-propagated value that nobody reads its
/// input gradient (``Layer/skipInputGradient()``).
public final class Network {
  /// One line of ``summary``: a node and what it costs per sample.
  public struct LayerInfo: Sendable, Hashable {
    /// The node's position in the network (the first part of its parameters' names).
    public var index: Int
    /// The layer's ``Layer/summary``.
    public var summary: String
    /// The shape of one output sample.
    public var outputShape: [Int]
    /// Trainable elements (weights and biases, not running statistics).
    public var parameterCount: Int
    /// Forward FLOPs (2 × multiply-adds) for one sample.
    public var flops: Int
  }

  /// The nodes, in evaluation order.
  public let nodes: [NetworkNode]
  /// The shape of one input sample, `[C, H, W]` or `[F]`.
  public let inputShape: [Int]
  /// The nodes whose outputs are the network's, the first one the one training's loss reads.
  public let outputNodes: [Int]
  /// The shape of one sample of the first output (`[classes]` for a classifier).
  public let outputShape: [Int]
  /// Every parameter, trainable or not, in node order.
  public let parameters: [Parameter]
  /// The shape of one sample of each output, in ``outputNodes``' order.
  public var outputShapes: [[Int]] { outputNodes.map { layerInfo[$0].outputShape } }
  /// Per node: shapes, parameters and FLOPs.
  public let layerInfo: [LayerInfo]

  /// A chain: `layers` applied in order to samples of `inputShape`; stops with the offending
  /// layer if the shapes do not chain.
  public convenience init(layers: Sequential, inputShape: [Int]) {
    let nodes = layers.layers.enumerated().map {
      NetworkNode(name: "\($0.offset)", layer: $0.element, input: $0.offset)
    }
    do {
      try self.init(nodes: nodes, inputShape: inputShape)
    } catch {
      preconditionFailure("\(error)")
    }
  }

  /// The graph of `nodes` for samples of `inputShape`, whose outputs are `outputs` (node indices;
  /// by default the last node).
  ///
  /// Throws when a node reads a value not yet computed, two nodes share a name, a merge's inputs
  /// do not fit together, or a layer appears twice.
  public init(nodes: [NetworkNode], inputShape: [Int], outputs: [Int]? = nil) throws(NetworkGraphError) {
    let outputs = outputs ?? [nodes.count - 1]
    try NetworkGraphError.check(nodes: nodes, outputs: outputs)
    self.nodes = nodes
    self.inputShape = inputShape
    outputNodes = outputs
    var shapes = [inputShape]
    var info: [LayerInfo] = []
    for (index, node) in nodes.enumerated() {
      let inputShapes = node.inputs.map { shapes[$0] }
      if let problem = node.operation.problem(with: inputShapes) {
        throw NetworkGraphError(node: index, name: node.name, problem: problem)
      }
      let flops = node.operation.forwardFLOPs(for: inputShapes)
      let shape = node.operation.outputShape(for: inputShapes)
      shapes.append(shape)
      let prefix = "\(index).\(node.operation.kind)."
      for parameter in node.operation.parameters where !parameter.name.hasPrefix(prefix) {
        parameter.name = prefix + parameter.name
      }
      let count = node.operation.parameters.filter(\.isTrainable).reduce(0) { $0 + $1.value.count }
      info.append(
        LayerInfo(
          index: index, summary: node.operation.summary, outputShape: shape, parameterCount: count, flops: flops))
    }
    outputShape = shapes[outputs[0] + 1]
    layerInfo = info
    parameters = nodes.flatMap(\.operation.parameters)
    guard Set(parameters.map { ObjectIdentifier($0) }).count == parameters.count else {
      throw NetworkGraphError(node: nil, name: nil, problem: "a layer or parameter appears twice in the network")
    }
    (backPropagates, releasedAfter) = Self.plan(nodes: nodes, outputs: outputs)
  }

  /// Per node, whether back-propagation runs through it: it has trainable parameters, or reads a
  /// value that depends on some.
  private let backPropagates: [Bool]
  /// Per node, the values nobody reads after it (outputs excepted), which inference lets go.
  private let releasedAfter: [[Int]]

  private static func plan(nodes: [NetworkNode], outputs: [Int]) -> ([Bool], [[Int]]) {
    var backPropagates: [Bool] = []
    var lastReader = [Int](repeating: -1, count: nodes.count + 1)
    for (index, node) in nodes.enumerated() {
      let readsTrainable = node.inputs.contains { $0 > 0 && backPropagates[$0 - 1] }
      let trainable = node.operation.parameters.contains(where: \.isTrainable)
      backPropagates.append(readsTrainable || trainable)
      // The first trainable layers of each path: nobody reads their input gradient.
      if trainable && !readsTrainable { node.operation.skipInputGradient() }
      for value in node.inputs { lastReader[value] = index }
    }
    for output in outputs { lastReader[output + 1] = nodes.count }
    var releasedAfter = [[Int]](repeating: [], count: nodes.count)
    for (value, reader) in lastReader.enumerated() where nodes.indices.contains(reader) {
      releasedAfter[reader].append(value)
    }
    return (backPropagates, releasedAfter)
  }

  /// The trainable parameters (what the optimizer updates and gradients are averaged over).
  public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }

  /// Trainable elements of the whole network.
  public var parameterCount: Int { layerInfo.reduce(0) { $0 + $1.parameterCount } }

  /// Forward FLOPs (2 × multiply-adds of convolutions and dense layers) for one sample.
  public var forwardFLOPs: Int { layerInfo.reduce(0) { $0 + $1.flops } }

  /// The first output (the logits of a classifier) of a batch `[N] + inputShape`.
  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    forwardOutputs(input, mode: mode)[0]
  }

  /// Every output, in ``outputNodes``' order, of a batch `[N] + inputShape`.
  public func forwardOutputs(_ input: Tensor, mode: Mode) -> [Tensor] {
    precondition(
      input.shape.count == inputShape.count + 1 && input.sampleShape == inputShape,
      "the network expects [N] + \(inputShape) inputs, got \(input.shape)")
    var values = [Tensor?](repeating: nil, count: nodes.count + 1)
    values[0] = input
    let scratch = Scratch.current
    // Inference keeps no large layer output past its last reader: the layer lets go of it, and its storage goes
    // to the thread's pool, where a later layer's output of the same size takes it (the caller's input and the
    // outputs excepted; storage still shared with another value is merely copied on its next write). Small ones
    // stay with their layers, where the pool's bookkeeping would cost more than their memory (LeNet: 7 %).
    func recycles(_ value: Tensor) -> Bool { mode == .inference && value.count >= Self.recycledValues }
    // Inference runs each chain of a convolution and the layers its epilogue absorbs as one pass.
    let fusion = mode == .inference ? inferenceFusion : nil
    for (index, node) in nodes.enumerated() {
      if let run = fusion?.runs[index] {
        values[run.last + 1] = run.run(values[node.inputs[0]]!)
      } else if let chain = fusion?.chains[index] {
        let output = chain.run(values[node.inputs[0]]!, values: values)
        if recycles(output) { node.operation.releaseOutput() }
        values[chain.last + 1] = output
      } else if fusion?.absorbed[index] != true {
        let output = node.operation.forward(node.inputs.map { values[$0]! }, mode: mode)
        if recycles(output) { node.operation.releaseOutput() }
        values[index + 1] = output
      }
      // A value nobody reads any more is let go, so that a deep graph holds only the live ones.
      for value in releasedAfter[index] {
        let released = values[value]
        values[value] = nil
        if value > 0, var released, recycles(released) { scratch.recycleOutput(&released) }
      }
    }
    return outputNodes.map { values[$0 + 1]! }
  }

  /// The chains of nodes inference runs as one convolution each (the graph never changes, so neither do they).
  private lazy var inferenceFusion = InferenceFusion(nodes: nodes, outputs: outputNodes)

  /// The fewest values (64 KiB) of a layer output that inference recycles (see ``forwardOutputs(_:mode:)``).
  static let recycledValues = 16_384

  /// Back-propagates dLoss/dOutput (of the first output) of the last training forward pass,
  /// adding every trainable parameter's gradient into `Parameter.gradient`.
  ///
  /// `layerFinished(i)` is called once node `i`'s gradients are complete, last node first, so
  /// that a caller can start reducing them while earlier nodes still back-propagate.
  public func backward(_ outputGradient: Tensor, layerFinished: ((Int) -> Void)? = nil) {
    // dLoss/d(node k's output), filled in as its readers back-propagate.
    var gradients = [Tensor?](repeating: nil, count: nodes.count)
    gradients[outputNodes[0]] = outputGradient
    for index in nodes.indices.reversed() where backPropagates[index] {
      defer { layerFinished?(index) }
      guard var gradient = gradients[index] else { continue }  // feeds no loss: its gradients stay zero
      gradients[index] = nil
      let node = nodes[index]
      let inputGradients = node.operation.backward(gradient)
      for (slot, value) in node.inputs.enumerated() where value > 0 && backPropagates[value - 1] {
        Self.accumulate(inputGradients[slot], into: &gradients[value - 1])
      }
      // The consumed gradient's storage goes back to the thread's pool for the next node's
      // gradient, rather than to malloc (fresh pages fault on every use).
      if index != outputNodes[0] { Scratch.current.recycle(&gradient, unlessSharedWith: inputGradients) }
    }
  }

  /// Adds `gradient` into `total` (a value read by several nodes gets the sum of their gradients).
  private static func accumulate(_ gradient: Tensor, into total: inout Tensor?) {
    guard total != nil else {
      total = gradient
      return
    }
    precondition(total!.shape == gradient.shape, "gradients of shapes \(total!.shape) and \(gradient.shape)")
    let count = gradient.count
    total!.data.withMutableBase { sum in
      gradient.data.withBase { addend in add(sum, addend, into: sum, count: count) }
    }
  }

  /// Sets every gradient to zero, before the next batch.
  public func zeroGradients() {
    for parameter in parameters where parameter.isTrainable { parameter.gradient.zero() }
  }

  /// The most values (per sample) alive at once in ``forwardOutputs(_:mode:)``, the input included: each node's
  /// output is held until its last reader has run.
  public var peakLiveValues: Int {
    func size(_ value: Int) -> Int { (value == 0 ? inputShape : layerInfo[value - 1].outputShape).reduce(1, *) }
    var (live, peak) = (size(0), size(0))
    for index in nodes.indices {
      live += size(index + 1)
      peak = max(peak, live)
      live -= releasedAfter[index].reduce(0) { $0 + size($1) }
    }
    return peak
  }
}

/// `61706` as `61,706`.
func grouped(_ value: Int) -> String {
  let digits = String(value.magnitude)
  var result = ""
  for (offset, digit) in digits.enumerated() {
    if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
    result.append(digit)
  }
  return value < 0 ? "-" + result : result
}

/// `[4, 13, 13]` as `4x13x13`.
func shapeText(_ shape: [Int]) -> String {
  shape.map(String.init).joined(separator: "x")
}
