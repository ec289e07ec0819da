/// Whether a forward pass trains (batch statistics, dropout) or infers (running statistics).
public enum Mode: Sendable {
  case training, inference
}

/// One layer of a network: forward and backward written by hand.
///
/// `forward` keeps what `backward` needs (its input, a mask, …); `backward` takes dLoss/dOutput
/// of the last `forward`, adds the parameters' gradients into `Parameter.gradient` (the trainer
/// zeroes them between steps) and returns dLoss/dInput. Shapes are per batch: the first
/// dimension is the batch size N, which may change from call to call.
public protocol Layer: AnyObject {
  /// A short description for `cnnswift models`: `conv 6@5x5 pad 2`, `dense 120`, `relu`.
  var summary: String { get }
  /// One word naming the layer type in parameter names (`0.conv.weight`): by default the first
  /// word of ``summary``.
  var kind: String { get }
  /// Weights and biases (trainable) and running statistics (not), in a fixed order.
  var parameters: [Parameter] { get }
  /// The shape of one output sample for one input sample (`[C, H, W]` or `[F]`).
  func outputShape(for inputShape: [Int]) -> [Int]
  /// Multiply-adds ×2 of one forward pass for one sample of `inputShape`.
  func forwardFLOPs(for inputShape: [Int]) -> Int
  func forward(_ input: Tensor, mode: Mode) -> Tensor
  func backward(_ outputGradient: Tensor) -> Tensor
  /// Tells the layer that nobody reads the input gradient its `backward` returns (it is a network's
  /// first trainable layer), so it may skip computing it and return an empty tensor: a convolution
  /// or dense layer saves a whole sgemm (and col2im). By default the layer computes it anyway.
  func skipInputGradient()
  /// Lets go of the output the last `forward` kept as its workspace, so that the network, reading that value
  /// alone after an inference pass, can hand its storage to a later layer once its last reader has run (a
  /// network otherwise holds every layer's output at once: 73 MiB for tiny-YOLOv2 at 416×416). The next
  /// `forward` takes a workspace from the thread's pool. By default there is nothing to let go.
  func releaseOutput()
}

extension Layer {
  public var kind: String { String(summary.prefix { $0 != " " }) }
  public var parameters: [Parameter] { [] }
  public func forwardFLOPs(for inputShape: [Int]) -> Int { 0 }
  public func skipInputGradient() {}
  public func releaseOutput() {}
}
