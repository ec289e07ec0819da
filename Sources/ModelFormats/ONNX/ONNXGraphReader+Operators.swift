import CNN
import ONNXProto

/// How each supported ONNX operator becomes cnnswift layers, and what is refused.
extension ONNXGraphReader {
  /// Reads one node: checks its domain, inputs and outputs, then maps its operator.
  mutating func read(_ node: Onnx_NodeProto) throws(ONNXProblem) {
    guard node.domain.isEmpty || node.domain == "ai.onnx" else {
      throw ONNXProblem(
        "operator \(node.opType) of domain '\(node.domain)' is not supported; supported: the default domain's "
          + ONNXImporter.supportedOperators.joined(separator: ", "))
    }
    guard let output = node.output.first, !output.isEmpty else { throw ONNXProblem("has no output") }
    for name in node.output where !name.isEmpty && (values[name] != nil || constants[name] != nil) {
      throw ONNXProblem("writes '\(name)', which an earlier node, initializer or input already gives")
    }
    for (position, name) in node.output.enumerated().dropFirst() where !name.isEmpty && readers[name] != nil {
      throw ONNXProblem(
        "its output \(position + 1) '\(name)' is read; cnnswift computes only an operator's first output")
    }
    for name in node.input where !name.isEmpty && values[name] == nil && constants[name] == nil {
      throw ONNXProblem(
        "reads '\(name)', which no earlier node, initializer or graph input gives (nodes must be in order)")
    }
    if ONNXConstantFolding.applies(to: node, constants: constants) {
      constants[node.output[0]] = try ONNXConstantFolding.fold(node, constants: constants)
      return
    }
    guard ONNXImporter.supportedOperators.contains(node.opType) else {
      throw ONNXProblem(
        "operator \(node.opType) is not supported; supported: "
          + ONNXImporter.supportedOperators.joined(separator: ", ") + "; on integer constants also "
          + ONNXConstantFolding.operators.joined(separator: ", "))
    }
    guard node.opType == "Constant" || inputName(node, 0) != nil else { throw ONNXProblem("has no data input") }
    let attributes = try ONNXAttributes(node)
    switch node.opType {
    case "Conv": try convolution(node, attributes)
    case "BatchNormalization": try batchNormalization(node, attributes)
    case "Relu":
      try attributes.only([])
      if case .residualSum(let block)? = values[node.input[0]] {
        try finishResidualBlock(block, node)
      } else {
        try elementwise(.activation(.relu), node)
      }
    case "LeakyRelu":
      try attributes.only(["alpha"])
      try elementwise(.activation(.leakyReLU(slope: try attributes.float("alpha", default: 0.01))), node)
    case "Sigmoid":
      try attributes.only([])
      try elementwise(.activation(.sigmoid), node)
    case "MaxPool", "AveragePool": try pooling(node, attributes)
    case "GlobalAveragePool":
      try attributes.only([])
      let input = try spatial(node.input[0])
      try emit(.globalAveragePool, inputs: [input], for: node) { $0 + [1, 1] }
    case "Gemm": try gemm(node, attributes)
    case "MatMul": try matMul(node, attributes)
    case "Add": try add(node, attributes)
    case "Concat": try concat(node, attributes)
    case "Flatten": try flatten(node, attributes)
    case "Reshape": try reshape(node, attributes)
    case "Transpose": try transpose(node, attributes)
    case "Softmax": try softmax(node, attributes)
    case "Dropout": try dropout(node, attributes)
    case "Identity":
      try attributes.only([])
      if let tensor = constants[node.input[0]] {
        constants[output] = tensor
      } else {
        define(output, try value(node.input[0]))
      }
    case "Resize": try resize(node, attributes)
    case "Pad": try pad(node, attributes)
    case "Slice": try slice(node, attributes)
    case "Constant": try constantNode(node, attributes)
    default: preconditionFailure("\(node.opType) is listed as supported but has no reader")
    }
  }

  /// An operator of one input that keeps the shape, on any computed value (its ONNX view kept too).
  private mutating func elementwise(_ layer: LayerSpec, _ node: Onnx_NodeProto) throws(ONNXProblem) {
    let (input, onnx) = try plain(node.input[0])
    try emit(layer, inputs: [input], for: node) { _ in onnx }
  }

  // MARK: - Convolution and pooling

  private mutating func convolution(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"])
    var input: Int
    var extra = (leading: 0, trailing: 0)
    if case .padded(let source, let leading, let trailing)? = values[node.input[0]] {
      (input, extra) = (source, (leading, trailing))
    } else {
      input = try spatial(node.input[0])
    }
    let weight = try floats(inputName(node, 1), "weight W")
    guard weight.shape.count == 4 else {
      throw ONNXProblem("its weight has shape \(ONNXTensor.text(weight.shape)); a 2-D Conv's is [M, C/group, kH, kW]")
    }
    let kernel = try attributes.ints("kernel_shape") ?? Array(weight.shape[2...])
    guard kernel == Array(weight.shape[2...]) else {
      throw ONNXProblem("kernel_shape \(kernel) differs from the weight's \(ONNXTensor.text(weight.shape))")
    }
    // Over series, a 1 × k kernel (1 × 1 included) is a 1-D convolution: what `cnnswift export` writes for one.
    let oneGroup = try attributes.int("group", default: 1) == 1
    if kernel[0] == 1 && shapes[input][1] == 1 && extra == (0, 0) && oneGroup {
      try seriesConvolution(node, attributes, input: input, weight: weight)
      return
    }
    guard kernel[0] == kernel[1] else {
      throw ONNXProblem(
        "kernel_shape \(kernel) is not square; cnnswift's convolutions are square (or 1 × k over [C, 1, L] series)")
    }
    let stride = try equalPair(attributes, "strides")
    let dilation = try equalPair(attributes, "dilations")
    // Checked before spatialPads multiplies them (a dilation of 2⁴⁰ by a kernel of 2²⁰ overflows).
    let sides = 1...InputLimits.kernelSide
    guard sides.contains(kernel[0]), sides.contains(stride), sides.contains(dilation) else {
      throw ONNXProblem(
        "kernel \(kernel[0]), stride \(stride) and dilation \(dilation): cnnswift's convolutions take each from 1 to "
          + "\(InputLimits.kernelSide)")
    }
    let groups = try attributes.int("group", default: 1)
    let channels = shapes[input][0]
    guard groups >= 1, channels % groups == 0, weight.shape[1] * groups == channels else {
      throw ONNXProblem(
        "its weight \(ONNXTensor.text(weight.shape)) with group \(groups) does not read the input's \(channels) "
          + "channels")
    }
    let pads = try spatialPads(
      attributes, kernel: kernel[0], stride: stride, dilation: dilation, input: shapes[input])
    let bias = try convolutionBias(node, filters: weight.shape[0])
    let spec = LayerSpec.Convolution(
      filters: weight.shape[0], kernel: kernel[0], stride: stride, padding: pads.leading + extra.leading,
      trailingPadding: pads.trailing + extra.trailing, dilation: dilation, groups: groups, bias: bias != nil)
    try emit(.convolution(spec), inputs: [input], weights: [weight] + (bias.map { [$0] } ?? []), for: node)
  }

  /// A Conv's optional bias B, checked to hold one value per filter.
  private func convolutionBias(_ node: Onnx_NodeProto, filters: Int) throws(ONNXProblem) -> Tensor? {
    let bias = try inputName(node, 2).map { name throws(ONNXProblem) in try floats(name, "bias B") }
    if let bias, bias.shape != [filters] {
      throw ONNXProblem("its bias has shape \(ONNXTensor.text(bias.shape)), expected [\(filters)]")
    }
    return bias
  }

  /// A Conv of one group and a 1 × k kernel over `[C, 1, L]` series (what `cnnswift export` writes for a 1-D
  /// convolution): strides, dilations and pads along the series alone.
  private mutating func seriesConvolution(
    _ node: Onnx_NodeProto, _ attributes: ONNXAttributes, input: Int, weight: Tensor
  ) throws(ONNXProblem) {
    func along(_ name: String, default value: Int) throws(ONNXProblem) -> Int {
      guard let pair = try attributes.ints(name) else { return value }
      guard pair.count == 2, pair[0] == 1, (1...InputLimits.kernelSide).contains(pair[1]) else {
        throw ONNXProblem(
          "\(name) \(pair) of a 1 × k convolution must be [1, n], n from 1 to \(InputLimits.kernelSide)")
      }
      return pair[1]
    }
    let (stride, dilation) = (try along("strides", default: 1), try along("dilations", default: 1))
    guard try attributes.string("auto_pad", default: "NOTSET") == "NOTSET" else {
      throw ONNXProblem("a 1 × k convolution takes explicit pads")
    }
    let pads = try attributes.ints("pads") ?? [0, 0, 0, 0]
    guard pads.count == 4, pads[0] == 0, pads[2] == 0, (0...InputLimits.kernelSide).contains(pads[1]),
      (0...InputLimits.kernelSide).contains(pads[3])
    else { throw ONNXProblem("pads \(pads) of a 1 × k convolution must be [0, leading, 0, trailing]") }
    guard weight.shape[1] == shapes[input][0], (1...InputLimits.kernelSide).contains(weight.shape[3]) else {
      throw ONNXProblem(
        "its weight \(ONNXTensor.text(weight.shape)) does not read the input's \(shapes[input][0]) channels")
    }
    let bias = try convolutionBias(node, filters: weight.shape[0])
    let spec = LayerSpec.Convolution(
      filters: weight.shape[0], kernel: weight.shape[3], stride: stride, padding: pads[1], trailingPadding: pads[3],
      dilation: dilation, bias: bias != nil)
    let kernel = Tensor(shape: [weight.shape[0], weight.shape[1], weight.shape[3]], data: weight.data)
    try emit(.convolution1D(spec), inputs: [input], weights: [kernel] + (bias.map { [$0] } ?? []), for: node)
  }

  private mutating func pooling(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    let isAverage = node.opType == "AveragePool"
    try attributes.only(
      Set(["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations"])
        .union([isAverage ? "count_include_pad" : "storage_order"]))
    let input = try spatial(node.input[0])
    guard let kernel = try attributes.ints("kernel_shape"), kernel.count == 2 else {
      throw ONNXProblem("needs a kernel_shape of 2 sizes")
    }
    guard kernel[0] == kernel[1] else {
      throw ONNXProblem("kernel_shape \(kernel) is not square; cnnswift's pooling windows are square")
    }
    let stride = try equalPair(attributes, "strides")
    guard try equalPair(attributes, "dilations") == 1 else {
      throw ONNXProblem("dilated pooling windows are not supported")
    }
    let shape = shapes[input]
    let pads = try spatialPads(attributes, kernel: kernel[0], stride: stride, dilation: 1, input: shape)
    if let problem = PoolingWindow.problem(
      kernelSize: kernel[0], stride: stride, padding: pads.leading, trailingPadding: pads.trailing)
    {
      throw ONNXProblem(problem)
    }
    if try attributes.int("ceil_mode", default: 0) != 0 {
      // Rounding up gives the same windows when the last one ends exactly at the padded edge.
      let spans = shape[1...].map { $0 + pads.leading + pads.trailing - kernel[0] }
      guard spans.allSatisfy({ $0 >= 0 && $0 % stride == 0 }) else {
        throw ONNXProblem(
          "ceil_mode 1 adds a partial window here; cnnswift's pooling rounds down (ceil_mode 0)")
      }
    }
    if isAverage, pads.leading + pads.trailing > 0, try attributes.int("count_include_pad", default: 0) == 0 {
      throw ONNXProblem(
        "count_include_pad 0 with padding: cnnswift's average pooling counts the padding as zeros "
          + "(count_include_pad 1, PyTorch's default)")
    }
    let window = PoolingWindow(
      kernelSize: kernel[0], stride: stride, padding: pads.leading, trailingPadding: pads.trailing)
    try emit(isAverage ? .averagePool(window) : .maxPool(window), inputs: [input], for: node)
  }

  /// The INTS attribute `name` of 2 equal values (default 1).
  private func equalPair(_ attributes: ONNXAttributes, _ name: String) throws(ONNXProblem) -> Int {
    guard let pair = try attributes.ints(name) else { return 1 }
    guard pair.count == 2, pair[0] == pair[1], pair[0] >= 1 else {
      throw ONNXProblem("\(name) \(pair) must be 2 equal positive sizes; cnnswift's windows are square")
    }
    return pair[0]
  }

  /// The padding before (top, left) and after (bottom, right), from `pads` [t, l, b, r] or `auto_pad`.
  private func spatialPads(
    _ attributes: ONNXAttributes, kernel: Int, stride: Int, dilation: Int, input: [Int]
  ) throws(ONNXProblem) -> (leading: Int, trailing: Int) {
    let autoPad = try attributes.string("auto_pad", default: "NOTSET")
    switch autoPad {
    case "NOTSET":
      guard let pads = try attributes.ints("pads") else { return (0, 0) }
      guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else {
        throw ONNXProblem("pads \(pads) must be 4 sizes, none negative")
      }
      guard pads[0] == pads[1], pads[2] == pads[3] else {
        throw ONNXProblem(
          "pads \(pads) differ between rows and columns; cnnswift pads top as left and bottom as right")
      }
      return (pads[0], pads[2])
    case "VALID":
      return (0, 0)
    case "SAME_UPPER", "SAME_LOWER":
      let extent = dilation * (kernel - 1) + 1
      let totals = input[1...].map { size in max(((size + stride - 1) / stride - 1) * stride + extent - size, 0) }
      guard totals[1] == totals[2] else {
        throw ONNXProblem(
          "auto_pad \(autoPad) pads rows and columns differently here; cnnswift pads both alike")
      }
      let small = totals[1] / 2
      return autoPad == "SAME_UPPER" ? (small, totals[1] - small) : (totals[1] - small, small)
    default:
      throw ONNXProblem("auto_pad '\(autoPad)' is not an ONNX setting")
    }
  }

  // MARK: - Normalization, dense layers and merges

  private mutating func batchNormalization(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    // training_mode says whether ONNX normalizes with the batch's statistics; cnnswift's mode decides that.
    try attributes.only(["epsilon", "momentum", "training_mode"])
    let (input, onnx) = try plain(node.input[0])
    let channels = shapes[input][0]
    var parameters: [Tensor] = []
    for (position, role) in ["scale", "bias B", "mean", "var"].enumerated() {
      let tensor = try floats(inputName(node, position + 1), role)
      guard tensor.count == channels, tensor.shape.count == 1 else {
        throw ONNXProblem("its \(role) has shape \(ONNXTensor.text(tensor.shape)); expected [\(channels)]")
      }
      parameters.append(tensor)
    }
    // A negative variance makes √(var + ε) NaN for every input: refused as a non-finite weight is.
    if let bad = parameters[3].data.firstIndex(where: { !($0 >= 0) }) {
      throw ONNXProblem(
        "its var '\(node.input[4])' holds \(parameters[3].data[bad]) at value \(bad) of \(channels): a variance "
          + "must be ≥ 0")
    }
    let epsilon = try attributes.float("epsilon", default: 1e-5)
    // ONNX's momentum weighs the running statistics, cnnswift's (PyTorch's) the batch's. 1 − m in Float32 carries
    // rounding (1 − 0.9 is 0.100000024), so the complement is rounded to 6 decimals.
    let onnxMomentum = Double(try attributes.float("momentum", default: 0.9))
    let momentum = Float(((1 - onnxMomentum) * 1e6).rounded() / 1e6)
    try emit(
      .batchNormalization(epsilon: epsilon, momentum: momentum, form: .pytorch), inputs: [input],
      weights: parameters, for: node
    ) { _ in onnx }
  }

  private mutating func gemm(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["alpha", "beta", "transA", "transB"])
    guard try attributes.float("alpha", default: 1) == 1, try attributes.int("transA", default: 0) == 0 else {
      throw ONNXProblem("alpha must be 1 and transA 0 (cnnswift reads Gemm as a dense layer, Y = A·Bᵀ + C)")
    }
    let (input, onnx) = try plain(node.input[0])
    guard onnx.count == 1 else {
      throw ONNXProblem(
        "reads a value of shape [N, \(onnx.map(String.init).joined(separator: ", "))]; Gemm takes [N, F]")
    }
    var weight = try floats(inputName(node, 1), "B")
    guard weight.shape.count == 2 else { throw ONNXProblem("its B has shape \(ONNXTensor.text(weight.shape))") }
    if try attributes.int("transB", default: 0) == 0 { weight = Self.transposed(weight) }
    var bias: Tensor?
    if let name = inputName(node, 2) {
      guard try attributes.float("beta", default: 1) == 1 else { throw ONNXProblem("beta must be 1") }
      bias = try biasVector(name, outputs: weight.shape[0])
    }
    try dense(weight: weight, bias: bias, input: input, features: onnx[0], node)
  }

  private mutating func matMul(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only([])
    let (input, onnx) = try plain(node.input[0])
    guard onnx.count == 1 else {
      throw ONNXProblem(
        "reads a value of shape [N, \(onnx.map(String.init).joined(separator: ", "))]; cnnswift reads MatMul as a "
          + "dense layer on [N, F]")
    }
    let weight = try floats(inputName(node, 1), "B")
    guard weight.shape.count == 2 else { throw ONNXProblem("its B has shape \(ONNXTensor.text(weight.shape))") }
    try dense(weight: Self.transposed(weight), bias: nil, input: input, features: onnx[0], node)
  }

  /// A dense layer of `weight` ([outputs, features]) and `bias` on `input`, whose samples have `features` values.
  private mutating func dense(
    weight: Tensor, bias: Tensor?, input: Int, features: Int, _ node: Onnx_NodeProto
  ) throws(ONNXProblem) {
    guard weight.shape[1] == features else {
      throw ONNXProblem(
        "its weights read \(weight.shape[1]) features per sample; the input has \(features)")
    }
    try emit(
      .dense(outputs: weight.shape[0], bias: bias != nil, initializer: .heNormal), inputs: [input],
      weights: [weight] + (bias.map { [$0] } ?? []), for: node)
  }

  /// The constant `name` as a bias of `outputs` values: shape `[outputs]` or `[1, outputs]`.
  private func biasVector(_ name: String, outputs: Int) throws(ONNXProblem) -> Tensor {
    let bias = try floats(name, "bias")
    guard bias.count == outputs, bias.shape == [outputs] || bias.shape == [1, outputs] else {
      throw ONNXProblem("its bias has shape \(ONNXTensor.text(bias.shape)); expected [\(outputs)]")
    }
    return Tensor(shape: [outputs], data: bias.data)
  }

  /// `matrix` ([R, C]) transposed.
  static func transposed(_ matrix: Tensor) -> Tensor {
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    var data = [Float](repeating: 0, count: matrix.count)
    for r in 0..<rows {
      for c in 0..<columns { data[c * rows + r] = matrix.data[r * columns + c] }
    }
    return Tensor(shape: [columns, rows], data: data)
  }

  private mutating func add(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only([])
    guard node.input.count == 2, let first = inputName(node, 0), let second = inputName(node, 1) else {
      throw ONNXProblem("Add takes 2 inputs")
    }
    if constants[first] != nil || constants[second] != nil {
      try addBias(node, data: constants[first] != nil ? second : first, bias: constants[first] != nil ? first : second)
      return
    }
    if try matchResidualBlock(node) { return }
    let (a, onnxA) = try plain(first)
    let (b, onnxB) = try plain(second)
    guard onnxA == onnxB else {
      throw ONNXProblem(
        "adds values of shapes \(ONNXTensor.text(onnxA)) and \(ONNXTensor.text(onnxB)); cnnswift adds "
          + "values of one shape (no broadcasting)")
    }
    try emit(.add, inputs: [a, b], for: node) { _ in onnxA }
  }

  /// An Add of a constant: the bias of the dense layer (MatMul, or Gemm without C) it follows.
  private mutating func addBias(_ node: Onnx_NodeProto, data: String, bias: String) throws(ONNXProblem) {
    let refusal = ONNXProblem(
      "adds the constant '\(bias)'; cnnswift reads an Add of a constant only as the bias of the MatMul or Gemm "
        + "(without C) whose output it alone reads")
    guard case .node(let index, let onnx)? = values[data], index > 0, readers[data]?.count == 1,
      names[index]?.count == 1,
      case .dense(let outputs, false, let initializer) = nodes[index - 1].layer
    else { throw refusal }
    weights[index - 1].append(try biasVector(bias, outputs: outputs))
    nodes[index - 1].layer = .dense(outputs: outputs, bias: true, initializer: initializer)
    define(node.output[0], .node(index, onnx: onnx))
  }

  private mutating func concat(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["axis"])
    var inputs: [Int] = []
    var views: [[Int]] = []
    for name in node.input {
      let (index, onnx) = try plain(name)
      inputs.append(index)
      views.append(onnx)
    }
    guard let rank = views.first.map({ $0.count + 1 }), views.allSatisfy({ $0.count + 1 == rank }) else {
      throw ONNXProblem("concatenates values of different ranks")
    }
    let axis = try attributes.int("axis", default: 1)
    guard axis == 1 || axis == 1 - rank else {
      throw ONNXProblem("concatenates along axis \(axis); cnnswift concatenates channels (axis 1)")
    }
    try emit(.concatenate, inputs: inputs, for: node) { shape in [shape[0]] + views[0].dropFirst() }
  }

  // MARK: - Shapes

  private mutating func flatten(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["axis"])
    let (input, onnx) = try plain(node.input[0])
    let axis = try attributes.int("axis", default: 1)
    guard axis == 1 || axis == -onnx.count else {
      throw ONNXProblem("flattens from axis \(axis); cnnswift flattens each sample (axis 1)")
    }
    try flattenKind(node, input: input, onnx: onnx, asLayer: true)
  }

  /// A flatten of each sample: nothing to compute when cnnswift already holds the value flat (a
  /// GlobalAveragePool's output), else a ``LayerSpec/flatten`` node, unless `asLayer` is false and only dense
  /// layers read it (a dense layer reads samples of any shape flattened).
  private mutating func flattenKind(
    _ node: Onnx_NodeProto, input: Int, onnx: [Int], asLayer: Bool
  ) throws(ONNXProblem) {
    let features = onnx.reduce(1, *)
    let readByDenseOnly = (readers[node.output[0]] ?? []).allSatisfy {
      $0 >= 0 && ["Gemm", "MatMul"].contains(onnxNodes[$0].opType)
    }
    if shapes[input] != onnx || (!asLayer && readByDenseOnly) {
      define(node.output[0], .node(input, onnx: [features]))
    } else {
      try emit(.flatten, inputs: [input], for: node)
    }
  }

  private mutating func reshape(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["allowzero"])
    let target = try integers(inputName(node, 1), "shape")
    let allowZero = try attributes.int("allowzero", default: 0) != 0
    let batch = target.first.map { $0 > 0 || ($0 == 0 && !allowZero) } ?? false
    let supported = ONNXProblem(
      "reshapes to \(target); cnnswift reads Reshape only as a flatten ([N, -1], [0, -1] or [-1, F]) or as darknet's "
        + "reorg (Reshape [0, C/s², H, s, W, s], Transpose [0, 3, 5, 1, 2, 4], Reshape [0, C·s², H/s, W/s])")
    switch try value(node.input[0]) {
    case .node(let input, let onnx) where target.count == 2:
      let features = onnx.reduce(1, *)
      guard (batch && (target[1] == -1 || target[1] == features)) || (target[0] == -1 && target[1] == features) else {
        throw supported
      }
      try flattenKind(node, input: input, onnx: onnx, asLayer: false)
    case .node(let input, let onnx) where target.count == 6 && onnx.count == 3 && shapes[input] == onnx:
      let (c, h, w, s) = (onnx[0], onnx[1], onnx[2], target[3])
      // Only divisions by the file's sizes, never products of them, which could overflow.
      guard batch, (1...InputLimits.kernelSide).contains(s), target[5] == s, c % (s * s) == 0, target[1] == c / (s * s),
        target[2] == h, target[4] == w
      else {
        throw supported
      }
      define(node.output[0], .reorgSplit(input, stride: s))
    case .reorgPermuted(let input, let s) where target.count == 4:
      let (c, h, w) = (shapes[input][0], shapes[input][1], shapes[input][2])
      guard batch, target[1] == c * s * s, h % s == 0, target[2] == h / s, w % s == 0, target[3] == w / s else {
        throw supported
      }
      try emit(.reorg(stride: s), inputs: [input], for: node)
    case .node, .reorgPermuted:
      throw supported
    case let other:
      throw ONNXProblem("reads '\(node.input[0])', \(describe(other))")
    }
  }

  private mutating func transpose(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["perm"])
    guard case .reorgSplit(let input, let stride) = try value(node.input[0]),
      try attributes.ints("perm") == [0, 3, 5, 1, 2, 4]
    else {
      throw ONNXProblem(
        "cnnswift reads Transpose only inside darknet's reorg (Reshape [0, C/s², H, s, W, s], Transpose "
          + "[0, 3, 5, 1, 2, 4], Reshape [0, C·s², H/s, W/s])")
    }
    define(node.output[0], .reorgPermuted(input, stride: stride))
  }

  private mutating func softmax(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["axis"])
    let (input, onnx) = try plain(node.input[0])
    let rank = onnx.count + 1
    // Before opset 13 Softmax normalized everything from `axis` on as one vector (default 1); from 13 one axis
    // (default -1). cnnswift's normalizes the channels at each position.
    let axis = try attributes.int("axis", default: opset >= 13 ? -1 : 1)
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved == 1, opset >= 13 || onnx.dropFirst().allSatisfy({ $0 == 1 }) else {
      throw ONNXProblem(
        "softmax over axis \(axis) of [N, \(onnx.map(String.init).joined(separator: ", "))] (opset \(opset)); "
          + "cnnswift's softmax normalizes the channels at each position (axis 1 from opset 13)")
    }
    try emit(.softmax, inputs: [input], for: node) { _ in onnx }
  }

  private mutating func dropout(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["seed", "ratio"])
    // Before opset 12 the ratio is an attribute, from 12 an input.
    var rate = try attributes.float("ratio", default: 0.5)
    if let name = inputName(node, 1) {
      let ratio = try floats(name, "ratio")
      guard ratio.count == 1 else { throw ONNXProblem("its ratio has shape \(ONNXTensor.text(ratio.shape))") }
      rate = ratio.data[0]
    }
    // training_mode (input 3) says whether ONNX drops at all; cnnswift's mode decides that.
    try elementwise(.dropout(rate: rate), node)
  }

  // MARK: - Resize, Pad and Slice

  private mutating func resize(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only([
      "mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside",
      "extrapolation_value", "antialias", "keep_aspect_ratio_policy",
    ])
    let input = try spatial(node.input[0])
    let shape = shapes[input]
    guard try attributes.string("mode", default: "nearest") == "nearest" else {
      throw ONNXProblem("mode '\(try attributes.string("mode", default: ""))'; cnnswift upsamples nearest only")
    }
    guard try attributes.int("exclude_outside", default: 0) == 0 else { throw ONNXProblem("exclude_outside must be 0") }
    // Each factor is checked (finite, whole, 1 to InputLimits.kernelSide) before any arithmetic uses it, and the
    // output's size before copiesBlocks walks its sides.
    let factorRange = 1...InputLimits.kernelSide
    let wholeFactors = "cnnswift upsamples by one whole factor from 1 to \(InputLimits.kernelSide) on both sides"
    var factors: [Int]
    let scales = try inputName(node, 2).map { name throws(ONNXProblem) in try floats(name, "scales") }
    if let scales, scales.count > 0 {
      guard scales.count == 4, scales.data[0] == 1, scales.data[1] == 1 else {
        throw ONNXProblem("scales \(Self.text(scales.data)) must be [1, 1, f, f]")
      }
      factors = []
      for scale in scales.data[2...] {
        guard scale.isFinite, scale == scale.rounded(), scale >= Float(factorRange.lowerBound),
          scale <= Float(factorRange.upperBound)
        else {
          throw ONNXProblem(
            "scales \(Self.text(scales.data)): the factor \(Self.text(scale)) is not allowed; \(wholeFactors)")
        }
        factors.append(Int(scale))
      }
    } else if let name = inputName(node, 3) {
      let sizes = try integers(name, "sizes")
      guard sizes.count == 4, sizes[1] == shape[0],
        try attributes.string(
          "keep_aspect_ratio_policy",
          default: "stretch") == "stretch"
      else {
        throw ONNXProblem("sizes \(ONNXTensor.text(sizes)) must be [N, C, H·f, W·f] (keep_aspect_ratio_policy stretch)")
      }
      factors = []
      for (size, side) in zip(sizes[2...], shape[1...]) {
        // A division, never a product: a size from the file may be near Int.max.
        guard size > 0, size % side == 0, factorRange.contains(size / side) else {
          throw ONNXProblem(
            "sizes \(ONNXTensor.text(sizes)): \(size) is not a whole multiple from \(factorRange.lowerBound) to "
              + "\(factorRange.upperBound) of the input's side of \(side); \(wholeFactors)")
        }
        factors.append(size / side)
      }
    } else {
      throw ONNXProblem("has neither scales nor sizes")
    }
    guard factors[0] == factors[1] else {
      throw ONNXProblem("scales by \(factors[0]) and \(factors[1]); \(wholeFactors)")
    }
    let layer = LayerSpec.upsample(factor: factors[0])
    do {
      _ = try layer.outputShape(for: [shape])
    } catch {
      throw ONNXProblem(error.message)
    }
    let transform = try attributes.string("coordinate_transformation_mode", default: "half_pixel")
    let rounding = try attributes.string("nearest_mode", default: "round_prefer_floor")
    for size in shape[1...] where !Self.copiesBlocks(size, factor: factors[0], transform, rounding) {
      throw ONNXProblem(
        "coordinate_transformation_mode '\(transform)' with nearest_mode '\(rounding)' does not copy each pixel to "
          + "a \(factors[0])×\(factors[0]) block; cnnswift's upsampling does (asymmetric with floor, as PyTorch exports)"
      )
    }
    try emit(layer, inputs: [input], for: node)
  }

  /// `[1, 1, 2.5, 1e+18]`: whole values without a fraction.
  static func text(_ values: [Float]) -> String { "[" + values.map(text).joined(separator: ", ") + "]" }

  /// `2`, `2.5`, `1e+18`.
  static func text(_ value: Float) -> String {
    value == value.rounded() && abs(value) <= 65536 ? String(Int(value)) : "\(value)"
  }

  /// Whether ONNX's nearest Resize of a side of `size` by `factor` with `transform` and `rounding` takes output
  /// position x from input position x / factor, as cnnswift's upsampling does (ONNX's formulas, checked at every
  /// position of the side).
  /// Its caller bounds `factor` (1 to ``InputLimits/kernelSide``) and the output first; anything else is not a
  /// block copy here.
  static func copiesBlocks(_ size: Int, factor: Int, _ transform: String, _ rounding: String) -> Bool {
    guard size >= 1, (1...InputLimits.kernelSide).contains(factor), size <= InputLimits.sampleValues else {
      return false
    }
    let (scale, outputs) = (Double(factor), size * factor)
    for x in 0..<outputs {
      let position = Double(x)
      let source: Double
      switch transform {
      case "half_pixel", "half_pixel_symmetric": source = (position + 0.5) / scale - 0.5
      case "pytorch_half_pixel": source = outputs > 1 ? (position + 0.5) / scale - 0.5 : 0
      case "align_corners": source = outputs == 1 ? 0 : position * Double(size - 1) / Double(outputs - 1)
      case "asymmetric": source = position / scale
      case "tf_half_pixel_for_nn": source = (position + 0.5) / scale
      default: return false
      }
      let nearest: Double
      switch rounding {
      case "round_prefer_floor":
        nearest = source - source.rounded(.down) == 0.5 ? source.rounded(.down) : source.rounded()
      case "round_prefer_ceil": nearest = source.rounded()
      case "floor": nearest = source.rounded(.down)
      case "ceil": nearest = source.rounded(.up)
      default: return false
      }
      if min(max(Int(nearest), 0), size - 1) != x / factor { return false }
    }
    return true
  }

  private mutating func pad(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["mode"])
    guard try attributes.string("mode", default: "constant") == "constant" else {
      throw ONNXProblem("mode '\(try attributes.string("mode", default: ""))'; cnnswift pads with zeros only")
    }
    if let name = inputName(node, 2) {
      let fill = try floats(name, "constant_value")
      guard fill.data.allSatisfy({ $0 == 0 }) else {
        throw ONNXProblem("pads with \(Self.text(fill.data)); cnnswift pads with 0")
      }
    }
    guard inputName(node, 3) == nil else { throw ONNXProblem("the axes input is not supported; give all 8 pads") }
    let pads = try integers(inputName(node, 1), "pads")
    guard pads.count == 8, pads.allSatisfy({ $0 >= 0 && $0 <= InputLimits.layerWidth }), pads[0] == 0, pads[4] == 0
    else {
      throw ONNXProblem(
        "pads \(ONNXTensor.text(pads)) must be 8 sizes for [N, C, H, W] from 0 to \(InputLimits.layerWidth), none on "
          + "the batch")
    }
    let output = node.output[0]
    switch try value(node.input[0]) {
    case .node(let input, let onnx) where onnx.count == 3 && shapes[input] == onnx:
      if pads[1] == 0 && pads[5] == 0 {
        guard pads[2] == pads[3], pads[6] == pads[7] else {
          throw ONNXProblem("pads \(pads) differ between rows and columns; cnnswift pads top as left, bottom as right")
        }
        define(output, .padded(input, leading: pads[2], trailing: pads[6]))
      } else if pads[2...3].allSatisfy({ $0 == 0 }) && pads[6...7].allSatisfy({ $0 == 0 }) {
        define(output, .shortcut(input, stride: 1, leading: pads[1], trailing: pads[5]))
      } else {
        throw ONNXProblem("pads \(pads) pad channels and rows or columns at once")
      }
    case .shortcut(let input, let stride, 0, 0)
    where pads[2...3].allSatisfy({ $0 == 0 }) && pads[6...].allSatisfy({ $0 == 0 }):
      define(output, .shortcut(input, stride: stride, leading: pads[1], trailing: pads[5]))
    case .node:
      throw ONNXProblem("pads a value that is not [N, C, H, W]")
    case let other:
      throw ONNXProblem("reads '\(node.input[0])', \(describe(other))")
    }
  }

  private mutating func slice(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only([])
    let input = try spatial(node.input[0])
    let shape = shapes[input]
    let starts = try integers(inputName(node, 1), "starts")
    let ends = try integers(inputName(node, 2), "ends")
    let axes = try inputName(node, 3).map { name throws(ONNXProblem) in try integers(name, "axes") } ?? [0, 1, 2, 3]
    let steps =
      try inputName(node, 4).map { name throws(ONNXProblem) in try integers(name, "steps") }
      ?? Array(repeating: 1, count: axes.count)
    let resolved = axes.map { $0 < 0 ? $0 + 4 : $0 }
    guard resolved == [2, 3], starts == [0, 0], ends.count == 2, ends[0] >= shape[1], ends[1] >= shape[2],
      steps.count == 2, steps[0] == steps[1], steps[0] >= 1
    else {
      throw ONNXProblem(
        "cnnswift reads Slice only as a residual block's subsampled shortcut: axes [2, 3], starts 0, ends past the "
          + "map, equal steps")
    }
    define(node.output[0], .shortcut(input, stride: steps[0], leading: 0, trailing: 0))
  }

  private mutating func constantNode(_ node: Onnx_NodeProto, _ attributes: ONNXAttributes) throws(ONNXProblem) {
    try attributes.only(["value", "value_float", "value_floats", "value_int", "value_ints"])
    var tensor: Onnx_TensorProto
    if let value = try attributes.tensor("value") {
      tensor = value
    } else if attributes.has("value_float") {
      tensor = ONNXTensor.make(name: "", Tensor(shape: [], data: [try attributes.float("value_float", default: 0)]))
    } else if let floats = try attributes.floats("value_floats") {
      tensor = ONNXTensor.make(name: "", Tensor(shape: [floats.count], data: floats))
    } else if attributes.has("value_int") {
      tensor = ONNXTensor.make(name: "", integers: [Int64(try attributes.int("value_int", default: 0))])
      tensor.dims = []
    } else if let ints = try attributes.ints("value_ints") {
      tensor = ONNXTensor.make(name: "", integers: ints.map(Int64.init))
    } else {
      throw ONNXProblem("has no value")
    }
    tensor.name = node.output[0]
    constants[node.output[0]] = tensor
  }
}
