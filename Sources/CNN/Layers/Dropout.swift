/// Inverted dropout: in training, each element is zeroed with probability ``rate`` and the others
/// are scaled by 1 / (1 − rate), so that inference is the identity.
public final class Dropout: Layer {
  /// The probability that an element is zeroed in training.
  public let rate: Float
  /// Draws the masks; public so that a test can replay a mask by resetting it.
  public var generator: SeededGenerator

  /// The last training mask: 0 or 1 / (1 − rate) per element.
  private var mask: [Float] = []
  private var output = Tensor.none
  private var trained = false

  /// Dropout of `rate` in [0, 1), its masks drawn from a generator seeded with `seed`.
  public init(rate: Float, seed: UInt64) {
    precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
    self.rate = rate
    generator = SeededGenerator(seed: seed)
  }

  public var summary: String { "dropout \(rate)" }

  public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    trained = mode == .training && rate > 0
    guard trained else { return x }
    let scale = 1 / (1 - rate)
    if mask.count != x.count { mask = [Float](repeating: 0, count: x.count) }
    output.prepare(shape: x.shape)
    mask.withUnsafeMutableBufferPointer { m in
      for i in 0..<m.count { m[i] = generator.nextUnit() < rate ? 0 : scale }
    }
    x.data.withBase { xp in
      mask.withBase { m in
        output.data.withMutableBase { y in multiply(xp, m, into: y, count: x.count) }
      }
    }
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard trained else { return outputGradient }
    precondition(outputGradient.count == mask.count, "\(summary): gradient of shape \(outputGradient.shape)")
    var inputGradient = Tensor.pooled(shape: outputGradient.shape)
    outputGradient.data.withBase { dy in
      mask.withBase { m in
        inputGradient.data.withMutableBase { dx in multiply(dy, m, into: dx, count: outputGradient.count) }
      }
    }
    return inputGradient
  }
}
