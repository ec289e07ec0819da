/// Average pooling over square windows of each channel of NCHW images; padding counts as zeros
/// (PyTorch's default).
public final class AveragePool2D: Layer {
  /// The window's side.
  public let kernelSize: Int
  /// The distance between windows.
  public let stride: Int
  /// Zeros around each plane, counted in the averages.
  public let padding: Int

  private var output = Tensor.none
  private var inputShape: [Int] = []

  /// Windows of `kernelSize`², `stride` apart (default: `kernelSize`, non-overlapping).
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    precondition(kernelSize > 0 && (stride ?? 1) > 0, "pooling sizes must be positive")
    precondition(padding >= 0 && 2 * padding <= kernelSize, "pooling padding must be at most half the window")
    (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
  }

  public var summary: String {
    "avgpool \(kernelSize)x\(kernelSize)" + (stride != kernelSize ? " stride \(stride)" : "")
      + (padding != 0 ? " pad \(padding)" : "")
  }

  func geometry(for sampleShape: [Int]) -> WindowGeometry {
    precondition(sampleShape.count == 3, "\(summary) expects [C, H, W] samples, got \(sampleShape)")
    let g = WindowGeometry(
      channels: sampleShape[0], height: sampleShape[1], width: sampleShape[2], kernelHeight: kernelSize,
      kernelWidth: kernelSize, stride: stride, padding: padding)
    precondition(g.outputHeight > 0 && g.outputWidth > 0, "\(summary) does not fit a \(sampleShape) input")
    return g
  }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    let g = geometry(for: inputShape)
    return [g.channels, g.outputHeight, g.outputWidth]
  }

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
