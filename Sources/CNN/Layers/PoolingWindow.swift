/// The square windows a pooling layer slides over each channel of NCHW images: their side, the
/// distance between them, and the padding around each plane. Shared by ``MaxPool2D`` and
/// ``AveragePool2D``, which differ only in what they compute inside a window.
///
/// The padding may differ before (top, left) and after (bottom, right) each plane: darknet pads a max
/// pooling window of size k with k − 1 positions in all, ⌊(k − 1)/2⌋ of them before (``darknet(size:stride:padding:)``).
public struct PoolingWindow: Sendable, Equatable, Codable {
  /// The window's side.
  public let kernelSize: Int
  /// The distance between windows.
  public let stride: Int
  /// Positions before each row and column (top, left) that windows may cover.
  public let padding: Int
  /// Positions after each row and column (bottom, right) that windows may cover.
  public let trailingPadding: Int

  /// Windows of `kernelSize`², `stride` apart (default: `kernelSize`, non-overlapping), with `padding` before
  /// and `trailingPadding` (default: `padding`) after each row and column.
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, trailingPadding: Int? = nil) {
    precondition(kernelSize > 0 && (stride ?? 1) > 0, "pooling sizes must be positive")
    let trailing = trailingPadding ?? padding
    precondition(
      padding >= 0 && trailing >= 0 && padding < kernelSize && trailing < kernelSize,
      "pooling padding must be smaller than the window")
    (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
    self.trailingPadding = trailing
  }

  /// Darknet's max pooling windows: `padding` positions in all (darknet's default: size − 1), the smaller
  /// half of them before each row and column, so that a 2×2 window of stride 1 keeps a 13×13 map 13×13.
  public static func darknet(size: Int, stride: Int, padding: Int? = nil) -> PoolingWindow {
    let total = padding ?? size - 1
    return PoolingWindow(kernelSize: size, stride: stride, padding: total / 2, trailingPadding: total - total / 2)
  }

  /// Why windows of these sizes cannot be made (nil: they can), for input files that give them.
  public static func problem(kernelSize: Int, stride: Int, padding: Int, trailingPadding: Int) -> String? {
    if kernelSize < 1 || stride < 1 { return "the window size and stride must be at least 1" }
    if padding < 0 || trailingPadding < 0 { return "the padding must not be negative" }
    if padding >= kernelSize || trailingPadding >= kernelSize { return "the padding must be smaller than the window" }
    return nil
  }

  /// `maxpool 2x2`, `avgpool 3x3 stride 2 pad 1`, `maxpool 2x2 stride 1 pad 0,1`, for the layer named `name`.
  func summary(_ name: String) -> String {
    "\(name) \(kernelSize)x\(kernelSize)" + (stride != kernelSize ? " stride \(stride)" : "")
      + (padding != 0 || trailingPadding != 0
        ? " pad \(padding)" + (trailingPadding != padding ? ",\(trailingPadding)" : "") : "")
  }

  /// The kernels' description of the windows over samples of `sampleShape` (`[C, H, W]`);
  /// `layer` names the layer in the precondition messages.
  func geometry(for sampleShape: [Int], layer: String) -> WindowGeometry {
    precondition(sampleShape.count == 3, "\(layer) expects [C, H, W] samples, got \(sampleShape)")
    let g = WindowGeometry(
      channels: sampleShape[0], height: sampleShape[1], width: sampleShape[2], kernelHeight: kernelSize,
      kernelWidth: kernelSize, stride: stride, padding: padding, trailingPadding: trailingPadding)
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
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, trailingPadding: Int? = nil) {
    self.init(
      window: PoolingWindow(kernelSize: kernelSize, stride: stride, padding: padding, trailingPadding: trailingPadding))
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
