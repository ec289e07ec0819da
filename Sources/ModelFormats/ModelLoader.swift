import CNN

/// Reads a model from any file `--model-file` accepts: a cnnswift model file (`.cnn`), a darknet network
/// (`.cfg`, its weights from a `.weights` file or seeded at random) or an ONNX model (`.onnx`). Each becomes a
/// ``ModelFile``: a name, a ``ModelGraph`` and its parameters, which train, save and infer alike.
public enum ModelLoader {
  /// The kinds of model file, by extension.
  public enum Kind: String, CaseIterable, Sendable {
    case cnnswift = "cnn"
    case darknet = "cfg"
    case onnx = "onnx"
  }

  /// Whether `name` names a model file rather than a preset: it ends in `.cnn`, `.cfg` or `.onnx`, or has a `/`.
  public static func isModelFile(_ name: String) -> Bool {
    name.contains("/") || Kind.allCases.contains { name.lowercased().hasSuffix(".\($0.rawValue)") }
  }

  /// The kind of the model file at `path`, from its extension (a file of another extension is taken for a cnnswift
  /// model file, whose magic is checked when it is read).
  public static func kind(of path: String) -> Kind {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), let kind = Kind(rawValue: name[name.index(after: dot)...].lowercased())
    else { return .cnnswift }
    return kind
  }

  /// The model in the file at `path`. `weights` is a darknet `.weights` file for a `.cfg` (nil: weights drawn
  /// from `seed`, as many as the cfg describes); it is refused for other kinds.
  public static func load(path: String, weights: String? = nil, seed: UInt64 = 1) throws(ModelFileError) -> ModelFile {
    let kind = kind(of: path)
    if weights != nil && kind != .darknet {
      throw ModelFileError(path, "--weights goes with a darknet .cfg, not a .\(kind.rawValue) model")
    }
    let file: ModelFile
    switch kind {
    case .cnnswift: file = try ModelFile.read(path: path)
    case .darknet: file = try DarknetNetwork.load(path: path, weights: weights, seed: seed)
    case .onnx: file = try ONNXImporter.read(path: path)
    }
    try checkVariances(file, path: weights ?? path)
    return file
  }

  /// Refuses a batch normalization whose running variance is below 0, whichever file it came from: its square
  /// root makes every output NaN (finite values are checked as each file is read).
  static func checkVariances(_ file: ModelFile, path: String) throws(ModelFileError) {
    for entry in file.parameters where entry.name.hasSuffix(".running_var") {
      guard let bad = entry.value.data.firstIndex(where: { $0 < 0 }) else { continue }
      throw ModelFileError(
        path,
        "\(entry.name) holds \(entry.value.data[bad]) at value \(bad) of \(entry.value.count): a batch "
          + "normalization's variance must be at least 0 (below, every output is NaN)")
    }
  }

  /// What `cnnswift models --describe` describes: the preset named `model` (`lenet`, `resnet20`) for samples of
  /// `inputShape` (nil: its ``Architecture/usualInputShape``) with `classes` outputs, else the model file at `model`
  /// (its graph for `inputShape` when one is given). Returns the model's name and graph.
  public static func graph(describing model: String, inputShape: [Int]?, classes: Int) throws(ModelFileError) -> (
    name: String, graph: ModelGraph
  ) {
    if let architecture = Architecture.preset(named: model) {
      let shape = inputShape ?? architecture.usualInputShape
      if let problem = architecture.inputProblem(shape) { throw ModelFileError(model, "--input \(problem)") }
      return (model, architecture.graph(inputShape: shape, classes: classes))
    }
    let file = try load(path: model)
    var graph = file.graph
    if let inputShape { graph.inputShape = inputShape }
    return (file.name, graph)
  }
}
