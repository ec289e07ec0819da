/// The mean of each channel over its plane: `[N, C, H, W]` to `[N, C]`, before a ResNet's classifier.
public final class GlobalAveragePool: Layer {
  private var output = Tensor.none
  private var inputShape: [Int] = []

  /// A global average pooling layer.
  public init() {}

  public var summary: String { "gap" }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(inputShape.count == 3, "\(summary) expects [C, H, W] samples, got \(inputShape)")
    return [inputShape[0]]
  }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let channels = outputShape(for: x.sampleShape)[0]
    let plane = x.shape[2] * x.shape[3]
    let scale = 1 / Float(plane)
    output.prepare(shape: [x.batch, channels])
    x.data.withBase { xp in
      output.data.withMutableBase { y in
        for p in 0..<x.batch * channels { y[p] = sum(xp + p * plane, count: plane) * scale }
      }
    }
    inputShape = x.shape
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    let plane = inputShape[2] * inputShape[3]
    let scale = 1 / Float(plane)
    var inputGradient = Tensor.pooled(shape: inputShape)
    outputGradient.data.withBase { dy in
      inputGradient.data.withMutableBase { dx in
        for p in 0..<outputGradient.count { fill(dx + p * plane, with: dy[p] * scale, count: plane) }
      }
    }
    return inputGradient
  }
}
