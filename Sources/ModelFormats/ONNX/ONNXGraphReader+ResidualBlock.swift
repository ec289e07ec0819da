import CNN
import ONNXProto

/// A cnnswift residual block read back from the ONNX nodes it exports to (and the same layers from any
/// exporter): conv3×3 → BatchNormalization → Relu → conv3×3 → BatchNormalization, Add of the shortcut, Relu.
///
/// The block's option-A shortcut (the input subsampled by a strided Slice, its channels zero-padded by a Pad)
/// has no layer of its own in cnnswift, so such a shortcut is read only as part of a whole block. A block with
/// the identity shortcut is read as one ``LayerSpec/residualBlock(outputChannels:stride:)`` too when its layers
/// have the block's exact settings (so a cnnswift ResNet comes back as the same graph), and as separate layers
/// otherwise.
struct ResidualBlockMatch {
  var source: Int
  var outputChannels: Int
  var stride: Int
  /// The five layers' weights in the block's parameter order: conv1, bn1, conv2, bn2.
  var weights: [Tensor]
}

extension ONNXGraphReader {
  /// When the Add `node` ends a residual block (its other input the block's shortcut), removes the block's five
  /// layers and makes the Add's output stand for the block's sum. Returns false when the Add is an ordinary one;
  /// refuses a shortcut Slice or Pad that ends no block.
  mutating func matchResidualBlock(_ node: Onnx_NodeProto) throws(ONNXProblem) -> Bool {
    let operands = [node.input[0], node.input[1]].map { values[$0] }
    let hasShortcut = operands.contains { if case .shortcut? = $0 { true } else { false } }
    let refusal = ONNXProblem(
      "adds a strided Slice or channel Pad of a value: cnnswift reads such a shortcut only in a residual block "
        + "(Conv 3×3, BatchNormalization, Relu, Conv 3×3, BatchNormalization, this Add, then Relu)")
    for (mainIndex, shortcutIndex) in [(0, 1), (1, 0)] {
      guard case .node(let last, _)? = operands[mainIndex] else { continue }
      let shortcut: (source: Int, stride: Int, leading: Int, trailing: Int)
      switch operands[shortcutIndex] {
      case .shortcut(let source, let stride, let leading, let trailing)?: shortcut = (source, stride, leading, trailing)
      case .node(let source, _)?: shortcut = (source, 1, 0, 0)
      default: continue
      }
      if let match = blockMatch(endingAt: last, shortcut: shortcut, add: node) {
        let removed = removeLast(5)
        for index in last - 4...last { forget(index) }
        define(
          node.output[0],
          .residualSum(
            ResidualBlockMatch(
              source: shortcut.source, outputChannels: match, stride: shortcut.stride,
              weights: removed.flatMap(\.weights))))
        return true
      }
    }
    if hasShortcut { throw refusal }
    return false
  }

  /// The block's output channels when the last five nodes, ending at value `last`, are a residual block's layers
  /// over `shortcut`'s source whose values nothing else reads, and the Add's only reader is a Relu.
  private func blockMatch(
    endingAt last: Int, shortcut: (source: Int, stride: Int, leading: Int, trailing: Int), add: Onnx_NodeProto
  ) -> Int? {
    guard last == nodes.count, nodes.count >= 5 else { return nil }
    let chain = Array(nodes.suffix(5))
    let first = last - 4
    guard case .convolution(let conv1) = chain[0].layer,
      case .batchNormalization(let e1, let m1, .pytorch) = chain[1].layer,
      case .activation(.relu) = chain[2].layer, case .convolution(let conv2) = chain[3].layer,
      case .batchNormalization(let e2, let m2, .pytorch) = chain[4].layer
    else { return nil }
    // Each layer reads the one before it, and the first the shortcut's source.
    guard chain[0].inputs == [shortcut.source], (1..<5).allSatisfy({ chain[$0].inputs == [first + $0 - 1] }) else {
      return nil
    }
    let inputs = shapes[shortcut.source][0]
    let outputs = conv1.filters
    let expected = LayerSpec.Convolution(filters: outputs, kernel: 3, stride: shortcut.stride, padding: 1, bias: false)
    var second = expected
    second.stride = 1
    guard conv1 == expected, conv2 == second, outputs >= inputs, shortcut.stride <= 2,
      shortcut.leading == (outputs - inputs) / 2, shortcut.leading + shortcut.trailing == outputs - inputs,
      [e1, e2].allSatisfy({ $0 == 1e-5 }), [m1, m2].allSatisfy({ $0 == 0.1 })
    else { return nil }
    // The block's values are read by the block alone: one name each, read once; the sum only by a Relu.
    for index in first...last {
      guard let aliases = names[index], aliases.count == 1, readers[aliases[0]]?.count == 1 else { return nil }
    }
    guard let sumReaders = readers[add.output[0]], sumReaders.count == 1, sumReaders[0] >= 0,
      onnxNodes[sumReaders[0]].opType == "Relu"
    else { return nil }
    return outputs
  }

  /// The Relu that ends a matched block: the block's node.
  mutating func finishResidualBlock(_ block: ResidualBlockMatch, _ node: Onnx_NodeProto) throws(ONNXProblem) {
    try emit(
      .residualBlock(outputChannels: block.outputChannels, stride: block.stride), inputs: [block.source],
      weights: block.weights, for: node)
  }
}
