/// Why nodes do not make a network: a node reads a value not computed before it, two nodes share
/// a name or a layer object, a merge's inputs do not fit, or an output is no node.
public struct NetworkGraphError: Error, Equatable, CustomStringConvertible {
  /// The offending node's index, when one node is at fault.
  public var node: Int?
  /// The offending node's name.
  public var name: String?
  /// What is wrong, in words.
  public var problem: String

  public var description: String {
    guard let node else { return problem }
    return "node \(node) (\(name ?? "")): \(problem)"
  }

  /// Checks the nodes' wiring and that no layer object serves two nodes.
  static func check(nodes: [NetworkNode], outputs: [Int]) throws(NetworkGraphError) {
    try checkWiring(names: nodes.map(\.name), inputs: nodes.map(\.inputs), outputs: outputs)
    var layers: [ObjectIdentifier: Int] = [:]
    for (index, node) in nodes.enumerated() {
      // A layer keeps what its last forward pass saw, so one object cannot serve two nodes.
      if let earlier = layers.updateValue(index, forKey: node.operation.identity) {
        throw NetworkGraphError(node: index, name: node.name, problem: "node \(earlier) has the same layer object")
      }
    }
  }

  /// Checks a graph's wiring, given each node's name and inputs: every input is the graph's input or an earlier
  /// node's output, names are unique, and the outputs are nodes.
  static func checkWiring(names: [String], inputs: [[Int]], outputs: [Int]) throws(NetworkGraphError) {
    guard !names.isEmpty else { throw NetworkGraphError(problem: "the network has no nodes") }
    var seen: [String: Int] = [:]
    for (index, (name, nodeInputs)) in zip(names, inputs).enumerated() {
      if let earlier = seen.updateValue(index, forKey: name) {
        throw NetworkGraphError(node: index, name: name, problem: "node \(earlier) has the same name")
      }
      guard !nodeInputs.isEmpty else { throw NetworkGraphError(node: index, name: name, problem: "no inputs") }
      for value in nodeInputs where value < 0 || value > index {
        let problem =
          value < 0
          ? "reads value \(value), which does not exist"
          : "reads node \(value - 1)'s output, which is not computed before it (nodes must be in evaluation order)"
        throw NetworkGraphError(node: index, name: name, problem: problem)
      }
    }
    guard !outputs.isEmpty else { throw NetworkGraphError(problem: "the network has no outputs") }
    for output in outputs where !names.indices.contains(output) {
      throw NetworkGraphError(problem: "output \(output) is not a node (the network has \(names.count))")
    }
  }

  init(node: Int? = nil, name: String? = nil, problem: String) {
    (self.node, self.name, self.problem) = (node, name, problem)
  }
}
