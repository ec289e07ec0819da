/// A model: layers applied in order to samples of a fixed shape, with named parameters.
///
/// The network names its layers' parameters `"<index>.<kind>.<name>"` (`0.conv.weight`,
/// `3.batchnorm.running_var`, `5.residual.conv1.weight`), so that a model file can list them; a
/// layer belongs to one network. It also tells its first trainable layer that nobody reads its
/// input gradient (``Layer/skipInputGradient()``).
public final class Network {
  /// One line of ``summary``: a top-level layer and what it costs per sample.
  public struct LayerInfo: Sendable, Hashable {
    /// The layer's position in the network (the first part of its parameters' names).
    public var index: Int
    /// The layer's ``Layer/summary``.
    public var summary: String
    /// The shape of one output sample.
    public var outputShape: [Int]
    /// Trainable elements (weights and biases, not running statistics).
    public var parameterCount: Int
    /// Forward FLOPs (2 × multiply-adds) for one sample.
    public var flops: Int
  }

  /// The layers, in order.
  public let layers: Sequential
  /// The shape of one input sample, `[C, H, W]` or `[F]`.
  public let inputShape: [Int]
  /// The shape of one output sample (`[classes]` for a classifier).
  public let outputShape: [Int]
  /// Every parameter, trainable or not, in layer order.
  public let parameters: [Parameter]
  /// Per top-level layer: shapes, parameters and FLOPs.
  public let layerInfo: [LayerInfo]

  /// A network of `layers` for samples of `inputShape`; stops with the offending layer if the
  /// shapes do not chain.
  public init(layers: Sequential, inputShape: [Int]) {
    self.layers = layers
    self.inputShape = inputShape
    var shape = inputShape
    var info: [LayerInfo] = []
    for (index, layer) in layers.layers.enumerated() {
      let flops = layer.forwardFLOPs(for: shape)
      shape = layer.outputShape(for: shape)
      let prefix = "\(index).\(layer.kind)."
      for parameter in layer.parameters where !parameter.name.hasPrefix(prefix) {
        parameter.name = prefix + parameter.name
      }
      let count = layer.parameters.filter(\.isTrainable).reduce(0) { $0 + $1.value.count }
      info.append(
        LayerInfo(index: index, summary: layer.summary, outputShape: shape, parameterCount: count, flops: flops))
    }
    outputShape = shape
    layerInfo = info
    parameters = layers.parameters
    precondition(
      Set(parameters.map { ObjectIdentifier($0) }).count == parameters.count, "a parameter appears twice in the network"
    )
    // Layers before the first trainable one need no backward pass, and that one needs no input
    // gradient (see Layer.skipInputGradient()).
    firstTrainable = layers.layers.firstIndex { $0.parameters.contains(where: \.isTrainable) } ?? layers.layers.count
    if firstTrainable < layers.layers.count { layers.layers[firstTrainable].skipInputGradient() }
  }

  /// The index of the first layer with trainable parameters, where back-propagation stops.
  private let firstTrainable: Int

  /// The trainable parameters (what the optimizer updates and gradients are averaged over).
  public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }

  /// Trainable elements of the whole network.
  public var parameterCount: Int { layerInfo.reduce(0) { $0 + $1.parameterCount } }

  /// Forward FLOPs (2 × multiply-adds of convolutions and dense layers) for one sample.
  public var forwardFLOPs: Int { layerInfo.reduce(0) { $0 + $1.flops } }

  /// The outputs (logits) of a batch `[N] + inputShape`.
  public func forward(_ input: Tensor, mode: Mode) -> Tensor {
    precondition(
      input.shape.count == inputShape.count + 1 && input.sampleShape == inputShape,
      "the network expects [N] + \(inputShape) inputs, got \(input.shape)")
    return layers.forward(input, mode: mode)
  }

  /// Back-propagates dLoss/dOutput of the last training forward pass, adding every trainable
  /// parameter's gradient into `Parameter.gradient`.
  ///
  /// `layerFinished(i)` is called once top-level layer `i`'s gradients are complete, last layer
  /// first, so that a caller can start reducing them while earlier layers still back-propagate.
  public func backward(_ outputGradient: Tensor, layerFinished: ((Int) -> Void)? = nil) {
    var gradient = outputGradient
    // As in `Sequential.backward`, each consumed gradient's storage is recycled for the next.
    for (step, index) in layers.layers.indices[firstTrainable...].reversed().enumerated() {
      var next = layers.layers[index].backward(gradient)
      if step > 0 { Scratch.current.recycle(&gradient, unlessSharedWith: next) }
      swap(&gradient, &next)
      layerFinished?(index)
    }
    if firstTrainable < layers.layers.count { Scratch.current.recycle(&gradient, unlessSharedWith: outputGradient) }
  }

  /// Sets every gradient to zero, before the next batch.
  public func zeroGradients() {
    for parameter in parameters where parameter.isTrainable { parameter.gradient.zero() }
  }

  /// A table, one line per layer: index, layer, output shape, parameters, FLOPs, and a total line.
  public var summary: [String] {
    func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
      let fill = String(repeating: " ", count: max(0, width - text.count))
      return right ? fill + text : text + fill
    }
    let shapeText: ([Int]) -> String = { $0.map(String.init).joined(separator: "x") }
    let rows =
      [["#", "layer", "output", "params", "FLOPs"]]
      + [["", "input", shapeText(inputShape), "", ""]]
      + layerInfo.map {
        [String($0.index), $0.summary, shapeText($0.outputShape), grouped($0.parameterCount), grouped($0.flops)]
      }
      + [["", "total", "", grouped(parameterCount), grouped(forwardFLOPs)]]
    let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      (0..<5).map { pad(row[$0], widths[$0], right: $0 >= 3) }.joined(separator: "  ")
        .replacing(/\s+$/, with: "")
    }
  }
}

/// `61706` as `61,706`.
func grouped(_ value: Int) -> String {
  let digits = String(value.magnitude)
  var result = ""
  for (offset, digit) in digits.enumerated() {
    if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
    result.append(digit)
  }
  return value < 0 ? "-" + result : result
}
