#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// An element-wise activation: ReLU `max(x, 0)`, leaky ReLU (`x` above 0, `slope · x` below, darknet's
/// `leaky` with slope 0.1) or the logistic sigmoid `1 / (1 + e⁻ˣ)` (darknet's `logistic`). Keeps its output
/// (its own workspace) for the backward pass: each derivative is a function of the output.
public final class Activation: Layer {
  /// What the layer computes.
  public enum Function: Sendable, Equatable, Codable {
    case relu
    /// `slope` ≥ 0, so that the output's sign is the input's.
    case leakyReLU(slope: Float)
    case sigmoid
  }

  /// What the layer computes.
  public let function: Function
  private var output = Tensor.none

  /// An activation computing `function`.
  public init(_ function: Function) {
    if case .leakyReLU(let slope) = function {
      precondition(slope >= 0 && slope.isFinite, "a leaky ReLU's slope must be finite and not negative")
    }
    self.function = function
  }

  public var summary: String {
    switch function {
    case .relu: "relu"
    case .leakyReLU(let slope): "leaky \(slope)"
    case .sigmoid: "sigmoid"
    }
  }

  public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    output.prepare(shape: x.shape)
    let count = x.count
    x.data.withBase { xp in
      output.data.withMutableBase { y in
        switch function {
        case .relu: reluForward(xp, into: y, count: count)
        case .leakyReLU(let slope): for i in 0..<count { y[i] = xp[i] > 0 ? xp[i] : slope * xp[i] }
        case .sigmoid: for i in 0..<count { y[i] = 1 / (1 + expf(-xp[i])) }
        }
      }
    }
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    var inputGradient = Tensor.pooled(shape: output.shape)
    let count = outputGradient.count
    output.data.withBase { y in
      outputGradient.data.withBase { dy in
        inputGradient.data.withMutableBase { dx in
          switch function {
          case .relu: reluBackward(output: y, gradient: dy, into: dx, count: count)
          case .leakyReLU(let slope): for i in 0..<count { dx[i] = y[i] > 0 ? dy[i] : slope * dy[i] }
          case .sigmoid: for i in 0..<count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
          }
        }
      }
    }
    return inputGradient
  }
}
