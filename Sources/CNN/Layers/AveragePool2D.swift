/// Average pooling over square windows of each channel of NCHW images; padding counts as zeros
/// (PyTorch's default).
public final class AveragePool2D: PoolingLayer {
  /// The windows: side, stride and padding.
  public let window: PoolingWindow

  private var output = Tensor.none
  private var inputShape: [Int] = []

  public init(window: PoolingWindow) { self.window = window }

  public var summary: String { window.summary("avgpool") }

  public func releaseOutput() { output = .none }

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
    backward(outputGradient, output: output, inputShape: inputShape) { dy, dx, planes, g in
      averagePoolBackward(dy, planes: planes, geometry: g, into: dx)
    }
  }
}
