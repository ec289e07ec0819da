/// One node's operation in a ``ModelGraph``: a layer's type and settings, without its weights.
///
/// A spec is what a model file, a darknet `.cfg` or an ONNX graph says of a layer; ``ModelGraph``
/// checks every spec against its input shapes (``outputShape(for:)``) before any layer is made, so a
/// size from a file is refused with a message instead of trapping or allocating without bound.
public enum LayerSpec: Sendable, Equatable {
  /// ``Convolution2D``: `filters` output channels, square `kernel`, and the layer's other settings.
  case convolution(Convolution)
  /// ``Convolution1D`` of `[C, 1, L]` series: `filters`, a `kernel` of taps along the series, stride, padding
  /// before and after, dilation and bias (one group).
  case convolution1D(Convolution)
  /// ``BatchNormalization`` over the input's channels or features.
  case batchNormalization(epsilon: Float, momentum: Float, form: BatchNormalization.Form)
  /// ``Activation``.
  case activation(Activation.Function)
  /// ``MaxPool2D`` over `window`.
  case maxPool(PoolingWindow)
  /// ``AveragePool2D`` over `window`.
  case averagePool(PoolingWindow)
  /// ``GlobalAveragePool``.
  case globalAveragePool
  /// ``Dense`` of `outputs` features, reading samples of any shape as flattened.
  case dense(outputs: Int, bias: Bool, initializer: Initializer)
  /// ``Dropout`` (its masks seeded from the model's seed and the node's index).
  case dropout(rate: Float)
  /// ``Flatten``.
  case flatten
  /// ``Softmax``.
  case softmax
  /// Darknet's ``Reorg``.
  case reorg(stride: Int)
  /// Nearest ``Upsample``.
  case upsample(factor: Int)
  /// ``ResidualBlock``: He et al.'s CIFAR block to `outputChannels`, subsampling by `stride`.
  case residualBlock(outputChannels: Int, stride: Int)
  /// ``Addition`` of two or more inputs.
  case add
  /// ``Concatenation`` of one or more inputs along the channels.
  case concatenate

  /// A convolution's settings (the input channels come from the input's shape).
  public struct Convolution: Sendable, Equatable, Codable {
    public var filters: Int
    public var kernel: Int
    public var stride = 1
    public var padding = 0
    public var trailingPadding = 0
    public var dilation = 1
    public var groups = 1
    public var bias = true
    public var initializer = Initializer.heNormal

    /// A convolution; `trailingPadding` defaults to `padding`.
    public init(
      filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0, trailingPadding: Int? = nil, dilation: Int = 1,
      groups: Int = 1, bias: Bool = true, initializer: Initializer = .heNormal
    ) {
      (self.filters, self.kernel, self.stride, self.padding) = (filters, kernel, stride, padding)
      (self.trailingPadding, self.dilation, self.groups) = (trailingPadding ?? padding, dilation, groups)
      (self.bias, self.initializer) = (bias, initializer)
    }
  }

  /// Whether the operation takes several inputs (``add``, ``concatenate``).
  public var isMerge: Bool {
    switch self {
    case .add, .concatenate: true
    default: false
    }
  }
}

/// Why a spec cannot take its inputs: a message naming what was expected.
public struct ShapeProblem: Error, Sendable, Equatable {
  public var message: String
  init(_ message: String) { self.message = message }
}

extension LayerSpec {
  /// The shape of one output sample for samples of `inputs`, or why the spec cannot take them: sizes
  /// out of range, inputs that do not fit, or an output beyond ``InputLimits/sampleValues``.
  public func outputShape(for inputs: [[Int]]) throws(ShapeProblem) -> [Int] {
    guard isMerge || inputs.count == 1 else { throw ShapeProblem("takes 1 input, given \(inputs.count)") }
    let shape = try uncheckedOutputShape(for: inputs)
    guard shape.allSatisfy({ $0 > 0 }), let values = checkedProduct(shape), values <= InputLimits.sampleValues else {
      throw ShapeProblem("its output \(shapeText(shape)) is empty or over \(grouped(InputLimits.sampleValues)) values")
    }
    return shape
  }

  private func uncheckedOutputShape(for inputs: [[Int]]) throws(ShapeProblem) -> [Int] {
    let input = inputs[0]
    switch self {
    case .convolution(let c):
      let (channels, height, width) = try Self.map(input, "a convolution")
      if let problem = c.problem(inputChannels: channels) { throw ShapeProblem(problem) }
      let extent = c.dilation * (c.kernel - 1) + 1
      let padded = (height + c.padding + c.trailingPadding, width + c.padding + c.trailingPadding)
      try Self.checkWindow(extent, fits: padded, "a convolution")
      return [c.filters, (padded.0 - extent) / c.stride + 1, (padded.1 - extent) / c.stride + 1]
    case .convolution1D(let c):
      let (channels, height, length) = try Self.map(input, "a 1-D convolution")
      guard height == 1 else { throw ShapeProblem("a 1-D convolution takes [C, 1, L] series, got \(shapeText(input))") }
      guard c.groups == 1 else { throw ShapeProblem("a 1-D convolution has one group, got \(c.groups)") }
      if let problem = c.problem(inputChannels: channels) { throw ShapeProblem(problem) }
      let extent = c.dilation * (c.kernel - 1) + 1
      try Self.checkWindow(extent, fits: (extent, length + c.padding + c.trailingPadding), "a 1-D convolution")
      return [c.filters, 1, (length + c.padding + c.trailingPadding - extent) / c.stride + 1]
    case .batchNormalization(let epsilon, let momentum, _):
      guard input.count == 3 || input.count == 1 else {
        throw ShapeProblem("batch normalization takes [C, H, W] or [F] samples, got \(shapeText(input))")
      }
      guard epsilon > 0, epsilon.isFinite, momentum >= 0, momentum <= 1 else {
        throw ShapeProblem("batch normalization needs ε > 0 and a momentum in [0, 1], got \(epsilon), \(momentum)")
      }
      return input
    case .activation(.leakyReLU(let slope)) where !(slope >= 0 && slope.isFinite):
      throw ShapeProblem("a leaky ReLU's slope must be finite and not negative, got \(slope)")
    case .activation, .softmax:
      return input
    case .dropout(let rate):
      guard rate >= 0, rate < 1 else { throw ShapeProblem("a dropout rate must be in [0, 1), got \(rate)") }
      return input
    case .maxPool(let window), .averagePool(let window):
      let (channels, height, width) = try Self.map(input, "a pooling layer")
      if let problem = PoolingWindow.problem(
        kernelSize: window.kernelSize, stride: window.stride, padding: window.padding,
        trailingPadding: window.trailingPadding)
      {
        throw ShapeProblem(problem)
      }
      let padding = window.padding + window.trailingPadding
      try Self.checkWindow(window.kernelSize, fits: (height + padding, width + padding), "a pooling window")
      let extent = padding - window.kernelSize
      return [channels, (height + extent) / window.stride + 1, (width + extent) / window.stride + 1]
    case .globalAveragePool:
      return [try Self.map(input, "a global average pooling").channels]
    case .dense(let outputs, _, _):
      guard (1...InputLimits.layerWidth).contains(outputs) else {
        throw ShapeProblem("a dense layer needs 1 to \(grouped(InputLimits.layerWidth)) outputs, got \(outputs)")
      }
      return [outputs]
    case .flatten:
      return [input.reduce(1, *)]
    case .reorg(let stride):
      guard (1...InputLimits.kernelSide).contains(stride) else {
        throw ShapeProblem("a reorg stride must be 1 to \(InputLimits.kernelSide), got \(stride)")
      }
      let layer = Reorg(stride: stride)
      if let problem = layer.problem(with: input) { throw ShapeProblem(problem) }
      return layer.outputShape(for: input)
    case .upsample(let factor):
      let (channels, height, width) = try Self.map(input, "an upsampling")
      guard (1...InputLimits.kernelSide).contains(factor) else {
        throw ShapeProblem("an upsampling factor must be 1 to \(InputLimits.kernelSide), got \(factor)")
      }
      return [channels, height * factor, width * factor]
    case .residualBlock(let outputs, let stride):
      let (channels, height, width) = try Self.map(input, "a residual block")
      guard outputs >= channels, outputs <= InputLimits.layerWidth, stride == 1 || stride == 2 else {
        throw ShapeProblem("a residual block keeps or widens \(channels) channels with stride 1 or 2")
      }
      return [outputs, (height - 1) / stride + 1, (width - 1) / stride + 1]
    case .add:
      guard inputs.count >= 2, inputs.allSatisfy({ $0 == input }) else {
        throw ShapeProblem(
          "an addition needs 2 or more inputs of one shape, got \(inputs.map(shapeText).joined(separator: " and "))")
      }
      return input
    case .concatenate:
      if let problem = Concatenation().problem(with: inputs) { throw ShapeProblem(problem) }
      return [inputs.reduce(0) { $0 + $1[0] }] + input.dropFirst()
    }
  }

  /// Refuses a window of `extent` rows and columns larger than the padded input (`padded`: its height and width).
  private static func checkWindow(_ extent: Int, fits padded: (Int, Int), _ layer: String) throws(ShapeProblem) {
    guard extent <= padded.0, extent <= padded.1 else {
      throw ShapeProblem("\(layer) of extent \(extent) does not fit the padded \(padded.0)×\(padded.1) input")
    }
  }

  /// `[C, H, W]`'s three sizes, or a problem naming `layer`.
  private static func map(_ shape: [Int], _ layer: String) throws(ShapeProblem) -> (
    channels: Int, height: Int, width: Int
  ) {
    guard shape.count == 3 else { throw ShapeProblem("\(layer) takes [C, H, W] samples, got \(shapeText(shape))") }
    return (shape[0], shape[1], shape[2])
  }

  /// Every value the layer holds for samples of `inputs` (weights, biases and running statistics), for
  /// shapes that ``outputShape(for:)`` accepted: small enough not to overflow.
  public func parameterValues(for inputs: [[Int]]) -> Int {
    switch self {
    case .convolution(let c):
      return c.filters * inputs[0][0] / c.groups * c.kernel * c.kernel + (c.bias ? c.filters : 0)
    case .convolution1D(let c): return c.filters * inputs[0][0] * c.kernel + (c.bias ? c.filters : 0)
    case .batchNormalization: return 4 * inputs[0][0]
    case .dense(let outputs, let bias, _): return outputs * inputs[0].reduce(1, *) + (bias ? outputs : 0)
    case .residualBlock(let outputs, _): return outputs * inputs[0][0] * 9 + outputs * outputs * 9 + 8 * outputs
    default: return 0
    }
  }

  /// The layer for samples of `inputs` (which ``outputShape(for:)`` accepted), its weights drawn from
  /// `generator`; `dropoutSeed` seeds a dropout's masks.
  func makeOperation(
    for inputs: [[Int]], generator: inout SeededGenerator, dropoutSeed: UInt64
  ) -> NetworkNode.Operation {
    switch self {
    case .convolution(let c):
      return .layer(
        Convolution2D(
          inputChannels: inputs[0][0], outputChannels: c.filters, kernelSize: c.kernel, stride: c.stride,
          padding: c.padding, trailingPadding: c.trailingPadding, dilation: c.dilation, groups: c.groups,
          bias: c.bias, initializer: c.initializer, generator: &generator))
    case .convolution1D(let c):
      return .layer(
        Convolution1D(
          inputChannels: inputs[0][0], outputChannels: c.filters, kernelSize: c.kernel, stride: c.stride,
          padding: c.padding, trailingPadding: c.trailingPadding, dilation: c.dilation, bias: c.bias,
          initializer: c.initializer, generator: &generator))
    case .batchNormalization(let epsilon, let momentum, let form):
      return .layer(BatchNormalization(features: inputs[0][0], momentum: momentum, epsilon: epsilon, form: form))
    case .activation(let function): return .layer(Activation(function))
    case .maxPool(let window): return .layer(MaxPool2D(window: window))
    case .averagePool(let window): return .layer(AveragePool2D(window: window))
    case .globalAveragePool: return .layer(GlobalAveragePool())
    case .dense(let outputs, let bias, let initializer):
      return .layer(
        Dense(
          inputs: inputs[0].reduce(1, *), outputs: outputs, bias: bias, initializer: initializer,
          generator: &generator))
    case .dropout(let rate): return .layer(Dropout(rate: rate, seed: dropoutSeed))
    case .flatten: return .layer(Flatten())
    case .softmax: return .layer(Softmax())
    case .reorg(let stride): return .layer(Reorg(stride: stride))
    case .upsample(let factor): return .layer(Upsample(factor: factor))
    case .residualBlock(let outputs, let stride):
      return .layer(
        ResidualBlock(inputChannels: inputs[0][0], outputChannels: outputs, stride: stride, generator: &generator))
    case .add: return .merge(Addition())
    case .concatenate: return .merge(Concatenation())
    }
  }
}

extension LayerSpec.Convolution {
  /// Why this convolution cannot read `inputChannels` channels (nil: it can).
  func problem(inputChannels: Int) -> String? {
    let limits = InputLimits.self
    if !(1...limits.layerWidth).contains(filters) { return "a convolution needs 1 to \(limits.layerWidth) filters" }
    if !(1...limits.kernelSide).contains(kernel) || !(1...limits.kernelSide).contains(stride)
      || !(1...limits.kernelSide).contains(dilation)
    {
      return "a convolution's kernel, stride and dilation must be 1 to \(limits.kernelSide)"
    }
    if !(0...limits.kernelSide).contains(padding) || !(0...limits.kernelSide).contains(trailingPadding) {
      return "a convolution's padding must be 0 to \(limits.kernelSide)"
    }
    if groups < 1 || inputChannels % groups != 0 || filters % groups != 0 {
      return "\(groups) groups must divide both the \(inputChannels) input channels and the \(filters) filters"
    }
    return nil
  }
}

/// The product of `factors`, or nil when it overflows an `Int`.
func checkedProduct(_ factors: [Int]) -> Int? {
  var product = 1
  for factor in factors {
    let (result, overflow) = product.multipliedReportingOverflow(by: factor)
    if overflow { return nil }
    product = result
  }
  return product
}
