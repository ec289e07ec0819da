/// The square windows a pooling layer slides over each channel of NCHW images: their side, the
/// distance between them, and the padding around each plane. Shared by ``MaxPool2D`` and
/// ``AveragePool2D``, which differ only in what they compute inside a window.
public struct PoolingWindow: Sendable, Equatable {
  /// The window's side.
  public let kernelSize: Int
  /// The distance between windows.
  public let stride: Int
  /// Positions around each plane that windows may cover.
  public let padding: Int

  /// Windows of `kernelSize`², `stride` apart (default: `kernelSize`, non-overlapping).
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    precondition(kernelSize > 0 && (stride ?? 1) > 0, "pooling sizes must be positive")
    precondition(padding >= 0 && 2 * padding <= kernelSize, "pooling padding must be at most half the window")
    (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
  }

  /// `maxpool 2x2`, `avgpool 3x3 stride 2 pad 1`, for the layer named `name`.
  func summary(_ name: String) -> String {
    "\(name) \(kernelSize)x\(kernelSize)" + (stride != kernelSize ? " stride \(stride)" : "")
      + (padding != 0 ? " pad \(padding)" : "")
  }

  /// The kernels' description of the windows over samples of `sampleShape` (`[C, H, W]`);
  /// `layer` names the layer in the precondition messages.
  func geometry(for sampleShape: [Int], layer: String) -> WindowGeometry {
    precondition(sampleShape.count == 3, "\(layer) expects [C, H, W] samples, got \(sampleShape)")
    let g = WindowGeometry(
      channels: sampleShape[0], height: sampleShape[1], width: sampleShape[2], kernelHeight: kernelSize,
      kernelWidth: kernelSize, stride: stride, padding: padding)
    precondition(g.outputHeight > 0 && g.outputWidth > 0, "\(layer) does not fit a \(sampleShape) input")
    return g
  }

  /// The output sample shape `[C, Ho, Wo]` for samples of `sampleShape`.
  func outputShape(for sampleShape: [Int], layer: String) -> [Int] {
    let g = geometry(for: sampleShape, layer: layer)
    return [g.channels, g.outputHeight, g.outputWidth]
  }
}

/// A pooling layer (``MaxPool2D``, ``AveragePool2D``): what it computes inside its windows is its
/// own; the windows, their geometry and the output shape come from its ``PoolingWindow``.
public protocol PoolingLayer: Layer {
  /// The windows: side, stride and padding.
  var window: PoolingWindow { get }
  /// A layer sliding `window`.
  init(window: PoolingWindow)
}

extension PoolingLayer {
  /// Windows of `kernelSize`², `stride` apart (default: `kernelSize`, non-overlapping), with `padding` around
  /// each plane (zeros for ``AveragePool2D``; for ``MaxPool2D`` it never wins the maximum).
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    self.init(window: PoolingWindow(kernelSize: kernelSize, stride: stride, padding: padding))
  }

  public var kernelSize: Int { window.kernelSize }
  public var stride: Int { window.stride }
  public var padding: Int { window.padding }

  func geometry(for sampleShape: [Int]) -> WindowGeometry { window.geometry(for: sampleShape, layer: summary) }

  public func outputShape(for inputShape: [Int]) -> [Int] { window.outputShape(for: inputShape, layer: summary) }

  /// The backward pass both layers share: checks `outputGradient` against the last forward's `output`, and
  /// returns the input gradient for inputs of `inputShape` (batch first), zeroed, then filled by `kernel`
  /// (output gradient, input gradient, planes N · C, the windows' geometry).
  func backward(
    _ outputGradient: Tensor, output: Tensor, inputShape: [Int],
    kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, WindowGeometry) -> Void
  ) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    let g = geometry(for: Array(inputShape.dropFirst()))
    var inputGradient = Tensor.pooledZeros(shape: inputShape)
    outputGradient.data.withBase { dy in
      inputGradient.data.withMutableBase { dx in kernel(dy, dx, inputShape[0] * g.channels, g) }
    }
    return inputGradient
  }
}
