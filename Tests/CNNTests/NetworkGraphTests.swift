import Testing

@testable import CNN

/// A network seen as a layer, so that ``checkGradients`` can check every parameter's gradient
/// through the whole graph (the network returns no input gradient, so only parameters are checked).
private final class WholeNetwork: Layer {
  let network: Network
  init(_ network: Network) { self.network = network }
  var summary: String { "network" }
  var parameters: [Parameter] { network.parameters }
  func outputShape(for inputShape: [Int]) -> [Int] { network.outputShape }
  func forward(_ input: Tensor, mode: Mode) -> Tensor { network.forward(input, mode: mode) }
  func backward(_ outputGradient: Tensor) -> Tensor {
    network.backward(outputGradient)
    return Tensor(shape: [0])
  }
}

@Suite struct NetworkGraphTests {
  /// input → conv a → leaky branch; input → conv b; a + b → concat with a → dense: a fan-out, an
  /// addition and a concatenation, each value read twice.
  static func branchingNetwork(seed: UInt64) throws -> Network {
    var generator = SeededGenerator(seed: seed)
    let a = Convolution2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, generator: &generator)
    let b = Convolution2D(inputChannels: 2, outputChannels: 3, kernelSize: 1, generator: &generator)
    let out = Dense(inputs: 6 * 4 * 4, outputs: 5, generator: &generator)
    let nodes = [
      NetworkNode(name: "a", layer: a, input: 0),
      NetworkNode(name: "b", layer: b, input: 0),
      NetworkNode(name: "sum", merge: Addition(), inputs: [1, 2]),
      NetworkNode(name: "joined", merge: Concatenation(), inputs: [3, 1]),
      NetworkNode(name: "flat", layer: Flatten(), input: 4),
      NetworkNode(name: "out", layer: out, input: 5),
    ]
    return try Network(nodes: nodes, inputShape: [2, 4, 4])
  }

  @Test func gradientsFlowThroughBranchesAndMerges() throws {
    let network = try Self.branchingNetwork(seed: 3)
    #expect(network.layerInfo.map(\.outputShape) == [[3, 4, 4], [3, 4, 4], [3, 4, 4], [6, 4, 4], [96], [5]])
    #expect(network.parameterCount == (2 * 9 * 3 + 3) + (2 * 3 + 3) + (96 * 5 + 5))
    checkGradients(WholeNetwork(network), input: randomTensor([2, 2, 4, 4], seed: 5), checkInput: false)
  }

  @Test func theMergesAreGradientChecked() {
    let a = randomTensor([2, 3, 2, 2], seed: 1)
    let b = randomTensor([2, 1, 2, 2], seed: 2)
    for merge in [Addition(), Concatenation()] as [any MergeLayer] {
      let inputs = merge is Addition ? [a, randomTensor(a.shape, seed: 4)] : [a, b]
      let output = merge.forward(inputs, mode: .training)
      let weights = randomTensor(output.shape, seed: 9)
      let gradients = merge.backward(weights)
      // Both merges are linear: dLoss/dInput is exactly the part of the weights each input meets.
      for (slot, input) in inputs.enumerated() {
        var numeric: [Float] = []
        for i in 0..<input.count {
          var shifted = inputs
          shifted[slot].data[i] += 1
          let changed = merge.forward(shifted, mode: .training)
          numeric.append(zip(zip(changed.data, output.data), weights.data).reduce(0) { $0 + ($1.0.0 - $1.0.1) * $1.1 })
        }
        #expect(gradients[slot].shape == input.shape)
        #expect(zip(gradients[slot].data, numeric).allSatisfy { abs($0 - $1) < 1e-4 }, "\(merge.summary) input \(slot)")
      }
    }
  }

  /// Inference lets go of each large layer output and recycles its storage for later layers: passes on other
  /// inputs in between, and training passes, change nothing in what a pass gives (the outputs the caller kept
  /// included). The batches make the convolutions' outputs large enough to be recycled, the dense layer's not.
  @Test func inferenceRecyclesLayerOutputsWithoutChangingResults() throws {
    let network = try Self.branchingNetwork(seed: 3)
    let fresh = try Self.branchingNetwork(seed: 3)
    let (x, y) = (randomTensor([400, 2, 4, 4], seed: 6), randomTensor([350, 2, 4, 4], seed: 7))
    #expect(350 * 3 * 4 * 4 >= Network.recycledValues && 400 * 5 < Network.recycledValues)
    let first = network.forward(x, mode: .inference)
    #expect(first == fresh.forward(x, mode: .inference))
    var kept: [Tensor] = []
    for _ in 0..<3 {
      kept.append(network.forward(y, mode: .inference))
      kept.append(network.forward(x, mode: .inference))
      _ = network.forward(x, mode: .training)
    }
    let second = fresh.forward(y, mode: .inference)
    #expect(kept.enumerated().allSatisfy { $0.element == ($0.offset % 2 == 0 ? second : first) })
  }

  /// A released inference output serves the next request it can hold, of any size: shortened or lengthened in place.
  @Test func releasedOutputsServeRequestsOfOtherSizes() {
    let scratch = Scratch()
    var big = Tensor(shape: [1000], repeating: 1)
    scratch.recycleOutput(&big)
    #expect(big.count == 0)
    let small = scratch.takeArray(count: 600)
    #expect(small.count == 600 && small.capacity >= 1000)
    var back = Tensor(shape: [600], data: small)
    scratch.recycleOutput(&back)
    let grown = scratch.takeArray(count: 900)
    #expect(grown.count == 900 && grown.capacity >= 1000)
    #expect(scratch.takeArray(count: 10).capacity < 1000)  // nothing left to take: a new array
  }

  @Test func concatenationJoinsChannelsInInputOrder() {
    let a = Tensor(shape: [1, 1, 1, 2], data: [1, 2])
    let b = Tensor(shape: [1, 2, 1, 2], data: [3, 4, 5, 6])
    let joined = Concatenation().forward([b, a], mode: .inference)
    #expect(joined.shape == [1, 3, 1, 2] && joined.data == [3, 4, 5, 6, 1, 2])
    #expect(Addition().forward([a, a, a], mode: .inference).data == [3, 6])
  }

  @Test func aChainIsTheSameNetworkAsBefore() throws {
    // The Sequential initializer builds a chain graph: node k reads node k − 1.
    let network = Architecture.lenet.build(inputShape: [1, 28, 28], seed: 7)
    #expect(network.nodes.enumerated().allSatisfy { $0.element.inputs == [$0.offset] })
    #expect(network.outputNodes == [network.nodes.count - 1])
    #expect(network.parameters.first?.name == "0.conv.weight")
  }

  @Test func twoOutputsAreBothComputed() throws {
    var generator = SeededGenerator(seed: 1)
    let nodes = [
      NetworkNode(name: "flat", layer: Flatten(), input: 0),
      NetworkNode(name: "head1", layer: Dense(inputs: 4, outputs: 2, generator: &generator), input: 1),
      NetworkNode(name: "head2", layer: Dense(inputs: 4, outputs: 3, generator: &generator), input: 1),
    ]
    let network = try Network(nodes: nodes, inputShape: [1, 2, 2], outputs: [2, 1])
    let outputs = network.forwardOutputs(randomTensor([5, 1, 2, 2], seed: 2), mode: .inference)
    #expect(outputs.map(\.shape) == [[5, 3], [5, 2]])
    #expect(network.outputShape == [3])
    // Training's loss reads the first output only: the other head's gradients stay zero.
    _ = network.forward(randomTensor([5, 1, 2, 2], seed: 2), mode: .training)
    network.zeroGradients()
    var finished: [Int] = []
    network.backward(randomTensor([5, 3], seed: 3)) { finished.append($0) }
    #expect(finished == [2, 1])
    #expect(network.parameters[0].gradient.data.allSatisfy { $0 == 0 })
    #expect(network.parameters[2].gradient.data.contains { $0 != 0 })
  }

  @Test(arguments: [
    (
      [[1], [0]],
      "node 0 (a): reads node 0's output, which is not computed before it (nodes must be in evaluation order)"
    ),
    ([[0], [-1]], "node 1 (b): reads value -1, which does not exist"),
    ([[0], [1, 1]], "node 1 (b): a layer of one input is given 2"),
  ])
  func badWiringIsNamed(inputs: [[Int]], expected: String) {
    let nodes = zip(["a", "b"], inputs).map { NetworkNode(name: $0, operation: .layer(Activation(.relu)), inputs: $1) }
    #expect(throws: NetworkGraphError.self) { try Network(nodes: nodes, inputShape: [4]) }
    do {
      _ = try Network(nodes: nodes, inputShape: [4])
    } catch {
      #expect(error.description == expected)
    }
  }

  @Test func badMergesAndNamesAreNamed() {
    let add = [
      NetworkNode(name: "flat", layer: Flatten(), input: 0),
      NetworkNode(name: "sum", merge: Addition(), inputs: [0, 1]),
    ]
    #expect(
      throws: NetworkGraphError(node: 1, name: "sum", problem: "an addition needs inputs of one shape, got 1x2x2, 4")
    ) {
      try Network(nodes: add, inputShape: [1, 2, 2])
    }
    let twice = [
      NetworkNode(name: "x", layer: Activation(.relu), input: 0),
      NetworkNode(name: "x", layer: Activation(.relu), input: 1),
    ]
    #expect(throws: NetworkGraphError(node: 1, name: "x", problem: "node 0 has the same name")) {
      try Network(nodes: twice, inputShape: [4])
    }
    let relu = Activation(.relu)
    let shared = [NetworkNode(name: "x", layer: relu, input: 0), NetworkNode(name: "y", layer: relu, input: 1)]
    #expect(throws: NetworkGraphError(node: 1, name: "y", problem: "node 0 has the same layer object")) {
      try Network(nodes: shared, inputShape: [4])
    }
  }
}
