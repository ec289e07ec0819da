#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Softmax across the channels of each position (`[C, H, W]` samples) or across the features (`[F]`):
/// ONNX's `Softmax` on axis 1 and darknet's `softmax` layer, for models whose output is probabilities.
/// (Training ends in ``SoftmaxCrossEntropy``, which takes the logits before such a layer.)
public final class Softmax: Layer {
  private var output = Tensor.none

  /// A softmax layer.
  public init() {}

  public var summary: String { "softmax" }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(!inputShape.isEmpty, "softmax needs samples of at least one dimension")
    return inputShape
  }

  /// Channels (the first dimension of a sample) and the positions each spans (the rest).
  private func layout(_ shape: [Int]) -> (channels: Int, positions: Int) {
    let channels = shape[1]
    return (channels, shape.dropFirst(2).reduce(1, *))
  }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    output.prepare(shape: x.shape)
    let (channels, positions) = layout(x.shape)
    x.data.withBase { xp in
      output.data.withMutableBase { y in
        for n in 0..<x.batch {
          for position in 0..<positions {
            let first = n * channels * positions + position
            var largest = -Float.infinity
            for c in 0..<channels { largest = max(largest, xp[first + c * positions]) }
            var total: Float = 0
            for c in 0..<channels {
              let e = expf(xp[first + c * positions] - largest)
              y[first + c * positions] = e
              total += e
            }
            for c in 0..<channels { y[first + c * positions] /= total }
          }
        }
      }
    }
    return output
  }

  /// `dx = y · (dy − Σ dy · y)` across the channels of each position.
  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    var inputGradient = Tensor.pooled(shape: output.shape)
    let (channels, positions) = layout(output.shape)
    output.data.withBase { y in
      outputGradient.data.withBase { dy in
        inputGradient.data.withMutableBase { dx in
          for n in 0..<output.batch {
            for position in 0..<positions {
              let first = n * channels * positions + position
              var dot: Float = 0
              for c in 0..<channels { dot += dy[first + c * positions] * y[first + c * positions] }
              for c in 0..<channels {
                let k = first + c * positions
                dx[k] = y[k] * (dy[k] - dot)
              }
            }
          }
        }
      }
    }
    return inputGradient
  }
}
