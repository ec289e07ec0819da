import CNN
import ONNXProto

/// Appends the ONNX nodes and initializers of cnnswift's layers to a graph, one ``ModelGraph/Node`` at a time:
///
/// | layer | ONNX |
/// |---|---|
/// | convolution | Conv (pads top = left, bottom = right) |
/// | batch normalization | BatchNormalization; darknet's `(x − μ)/(√σ² + ε)` as ONNX's with σ² + 2ε√σ² and ε² |
/// | activation | Relu, LeakyRelu, Sigmoid |
/// | max and average pooling | MaxPool, AveragePool (count_include_pad 1: cnnswift counts padding as zeros) |
/// | global average pooling | GlobalAveragePool then Flatten (cnnswift's output is `[C]`) |
/// | dense | Gemm (transB 1), after a Reshape to `[N, -1]` when the input is not flat |
/// | dropout, flatten, softmax | Dropout (its ratio an input), Flatten, Softmax (axis 1) |
/// | reorg | Reshape `[0, C/s², H, s, W, s]`, Transpose `[0, 3, 5, 1, 2, 4]`, Reshape `[0, C·s², H/s, W/s]` |
/// | upsample | Resize, nearest, asymmetric, floor, scales `[1, 1, f, f]` |
/// | residual block | Conv, BatchNormalization, Relu, Conv, BatchNormalization, Add, Relu; the shortcut a Slice of step s and a Pad of the channels |
/// | add, concatenate | Add (a chain for more than 2 inputs), Concat (axis 1) |
///
/// The ONNX node the importer makes the layer of (the last one, or the GlobalAveragePool before its Flatten)
/// carries the layer's name, so an import names its layers as the model did.
struct ONNXLayerWriter {
  private(set) var graph = Onnx_GraphProto()
  /// The ONNX name of each cnnswift value: the input's first.
  private(set) var valueNames = ["input"]
  private let shapes: [[Int]]
  private var used: Set<String> = ["input"]

  init(shapes: [[Int]]) { self.shapes = shapes }

  /// Writes `node`, the graph's node `index` with `parameters` (in its layer's parameter order).
  mutating func write(_ node: ModelGraph.Node, index: Int, parameters: [Tensor]) throws(ONNXProblem) {
    let inputs = node.inputs.map { valueNames[$0] }
    let shape = shapes[node.inputs[0]]
    let x = inputs[0]
    let name = node.name
    let output: String
    try expect(parameters, count: Self.parameterCount(node.layer), node.layer)
    switch node.layer {
    case .convolution(let c):
      let weight = initializer("\(index).conv.weight", parameters[0])
      let bias = c.bias ? [initializer("\(index).conv.bias", parameters[1])] : []
      output = add(
        "Conv", [x, weight] + bias, name,
        [
          .ints("kernel_shape", [c.kernel, c.kernel]), .ints("strides", [c.stride, c.stride]),
          .ints("pads", [c.padding, c.padding, c.trailingPadding, c.trailingPadding]),
          .ints("dilations", [c.dilation, c.dilation]), .int("group", c.groups),
        ])
    case .convolution1D(let c):
      // A 2-D convolution of a 1 × k kernel over the [C, 1, L] series, its weights [K, C, 1, k].
      let weights = Tensor(shape: [c.filters, shape[0], 1, c.kernel], data: parameters[0].data)
      let weight = initializer("\(index).conv1d.weight", weights)
      let bias = c.bias ? [initializer("\(index).conv1d.bias", parameters[1])] : []
      output = add(
        "Conv", [x, weight] + bias, name,
        [
          .ints("kernel_shape", [1, c.kernel]), .ints("strides", [1, c.stride]),
          .ints("pads", [0, c.padding, 0, c.trailingPadding]), .ints("dilations", [1, c.dilation]),
          .int("group", 1),
        ])
    case .batchNormalization(let epsilon, let momentum, let form):
      output = batchNormalization(
        x, parameters, prefix: "\(index).batchnorm", name: name, epsilon: epsilon, momentum: momentum, form: form)
    case .activation(.relu): output = add("Relu", [x], name)
    case .activation(.leakyReLU(let slope)): output = add("LeakyRelu", [x], name, [.float("alpha", slope)])
    case .activation(.sigmoid): output = add("Sigmoid", [x], name)
    case .maxPool(let window): output = add("MaxPool", [x], name, Self.window(window))
    case .averagePool(let window):
      output = add("AveragePool", [x], name, Self.window(window) + [.int("count_include_pad", 1)])
    case .globalAveragePool:
      // The pooling carries the name: it is the node the importer makes the layer of.
      let pooled = add("GlobalAveragePool", [x], name)
      output = add("Flatten", [pooled], name + "/flatten", [.int("axis", 1)])
    case .dense(_, let bias, _):
      let flat = shape.count == 1 ? x : add("Reshape", [x, integers("\(name)/shape", [0, -1])], name + "/flatten")
      let weight = initializer("\(index).dense.weight", parameters[0])
      let biases = bias ? [initializer("\(index).dense.bias", parameters[1])] : []
      output = add("Gemm", [flat, weight] + biases, name, [.int("transB", 1)])
    case .dropout(let rate):
      let ratio = initializer("\(name)/ratio", Tensor(shape: [], data: [rate]))
      output = add("Dropout", [x, ratio], name)
    case .flatten: output = add("Flatten", [x], name, [.int("axis", 1)])
    case .softmax: output = add("Softmax", [x], name, [.int("axis", 1)])
    case .reorg(let s):
      let (c, h, w) = (shape[0], shape[1], shape[2])
      // Darknet's order (see Reorg): the input read as [C/s², H, s, W, s], its axes permuted to [s, s, C/s², H, W].
      let split = add(
        "Reshape", [x, integers("\(name)/split", [0, c / (s * s), h, s, w, s].map(Int64.init))], name + "/split")
      let permuted = add("Transpose", [split], name + "/permute", [.ints("perm", [0, 3, 5, 1, 2, 4])])
      output = add(
        "Reshape", [permuted, integers("\(name)/shape", [0, c * s * s, h / s, w / s].map(Int64.init))], name)
    case .upsample(let factor):
      var scales = Tensor(shape: [4], repeating: 1)
      (scales.data[2], scales.data[3]) = (Float(factor), Float(factor))
      output = add(
        "Resize", [x, "", initializer("\(name)/scales", scales)], name,
        [
          .string("mode", "nearest"), .string("coordinate_transformation_mode", "asymmetric"),
          .string("nearest_mode", "floor"),
        ])
    case .residualBlock(let outputs, let stride):
      output = residualBlock(
        x, inputChannels: shape[0], outputs: outputs, stride: stride, parameters, prefix: "\(index).residual",
        name: name)
    case .add:
      var sum = inputs[0]
      for (position, term) in inputs.dropFirst().enumerated() {
        sum = add("Add", [sum, term], position == inputs.count - 2 ? name : "\(name)/sum\(position + 1)")
      }
      output = sum
    case .concatenate: output = add("Concat", inputs, name, [.int("axis", 1)])
    }
    valueNames.append(output)
  }

  private mutating func batchNormalization(
    _ x: String, _ parameters: [Tensor], prefix: String, name: String, epsilon: Float, momentum: Float,
    form: BatchNormalization.Form
  ) -> String {
    var variance = parameters[3]
    var onnxEpsilon = epsilon
    if form == .darknet {
      // (x − μ)/(√σ² + ε) = (x − μ)/√(σ² + 2ε√σ² + ε²): ONNX's form with that variance and ε², exactly.
      let e = Double(epsilon)
      variance.data = variance.data.map { v in Float(Double(v) + 2 * e * Double(v).squareRoot()) }
      onnxEpsilon = Float(e * e)
    }
    let inputs =
      [x]
      + zip(
        ["weight", "bias", "running_mean", "running_var"], [parameters[0], parameters[1], parameters[2], variance]
      )
      .map { initializer("\(prefix).\($0)", $1) }
    return add(
      "BatchNormalization", inputs, name,
      [.float("epsilon", onnxEpsilon), .float("momentum", Float(1 - Double(momentum)))])
  }

  private mutating func residualBlock(
    _ x: String, inputChannels: Int, outputs: Int, stride: Int, _ p: [Tensor], prefix: String, name: String
  ) -> String {
    func conv(_ writer: inout ONNXLayerWriter, _ input: String, _ weight: Tensor, _ label: String, _ stride: Int)
      -> String
    {
      writer.add(
        "Conv", [input, writer.initializer("\(prefix).\(label).weight", weight)], "\(name)/\(label)",
        [
          .ints("kernel_shape", [3, 3]), .ints("strides", [stride, stride]), .ints("pads", [1, 1, 1, 1]),
        ])
    }
    // The block's own normalizations have PyTorch's defaults (see ResidualBlock).
    let c1 = conv(&self, x, p[0], "conv1", stride)
    let b1 = batchNormalization(
      c1, Array(p[1...4]), prefix: "\(prefix).bn1", name: "\(name)/bn1", epsilon: 1e-5, momentum: 0.1, form: .pytorch)
    let r1 = add("Relu", [b1], "\(name)/relu1")
    let c2 = conv(&self, r1, p[5], "conv2", 1)
    let b2 = batchNormalization(
      c2, Array(p[6...9]), prefix: "\(prefix).bn2", name: "\(name)/bn2", epsilon: 1e-5, momentum: 0.1, form: .pytorch)
    var shortcut = x
    if stride != 1 {
      shortcut = add(
        "Slice",
        [
          x, integers("\(name)/starts", [0, 0]), integers("\(name)/ends", [Int64.max, Int64.max]),
          integers("\(name)/axes", [2, 3]), integers("\(name)/steps", [Int64(stride), Int64(stride)]),
        ], "\(name)/subsample")
    }
    if outputs != inputChannels {
      // Option A: the zero channels split evenly, the smaller half first (ResidualBlock's padding).
      let leading = Int64((outputs - inputChannels) / 2)
      let trailing = Int64(outputs - inputChannels) - leading
      shortcut = add(
        "Pad", [shortcut, integers("\(name)/pads", [0, leading, 0, 0, 0, trailing, 0, 0])], "\(name)/widen")
    }
    let sum = add("Add", [b2, shortcut], "\(name)/add")
    return add("Relu", [sum], name)
  }

  // MARK: - Graph pieces

  /// Appends an `op` node reading `inputs`, named `name` (made unique), and returns its output's name (the same).
  @discardableResult
  private mutating func add(
    _ op: String, _ inputs: [String], _ name: String, _ attributes: [Onnx_AttributeProto] = []
  ) -> String {
    let unique = fresh(name)
    var node = Onnx_NodeProto()
    (node.opType, node.name, node.input, node.output, node.attribute) = (op, unique, inputs, [unique], attributes)
    graph.node.append(node)
    return unique
  }

  /// Adds a FLOAT initializer and returns its (unique) name.
  private mutating func initializer(_ name: String, _ tensor: Tensor) -> String {
    let unique = fresh(name)
    graph.initializer.append(ONNXTensor.make(name: unique, tensor))
    return unique
  }

  /// Adds an INT64 initializer and returns its (unique) name.
  private mutating func integers(_ name: String, _ values: [Int64]) -> String {
    let unique = fresh(name)
    graph.initializer.append(ONNXTensor.make(name: unique, integers: values))
    return unique
  }

  private mutating func fresh(_ base: String) -> String {
    var name = base
    var suffix = 2
    while used.contains(name) {
      name = "\(base)_\(suffix)"
      suffix += 1
    }
    used.insert(name)
    return name
  }

  private static func window(_ window: PoolingWindow) -> [Onnx_AttributeProto] {
    [
      .ints("kernel_shape", [window.kernelSize, window.kernelSize]), .ints("strides", [window.stride, window.stride]),
      .ints("pads", [window.padding, window.padding, window.trailingPadding, window.trailingPadding]),
    ]
  }

  /// How many parameter tensors `layer` holds.
  private static func parameterCount(_ layer: LayerSpec) -> Int {
    switch layer {
    case .convolution(let c), .convolution1D(let c): c.bias ? 2 : 1
    case .dense(_, let bias, _): bias ? 2 : 1
    case .batchNormalization: 4
    case .residualBlock: 10
    default: 0
    }
  }

  private func expect(_ parameters: [Tensor], count: Int, _ layer: LayerSpec) throws(ONNXProblem) {
    guard parameters.count == count else {
      throw ONNXProblem("the model file holds \(parameters.count) parameter tensors for it; its layer has \(count)")
    }
  }
}
