/// Layers applied in order; itself a layer, so blocks nest (a residual block's main path).
public final class Sequential: Layer {
  public private(set) var layers: [any Layer]

  public init(_ layers: [any Layer]) {
    self.layers = layers
  }

  public var summary: String { layers.map(\.summary).joined(separator: " → ") }

  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    layers.reduce(inputShape) { $1.outputShape(for: $0) }
  }

  public func forwardFLOPs(for inputShape: [Int]) -> Int {
    var shape = inputShape
    var total = 0
    for layer in layers {
      total += layer.forwardFLOPs(for: shape)
      shape = layer.outputShape(for: shape)
    }
    return total
  }

  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    layers.reduce(input) { $1.forward($0, mode: mode) }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    var gradient = outputGradient
    // The gradients between layers are ours once read: their storage goes back to the thread's
    // pool for the next layer's gradient, rather than to malloc (fresh pages fault on every use).
    for (step, layer) in layers.reversed().enumerated() {
      let next = layer.backward(gradient)
      if step > 0 { Scratch.current.recycle(&gradient, unlessSharedWith: next) }
      gradient = next
    }
    return gradient
  }
}
