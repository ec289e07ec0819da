/// Nearest-neighbour upsampling of `[C, H, W]` maps by an integer factor (darknet's `upsample`, ONNX's
/// `Resize` in nearest mode with integer scales): each input pixel becomes a `factor × factor` block.
public final class Upsample: Layer {
  /// How many times larger each side becomes.
  public let factor: Int

  private var inputShape: [Int] = []
  private var output = Tensor.none

  /// An upsampling by `factor` on each side.
  public init(factor: Int) {
    precondition(factor > 0, "an upsampling factor must be positive")
    self.factor = factor
  }

  public var summary: String { "upsample \(factor)" }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(inputShape.count == 3, "\(summary) expects [C, H, W] samples, got \(inputShape)")
    return [inputShape[0], inputShape[1] * factor, inputShape[2] * factor]
  }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let shape = outputShape(for: x.sampleShape)
    inputShape = x.shape
    output.prepare(shape: [x.batch] + shape)
    let (planes, h, w, f) = (x.batch * shape[0], x.shape[2], x.shape[3], factor)
    x.data.withBase { xp in
      output.data.withMutableBase { y in
        for p in 0..<planes {
          let (source, target) = (xp + p * h * w, y + p * h * w * f * f)
          for row in 0..<h * f {
            let (sourceRow, targetRow) = (source + row / f * w, target + row * w * f)
            for column in 0..<w * f { targetRow[column] = sourceRow[column / f] }
          }
        }
      }
    }
    return output
  }

  /// Each input pixel's gradient is the sum over its block.
  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    var inputGradient = Tensor.pooledZeros(shape: inputShape)
    let (planes, h, w, f) = (inputShape[0] * inputShape[1], inputShape[2], inputShape[3], factor)
    outputGradient.data.withBase { dy in
      inputGradient.data.withMutableBase { dx in
        for p in 0..<planes {
          let (source, target) = (dy + p * h * w * f * f, dx + p * h * w)
          for row in 0..<h * f {
            let (sourceRow, targetRow) = (source + row * w * f, target + row / f * w)
            for column in 0..<w * f { targetRow[column / f] += sourceRow[column] }
          }
        }
      }
    }
    return inputGradient
  }
}
