import CNN

/// A darknet cfg as a ``ModelGraph``: each `[section]` after `[net]` is one darknet layer (numbered from 0, as
/// darknet numbers them and as `route` and `shortcut` refer to them), made of one or more graph nodes.
///
/// | section | nodes |
/// |---|---|
/// | convolutional | convolution (with bias unless `batch_normalize=1`), batch normalization in darknet's form, activation |
/// | connected | dense, batch normalization, activation |
/// | maxpool | max pooling with darknet's padding rule (`padding` total, default size − 1, half before) |
/// | avgpool | global average pooling |
/// | route | concatenation of the layers named (one layer: no node, its output is reused) |
/// | shortcut | addition of the previous layer and `from`, activation |
/// | reorg, upsample, dropout, softmax | the layer of that name |
/// | region, yolo | no node: a ``DetectionHead`` reading the previous layer, which becomes a graph output |
///
/// Activations are `linear` (no node), `relu`, `leaky` (slope 0.1) and `logistic`; nodes are named after their
/// darknet layer: `3` for the layer's first node, `3.bn` and `3.leaky` for the others.
public struct DarknetNetwork: Sendable {
  /// A darknet layer that has weights in a `.weights` file, in cfg order.
  struct WeightedLayer: Sendable, Equatable {
    /// The convolution's or the dense layer's node.
    var node: Int
    /// Its batch normalization's node, when `batch_normalize=1`.
    var normalization: Int?
    /// The cfg line of its section.
    var line: Int
  }

  public var graph: ModelGraph
  var weightedLayers: [WeightedLayer]

  /// The graph `config` describes, each section checked (keys, values and shapes) naming its line.
  public init(config: DarknetConfig) throws(ModelFileError) {
    var builder = try Builder(config: config)
    for section in config.sections.dropFirst() { try builder.add(section) }
    graph = try builder.finish()
    weightedLayers = builder.weightedLayers
  }
}

/// Turns sections into nodes, keeping each value's shape to check the next section against.
private struct Builder {
  let path: String
  var inputShape: [Int]
  var nodes: [ModelGraph.Node] = []
  /// Value shapes: the input's, then each node's output's.
  var shapes: [[Int]]
  /// Per darknet layer, the value holding its output.
  var layerValues: [Int] = []
  var heads: [DetectionHead] = []
  var weightedLayers: [DarknetNetwork.WeightedLayer] = []

  /// The input shape from `[net]`: `channels`, `height`, `width`, or `inputs` for a non-image network.
  init(config: DarknetConfig) throws(ModelFileError) {
    path = config.path
    let net = config.sections[0]
    let side = 1...InputLimits.layerWidth
    let width = try net.int("width", 0, in: side, path: path)
    let height = try net.int("height", 0, in: side, path: path)
    let channels = try net.int("channels", 0, in: 1...InputLimits.inputChannels, path: path)
    if width > 0 && height > 0 && channels > 0 {
      inputShape = [channels, height, width]
    } else if let inputs = net.options["inputs"] {
      inputShape = [try net.int("inputs", 0, in: 1...InputLimits.sampleValues, path: path)]
      _ = inputs
    } else {
      throw ModelFileError(path, "line \(net.line): [net] needs width, height and channels (or inputs)")
    }
    shapes = [inputShape]
  }

  /// The value the previous darknet layer left (the input before the first).
  var previous: Int { layerValues.last ?? 0 }

  /// Appends a node reading `inputs`, checking its shape; returns its node index.
  @discardableResult
  mutating func node(_ name: String, _ layer: LayerSpec, _ inputs: [Int], _ section: DarknetConfig.Section)
    throws(ModelFileError) -> Int
  {
    do {
      shapes.append(try layer.outputShape(for: inputs.map { shapes[$0] }))
    } catch {
      throw ModelFileError(path, "line \(section.line): [\(section.type)]: \(error.message)")
    }
    nodes.append(ModelGraph.Node(name: name, layer: layer, inputs: inputs))
    return nodes.count - 1
  }

  /// The darknet layer `text` names, relative (`-1`) or absolute (`8`) from layer `current`, as its value.
  func layerValue(_ text: Substring, current: Int, _ section: DarknetConfig.Section, key: String) throws(ModelFileError)
    -> Int
  {
    guard let number = Int(text.filter { !$0.isWhitespace }) else {
      throw ModelFileError(path, "line \(section.options[key]!.line): [\(section.type)] \(key): '\(text)' is no layer")
    }
    let index = number < 0 ? current + number : number
    guard index >= 0, index < current else {
      throw ModelFileError(
        path,
        "line \(section.options[key]!.line): [\(section.type)] \(key)=\(number) names layer \(index); layer "
          + "\(current) can read layers 0 to \(current - 1)")
    }
    return layerValues[index]
  }

  mutating func add(_ section: DarknetConfig.Section) throws(ModelFileError) {
    let index = layerValues.count
    let output: Int
    switch section.type {
    case "convolutional", "conv": output = try convolutional(section, index)
    case "connected": output = try connected(section, index)
    case "maxpool", "max":
      try section.checkKeys(["size", "stride", "padding"], path: path)
      let stride = try section.int("stride", 1, in: 1...InputLimits.kernelSide, path: path)
      let size = try section.int("size", stride, in: 1...InputLimits.kernelSide, path: path)
      let padding = try section.int("padding", size - 1, in: 0...(2 * size - 2), path: path)
      output = value(
        of: try node("\(index)", .maxPool(.darknet(size: size, stride: stride, padding: padding)), [previous], section))
    case "avgpool", "avg":
      try section.checkKeys([], path: path)
      output = value(of: try node("\(index)", globalAverage(of: shapes[previous]), [previous], section))
    case "dropout":
      try section.checkKeys(["probability"], path: path)
      let rate = try section.float("probability", 0.5, in: 0...0.99, path: path)
      output = value(of: try node("\(index)", .dropout(rate: rate), [previous], section))
    case "softmax", "soft":
      try section.checkKeys(["groups", "temperature"], path: path)
      _ = try section.int("groups", 1, in: 1...1, path: path)
      _ = try section.float("temperature", 1, in: 1...1, path: path)
      guard shapes[previous].count == 1 || shapes[previous].dropFirst().allSatisfy({ $0 == 1 }) else {
        throw ModelFileError(
          path,
          "line \(section.line): [softmax] over a \(ModelFile.text(shapes[previous])) map: cnnswift's darknet "
            + "softmax takes features (after avgpool or connected)")
      }
      output = value(of: try node("\(index)", .softmax, [previous], section))
    case "route": output = try route(section, index)
    case "shortcut": output = try shortcut(section, index)
    case "reorg":
      try section.checkKeys(["stride"], path: path)
      let stride = try section.int("stride", 1, in: 1...InputLimits.kernelSide, path: path)
      output = value(of: try node("\(index)", .reorg(stride: stride), [previous], section))
    case "upsample":
      try section.checkKeys(["stride"], path: path)
      let stride = try section.int("stride", 2, in: 1...InputLimits.kernelSide, path: path)
      output = value(of: try node("\(index)", .upsample(factor: stride), [previous], section))
    case "region", "yolo": output = try detectionHead(section)
    case "cost":
      output = previous  // the training loss: nothing to compute for inference
    default:
      throw ModelFileError(
        path,
        "line \(section.line): [\(section.type)] is not supported; cnnswift reads [net], [convolutional], "
          + "[connected], [maxpool], [avgpool], [route], [shortcut], [reorg], [upsample], [dropout], [softmax], "
          + "[region], [yolo] and [cost]")
    }
    layerValues.append(output)
  }

  /// Darknet's avgpool, whose output is C×1×1 (so that a convolution can follow, as in darknet19): one pooling
  /// window over a square map, else global average pooling to C features.
  func globalAverage(of shape: [Int]) -> LayerSpec {
    guard shape.count == 3, shape[1] == shape[2], shape[1] <= InputLimits.kernelSide else { return .globalAveragePool }
    return .averagePool(PoolingWindow(kernelSize: shape[1]))
  }

  /// The value node `node` computes.
  func value(of node: Int) -> Int { node + 1 }

  private static let activationKeys: Set = ["activation"]

  /// The activation node `section`'s `activation` asks for (none for `linear`), after `input`; returns the value.
  mutating func activation(_ section: DarknetConfig.Section, after input: Int, default fallback: String, _ index: Int)
    throws(ModelFileError) -> Int
  {
    let name = section.options["activation"]?.value ?? fallback
    let function: Activation.Function
    switch name {
    case "linear": return input
    case "relu": function = .relu
    case "leaky": function = .leakyReLU(slope: 0.1)
    case "logistic": function = .sigmoid
    default:
      throw ModelFileError(
        path,
        "line \(section.options["activation"]?.line ?? section.line): [\(section.type)] activation=\(name) is not "
          + "supported; cnnswift has linear, relu, leaky and logistic")
    }
    return value(of: try node("\(index).\(name)", .activation(function), [input], section))
  }

  mutating func convolutional(_ section: DarknetConfig.Section, _ index: Int) throws(ModelFileError) -> Int {
    try section.checkKeys(
      ["filters", "size", "stride", "pad", "padding", "groups", "dilation", "batch_normalize", "activation"],
      path: path)
    let limits = 1...InputLimits.kernelSide
    let filters = try section.int("filters", 1, in: 1...InputLimits.layerWidth, path: path)
    let size = try section.int("size", 1, in: limits, path: path)
    let stride = try section.int("stride", 1, in: limits, path: path)
    let dilation = try section.int("dilation", 1, in: limits, path: path)
    let pad = try section.int("pad", 0, in: 0...1, path: path)
    let padding = pad == 1 ? size / 2 : try section.int("padding", 0, in: 0...InputLimits.kernelSide, path: path)
    let groups = try section.int("groups", 1, in: 1...InputLimits.layerWidth, path: path)
    let normalized = try section.int("batch_normalize", 0, in: 0...1, path: path) == 1
    let convolution = LayerSpec.Convolution(
      filters: filters, kernel: size, stride: stride, padding: padding, dilation: dilation, groups: groups,
      bias: !normalized)
    let conv = try node("\(index)", .convolution(convolution), [previous], section)
    return try weighted(conv, normalized: normalized, section, index)
  }

  mutating func connected(_ section: DarknetConfig.Section, _ index: Int) throws(ModelFileError) -> Int {
    try section.checkKeys(["output", "batch_normalize", "activation"], path: path)
    let outputs = try section.int("output", 1, in: 1...InputLimits.layerWidth, path: path)
    let normalized = try section.int("batch_normalize", 0, in: 0...1, path: path) == 1
    let dense = try node(
      "\(index)", .dense(outputs: outputs, bias: !normalized, initializer: .glorotUniform), [previous], section)
    return try weighted(dense, normalized: normalized, section, index)
  }

  /// After a convolution's or dense layer's `node`: its batch normalization when `normalized`, then its
  /// activation; records the layer's weights. Returns the layer's output value.
  mutating func weighted(_ node: Int, normalized: Bool, _ section: DarknetConfig.Section, _ index: Int)
    throws(ModelFileError) -> Int
  {
    var output = value(of: node)
    var normalization: Int? = nil
    if normalized {
      normalization = try self.node("\(index).bn", Self.normalization, [output], section)
      output = value(of: normalization!)
    }
    weightedLayers.append(.init(node: node, normalization: normalization, line: section.line))
    return try activation(section, after: output, default: "logistic", index)
  }

  /// Darknet's batch normalization: ε = 1e-6 after the square root; running statistics updated by 1 %.
  static let normalization = LayerSpec.batchNormalization(epsilon: 1e-6, momentum: 0.01, form: .darknet)

  mutating func route(_ section: DarknetConfig.Section, _ index: Int) throws(ModelFileError) -> Int {
    try section.checkKeys(["layers"], path: path)
    guard let list = section.options["layers"]?.value.split(separator: ",", omittingEmptySubsequences: false),
      (1...64).contains(list.count)
    else {
      let given = section.options["layers"].map { "\($0.value.split(separator: ",").count) given" } ?? "none given"
      throw ModelFileError(path, "line \(section.line): [route] needs layers=, 1 to 64 of them (\(given))")
    }
    var inputs: [Int] = []
    for text in list { inputs.append(try layerValue(text, current: index, section, key: "layers")) }
    if inputs.count == 1 { return inputs[0] }
    return value(of: try node("\(index)", .concatenate, inputs, section))
  }

  mutating func shortcut(_ section: DarknetConfig.Section, _ index: Int) throws(ModelFileError) -> Int {
    try section.checkKeys(["from", "activation", "alpha", "beta"], path: path)
    _ = try section.float("alpha", 1, in: 1...1, path: path)
    _ = try section.float("beta", 1, in: 1...1, path: path)
    guard let from = section.options["from"]?.value else {
      throw ModelFileError(path, "line \(section.line): [shortcut] needs from=")
    }
    let other = try layerValue(Substring(from), current: index, section, key: "from")
    let sum = try node("\(index)", .add, [previous, other], section)
    return try activation(section, after: value(of: sum), default: "linear", index)
  }

  /// A region or yolo section: the previous layer's value becomes an output read by a ``DetectionHead``.
  mutating func detectionHead(_ section: DarknetConfig.Section) throws(ModelFileError) -> Int {
    let yolo = section.type == "yolo"
    let classes = try section.int("classes", 20, in: 1...InputLimits.classes, path: path)
    let total = try section.int("num", 1, in: 1...1024, path: path)
    guard let anchors = try section.list("anchors", path: path, "numbers", { Float($0) }) else {
      throw ModelFileError(path, "line \(section.line): [\(section.type)] needs anchors=")
    }
    if let bad = anchors.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
      throw ModelFileError(
        path,
        "line \(section.options["anchors"]!.line): [\(section.type)] anchors: value \(bad + 1), \(anchors[bad]), is not a "
          + "positive number (a width or a height)")
    }
    guard anchors.count == 2 * total else {
      throw ModelFileError(
        path,
        "line \(section.options["anchors"]!.line): [\(section.type)] anchors: \(anchors.count) values for num=\(total);"
          + " expected \(2 * total) positive numbers (a width and a height per anchor)")
    }
    var chosen = anchors
    if yolo, let mask = try section.list("mask", path: path, "anchor indices", { Int($0) }) {
      guard mask.allSatisfy({ (0..<total).contains($0) }) else {
        throw ModelFileError(
          path, "line \(section.options["mask"]!.line): [yolo] mask: indices must be 0 to \(total - 1)")
      }
      chosen = mask.flatMap { [anchors[2 * $0], anchors[2 * $0 + 1]] }
    }
    if !yolo { _ = try section.int("coords", 4, in: 4...4, path: path) }
    let softmaxOption = try section.int("softmax", 0, in: 0...1, path: path)
    let softmax = !yolo && softmaxOption == 1
    guard previous > 0 else {
      throw ModelFileError(path, "line \(section.line): [\(section.type)] reads the input; it must follow a layer")
    }
    let head = DetectionHead(
      kind: yolo ? .yolo : .region, output: previous - 1, anchors: chosen, classes: classes, softmax: softmax)
    guard shapes[previous].count == 3, shapes[previous][0] == head.channels else {
      throw ModelFileError(
        path,
        "line \(section.line): [\(section.type)] of \(head.anchorCount) anchors and \(classes) classes reads "
          + "\(head.channels) channels, the layer before gives \(ModelFile.text(shapes[previous]))")
    }
    heads.append(head)
    return previous
  }

  /// The graph: its outputs are the heads' inputs, or the last layer's output for a network without heads.
  func finish() throws(ModelFileError) -> ModelGraph {
    guard !nodes.isEmpty else { throw ModelFileError(path, "the cfg has no layers after [net]") }
    let outputs = heads.isEmpty ? [previous - 1] : heads.map(\.output)
    guard outputs.allSatisfy({ $0 >= 0 }) else { throw ModelFileError(path, "the network's output is its input") }
    let graph = ModelGraph(
      inputShape: inputShape, nodes: nodes, outputs: outputs, detectionHeads: heads.isEmpty ? nil : heads)
    do {
      _ = try graph.shapes()
    } catch {
      throw ModelFileError(path, "its graph does not check: \(error)")
    }
    return graph
  }
}

extension DarknetNetwork {
  /// The model of the cfg at `path`, named after the file (`yolov2-tiny`), its weights read from `weights` or,
  /// without one, drawn from `seed`: exactly as many values as the cfg describes, for timing without trained
  /// weights.
  public static func load(path: String, weights: String?, seed: UInt64) throws(ModelFileError) -> ModelFile {
    let network = try DarknetNetwork(config: try DarknetConfig.read(path: path))
    let built: Network
    do {
      built = try network.graph.build(seed: seed)
    } catch {
      throw ModelFileError(path, "its graph does not check: \(error)")
    }
    var file = ModelFile(network: built, graph: network.graph, name: modelName(path))
    if let weights { try DarknetWeights.read(path: weights, into: &file, network: network) }
    return file
  }

  /// `models/yolov2-tiny.cfg` → `yolov2-tiny`.
  static func modelName(_ path: String) -> String {
    let file = path.split(separator: "/").last.map(String.init) ?? path
    let stem = file.hasSuffix(".cfg") ? String(file.dropLast(4)) : file
    return stem.isEmpty || stem.utf8.count > 256 ? "darknet" : stem
  }
}
