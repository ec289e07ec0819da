/// Inputs joined along the channel (first per-sample) dimension, the rest of their shapes equal:
/// darknet's `[route]` of several layers, ONNX's `Concat` on axis 1.
public final class Concatenation: MergeLayer {
  private var output = Tensor.none
  /// Each input's channels, from the last forward pass.
  private var channels: [Int] = []

  /// A concatenation of one or more inputs (one input is a copy: darknet's route of one layer).
  public init() {}

  public var summary: String { "concat" }

  public func problem(with inputShapes: [[Int]]) -> String? {
    guard let first = inputShapes.first else { return "a concatenation needs at least 1 input" }
    guard !first.isEmpty, inputShapes.allSatisfy({ $0.count == first.count && $0.dropFirst() == first.dropFirst() })
    else {
      return "a concatenation needs inputs that differ only in channels, got "
        + inputShapes.map(shapeText).joined(separator: ", ")
    }
    return nil
  }

  public func outputShape(for inputShapes: [[Int]]) -> [Int] {
    [inputShapes.reduce(0) { $0 + $1[0] }] + inputShapes[0].dropFirst()
  }

  public func releaseOutput() { output = .none }

  public func forward(_ inputs: [Tensor], mode: Mode) -> Tensor {
    channels = inputs.map { $0.shape[1] }
    let shape = [inputs[0].batch] + outputShape(for: inputs.map(\.sampleShape))
    output.prepare(shape: shape)
    let inner = shape.dropFirst(2).reduce(1, *)
    let outputSample = shape.dropFirst().reduce(1, *)
    output.data.withMutableBase { y in
      var offset = 0
      for input in inputs {
        let block = input.sampleCount
        input.data.withBase { x in
          for n in 0..<input.batch {
            (y + n * outputSample + offset).update(from: x + n * block, count: block)
          }
        }
        offset += input.shape[1] * inner
      }
    }
    return output
  }

  public func backward(_ outputGradient: Tensor) -> [Tensor] {
    let shape = outputGradient.shape
    let inner = shape.dropFirst(2).reduce(1, *)
    let outputSample = outputGradient.sampleCount
    var offset = 0
    return outputGradient.data.withBase { dy in
      channels.map { count in
        var gradient = Tensor.pooled(shape: [shape[0], count] + shape.dropFirst(2))
        let block = count * inner
        gradient.data.withMutableBase { dx in
          for n in 0..<shape[0] {
            (dx + n * block).update(from: dy + n * outputSample + offset, count: block)
          }
        }
        offset += block
        return gradient
      }
    }
  }
}
