import CNN

/// The model `cnnswift train` trains: a built-in preset, drawn from the seed for the data set's shape and
/// classes, or a model file (`.cnn`, `.onnx`, darknet `.cfg` with its `.weights`) whose graph and weights are
/// the starting point: PyTorch's exported model trains on, as a .cnn checkpoint of it would.
public enum TrainingModel: Sendable, Equatable, CustomStringConvertible {
  /// `--model lenet|mlp|resnet [--layers L]`.
  case preset(Architecture)
  /// `--model-file FILE [--weights W]`: the weights file goes with a darknet `.cfg` (without one, a cfg's weights
  /// are drawn from the seed).
  case file(path: String, weights: String?)

  /// The model as a checkpoint names it: `resnet20`, or the model file's name (`lenet.onnx`, `yolo.cfg with
  /// yolo.weights`). Names without folders let a run resume after its files move; the checkpoint also holds
  /// the graph, which must match.
  public var description: String {
    switch self {
    case .preset(let architecture): architecture.description
    case .file(let path, nil): Self.fileName(path)
    case .file(let path, let weights?): "\(Self.fileName(path)) with \(Self.fileName(weights))"
    }
  }

  /// The results' `model` column: the preset's name (`resnet`), or the model file's name without its folder.
  public var name: String {
    switch self {
    case .preset(let architecture): architecture.name
    case .file(let path, _): Self.fileName(path)
    }
  }

  /// The results' `layers` column: a ResNet's depth, else nil.
  public var layers: Int? {
    if case .preset(let architecture) = self { architecture.layers } else { nil }
  }

  /// The flags of `cnnswift train` that choose this model.
  public var arguments: [String] {
    switch self {
    case .preset(let architecture):
      ["--model", architecture.name] + (architecture.layers.map { ["--layers", String($0)] } ?? [])
    case .file(let path, let weights):
      ["--model-file", path] + (weights.map { ["--weights", $0] } ?? [])
    }
  }

  /// A short name for ids and folder names: `resnet20`, or the model file's name without its folder, its dots
  /// made dashes (`mobilenet-onnx` for `models/mobilenet.onnx`), unlike any preset's.
  public var shortName: String {
    switch self {
    case .preset(let architecture): architecture.description
    case .file(let path, _): Self.fileName(path).replacingOccurrences(of: ".", with: "-")
    }
  }

  /// `path`'s last component: `lenet.onnx` for `models/lenet.onnx`.
  static func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}
