/// Max pooling over square windows of each channel of NCHW images.
public final class MaxPool2D: Layer {
  /// The window's side.
  public let kernelSize: Int
  /// The distance between windows.
  public let stride: Int
  /// Positions around each plane that windows may cover but never pick.
  public let padding: Int

  private var output = Tensor.none
  /// Where each output's maximum came from, within its input plane (for `backward`).
  private var indices: [Int32] = []
  private var inputShape: [Int] = []

  /// Windows of `kernelSize`², `stride` apart (default: `kernelSize`, non-overlapping), with
  /// `padding` that never wins the maximum.
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    precondition(kernelSize > 0 && (stride ?? 1) > 0, "pooling sizes must be positive")
    precondition(padding >= 0 && 2 * padding <= kernelSize, "pooling padding must be at most half the window")
    (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
  }

  public var summary: String {
    "maxpool \(kernelSize)x\(kernelSize)" + (stride != kernelSize ? " stride \(stride)" : "")
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
    let planes = x.batch * g.channels
    output.prepare(shape: [x.batch, g.channels, g.outputHeight, g.outputWidth])
    if indices.count != output.count { indices = [Int32](repeating: 0, count: output.count) }
    x.data.withBase { xp in
      output.data.withMutableBase { yp in
        indices.withUnsafeMutableBufferPointer { index in
          maxPoolForward(xp, planes: planes, geometry: g, into: yp, indices: index.baseAddress!)
        }
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
        indices.withUnsafeBufferPointer { index in
          maxPoolBackward(dy, indices: index.baseAddress!, planes: inputShape[0] * g.channels, geometry: g, into: dx)
        }
      }
    }
    return inputGradient
  }
}
