/// The elementwise sum of inputs of one shape: a residual connection, darknet's `[shortcut]`,
/// ONNX's `Add`.
public final class Addition: MergeLayer {
  private var output = Tensor.none
  private var inputCount = 0

  /// An addition of two or more inputs.
  public init() {}

  public var summary: String { "add" }

  public func problem(with inputShapes: [[Int]]) -> String? {
    guard inputShapes.count >= 2 else { return "an addition needs at least 2 inputs, got \(inputShapes.count)" }
    guard Set(inputShapes).count == 1 else {
      return "an addition needs inputs of one shape, got \(inputShapes.map(shapeText).joined(separator: ", "))"
    }
    return nil
  }

  public func outputShape(for inputShapes: [[Int]]) -> [Int] { inputShapes[0] }

  public func forwardFLOPs(for inputShapes: [[Int]]) -> Int {
    (inputShapes.count - 1) * inputShapes[0].reduce(1, *)
  }

  public func releaseOutput() { output = .none }

  public func forward(_ inputs: [Tensor], mode: Mode) -> Tensor {
    output.prepare(shape: inputs[0].shape)
    inputCount = inputs.count
    let (count, shape) = (output.count, output.shape)
    for input in inputs {
      precondition(input.shape == shape, "\(summary): inputs of shapes \(shape) and \(input.shape)")
    }
    output.data.withMutableBase { sum in
      inputs[0].data.withBase { first in copy(first, into: sum, count: count) }
      for input in inputs.dropFirst() {
        input.data.withBase { addend in add(sum, addend, into: sum, count: count) }
      }
    }
    return output
  }

  /// Every input's gradient is the output's: one tensor, shared.
  public func backward(_ outputGradient: Tensor) -> [Tensor] {
    [Tensor](repeating: outputGradient, count: inputCount)
  }
}
