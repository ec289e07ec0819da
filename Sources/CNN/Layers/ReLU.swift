/// `max(x, 0)` element-wise. Keeps its output (its own workspace) for the backward pass.
public final class ReLU: Layer {
  private var output = Tensor.none

  /// A ReLU layer.
  public init() {}

  public var summary: String { "relu" }

  public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    output.prepare(shape: x.shape)
    x.data.withBase { xp in
      output.data.withMutableBase { y in reluForward(xp, into: y, count: x.count) }
    }
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    var inputGradient = Tensor.pooled(shape: output.shape)
    output.data.withBase { y in
      outputGradient.data.withBase { dy in
        inputGradient.data.withMutableBase { dx in
          reluBackward(output: y, gradient: dy, into: dx, count: outputGradient.count)
        }
      }
    }
    return inputGradient
  }
}
