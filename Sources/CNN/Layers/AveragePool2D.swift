/// Average pooling over square windows of each channel of NCHW images; padding counts as zeros
/// (PyTorch's default).
public final class AveragePool2D: PoolingLayer {
  /// The windows: side, stride and padding.
  public let window: PoolingWindow

  private var output = Tensor.none
  private var inputShape: [Int] = []

  /// Windows of `kernelSize`², `stride` apart (default: `kernelSize`, non-overlapping).
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    window = PoolingWindow(kernelSize: kernelSize, stride: stride, padding: padding)
  }

  public var summary: String { window.summary("avgpool") }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let g = geometry(for: x.sampleShape)
    output.prepare(shape: [x.batch, g.channels, g.outputHeight, g.outputWidth])
    x.data.withBase { xp in
      output.data.withMutableBase { yp in
        averagePoolForward(xp, planes: x.batch * g.channels, geometry: g, into: yp)
      }
    }
    inputShape = x.shape
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    let g = geometry(for: Array(inputShape.dropFirst()))
    var inputGradient = Tensor.pooledZeros(shape: inputShape)
    outputGradient.data.withBase { dy in
      inputGradient.data.withMutableBase { dx in
        averagePoolBackward(dy, planes: inputShape[0] * g.channels, geometry: g, into: dx)
      }
    }
    return inputGradient
  }
}
