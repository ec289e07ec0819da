/// What a layer's training forward pass keeps for its backward pass: the input, taken back once.
///
/// An inference pass keeps nothing, and `backward` lets go of the input it takes, so that a layer
/// holds no batch past its step.
struct ForwardInput {
  private var tensor = Tensor.none

  /// Keeps `x` when `mode` trains, and drops what an earlier pass kept otherwise.
  mutating func keep(_ x: Tensor, mode: Mode) {
    tensor = mode == .training ? x : .none
  }

  /// The kept input, no longer kept; stops, naming `layer`, when no training forward pass kept one.
  mutating func take(for layer: @autoclosure () -> String) -> Tensor {
    let x = tensor
    tensor = .none
    precondition(x.count > 0, "\(layer()): backward without a training forward pass")
    return x
  }
}
