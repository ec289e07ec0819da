extension CheckpointFile {
  /// The state of a rank as a checkpoint stores it (see ``CheckpointFile``): every parameter's value, then every
  /// trainable parameter's optimizer state, in one array.
  public static func state(of network: Network, optimizer: any Optimizer) -> [Float] {
    var state: [Float] = []
    state.reserveCapacity(stateCount(of: network, optimizer: optimizer))
    for parameter in network.parameters { state += parameter.value.data }
    for parameter in network.trainableParameters { state += optimizer.state(of: parameter) }
    return state
  }

  /// The values in a state of `network` trained by `optimizer`: its parameters' and its optimizer's.
  public static func stateCount(of network: Network, optimizer: any Optimizer) -> Int {
    network.parameters.reduce(0) { $0 + $1.value.count } + optimizerStateCount(of: network, optimizer: optimizer)
  }

  /// The values of the optimizer's state at the end of a state of `network`.
  public static func optimizerStateCount(of network: Network, optimizer: any Optimizer) -> Int {
    network.trainableParameters.reduce(0) { $0 + $1.value.count } * optimizer.stateValuesPerValue
  }

  /// Puts `state` (as ``state(of:optimizer:)`` made it) back into the network and the optimizer.
  public static func restore(_ state: [Float], into network: Network, optimizer: any Optimizer) {
    precondition(state.count == stateCount(of: network, optimizer: optimizer), "a state of \(state.count) values")
    var offset = 0
    func next(_ count: Int) -> ArraySlice<Float> {
      defer { offset += count }
      return state[offset..<offset + count]
    }
    for parameter in network.parameters {
      parameter.value = Tensor(shape: parameter.value.shape, data: Array(next(parameter.value.count)))
    }
    for parameter in network.trainableParameters {
      optimizer.setState(next(parameter.value.count * optimizer.stateValuesPerValue), of: parameter)
    }
  }
}
