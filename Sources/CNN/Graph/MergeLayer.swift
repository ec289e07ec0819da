/// A layer with several inputs and one output: where a network's branches meet (elementwise
/// addition, concatenation along channels: darknet's shortcut and route).
///
/// As for ``Layer``, `forward` keeps what `backward` needs, and shapes are per batch; `backward`
/// returns one input gradient per input, in the order of `forward`'s inputs. Two of them may share
/// storage (an addition passes the same gradient to every input): they are values, so that is safe.
public protocol MergeLayer: AnyObject {
  /// A short description for `cnnswift models`: `add`, `concat`.
  var summary: String { get }
  /// One word naming the layer type in parameter names: by default the first word of ``summary``.
  var kind: String { get }
  /// Weights and biases (trainable) and running statistics (not), in a fixed order.
  var parameters: [Parameter] { get }
  /// Why samples of `inputShapes` cannot be merged, or `nil` when they can.
  func problem(with inputShapes: [[Int]]) -> String?
  /// The shape of one output sample for samples of `inputShapes` (which ``problem(with:)`` accepts).
  func outputShape(for inputShapes: [[Int]]) -> [Int]
  /// Multiply-adds ×2 of one forward pass for one sample of `inputShapes`.
  func forwardFLOPs(for inputShapes: [[Int]]) -> Int
  func forward(_ inputs: [Tensor], mode: Mode) -> Tensor
  func backward(_ outputGradient: Tensor) -> [Tensor]
  /// As ``Layer/releaseOutput()``.
  func releaseOutput()
}

extension MergeLayer {
  public var kind: String { String(summary.prefix { $0 != " " }) }
  public var parameters: [Parameter] { [] }
  public func forwardFLOPs(for inputShapes: [[Int]]) -> Int { 0 }
  public func releaseOutput() {}
}
