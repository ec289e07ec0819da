extension CheckpointFile {
  /// The state of a rank as a checkpoint stores it (see ``CheckpointFile``): every parameter's value, then every
  /// trainable parameter's SGD velocity, in one array.
  public static func state(of network: Network, optimizer: SGD) -> [Float] {
    var state: [Float] = []
    state.reserveCapacity(stateCount(of: network))
    for parameter in network.parameters { state += parameter.value.data }
    for parameter in network.trainableParameters { state += optimizer.velocity(of: parameter).data }
    return state
  }

  /// The values in a state of `network`: its parameters' and its trainable parameters' velocities.
  public static func stateCount(of network: Network) -> Int {
    network.parameters.reduce(0) { $0 + $1.value.count } + velocityCount(of: network)
  }

  /// The values of the velocities at the end of a state of `network`.
  public static func velocityCount(of network: Network) -> Int {
    network.trainableParameters.reduce(0) { $0 + $1.value.count }
  }

  /// Puts `state` (as ``state(of:optimizer:)`` made it) back into the network and the optimizer.
  public static func restore(_ state: [Float], into network: Network, optimizer: SGD) {
    precondition(state.count == stateCount(of: network), "a state of \(state.count) values")
    var offset = 0
    func next(_ shape: [Int]) -> Tensor {
      let count = shape.reduce(1, *)
      defer { offset += count }
      return Tensor(shape: shape, data: Array(state[offset..<offset + count]))
    }
    for parameter in network.parameters { parameter.value = next(parameter.value.shape) }
    for parameter in network.trainableParameters {
      optimizer.setVelocity(next(parameter.value.shape), of: parameter)
    }
  }
}
