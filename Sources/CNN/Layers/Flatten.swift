/// `[N, C, H, W]` (or any shape) to `[N, C·H·W]`; shares the elements, copies nothing.
public final class Flatten: Layer {
  private var inputShape: [Int] = []

  /// A flattening layer.
  public init() {}

  public var summary: String { "flatten" }

  public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape.reduce(1, *)] }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    inputShape = x.shape
    return x.reshaped([x.batch, x.sampleCount])
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    outputGradient.reshaped(inputShape)
  }
}
