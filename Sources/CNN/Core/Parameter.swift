/// A tensor a model owns and an optimizer or synchronization changes: a weight or bias (trainable,
/// with a gradient) or a running statistic (not trainable, averaged across ranks by the sync modes
/// that average weights).
public final class Parameter {
  /// `conv1.weight`, `bn3.running_mean`, … (set by the model when layers are named).
  public var name: String
  public var value: Tensor {
    didSet { version &+= 1 }
  }
  /// Changes whenever ``value`` does (an optimizer's step, a sync, a load writes through it), so that a layer's
  /// copy of its weights in another layout knows when it is stale.
  public private(set) var version = 0
  /// dLoss/dValue, accumulated by `backward` (same shape as `value`); unused for statistics.
  ///
  /// Made (zeros of the value's shape) when first used, so that a model that only infers holds no gradients: as
  /// much memory again as its weights (43 MiB for tiny-YOLOv2).
  public lazy var gradient = Tensor(shape: value.shape)
  /// Whether the optimizer updates it (false for batch normalization's running statistics).
  public let isTrainable: Bool
  /// Whether weight decay applies (weights yes; biases and normalization parameters no).
  public let decays: Bool

  public init(name: String, value: Tensor, isTrainable: Bool = true, decays: Bool = true) {
    (self.name, self.value, self.isTrainable, self.decays) = (name, value, isTrainable, decays)
  }
}
