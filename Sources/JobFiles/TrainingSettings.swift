import CNN
import CNNDistributed
import Foundation
import ModelFormats

/// The `train:` section of a `kind: train` job: what `cnnswift train` runs at each point. Lists
/// (models, ResNet depths, batches, sync modes) make a sweep; single values are lists of one.
///
/// ```yaml
/// train:
///   model: [lenet, mlp]        # lenet, mlp, resnet, or a model file (.cnn, .onnx, darknet .cfg)
///   weights: yolo.weights      # optional: the .weights of a darknet .cfg model (default: seeded)
///   layers: [32, 80, 110]      # ResNet depths (6n+2), with model resnet only
///   batch: [64]                # images per step on each rank
///   sync: [batch, end]         # batch, every:N, epoch or end
///   epochs: 5
///   lr: 0.01                   # optional, as cnnswift train: momentum 0.9, weight_decay 0, milestones []
///   data: synthetic:6000       # a folder on every node, synthetic:N, or PATH/NAME of .ts files (default:
///                              # Debian's Fashion-MNIST)
///   pad_series: false          # optional, time series: as --pad-series, --impute-missing, not --no-znorm
///   impute_missing: false
///   znorm: true
///   seed: 1
///   steps: 100                 # optional: at most this many steps per epoch
/// ```
public struct TrainingSettings: Sendable, Equatable {
  /// The models, each ResNet once per depth, in file order.
  public var models: [TrainingModel]
  /// The forward FLOPs per image of each model file, by its path, counted once as the job is read.
  public var modelFileFLOPs: [String: Double] = [:]
  public var batches: [Int]
  public var syncModes: [SyncMode]
  public var epochs: Int
  public var learningRate: Double
  public var momentum: Double
  public var weightDecay: Double
  public var milestones: [Int]
  /// `--data`; `nil` for Debian's Fashion-MNIST.
  public var data: String?
  /// `pad_series`, `impute_missing` and `znorm`: how a time-series data set's cases become samples.
  public var timeSeries = TimeSeriesPreparation()
  public var seed: UInt64
  public var stepsPerEpoch: Int?
  /// The line of each key of the section, for messages about its values.
  public var lines: [String: Int] = [:]

  /// The deepest ResNet (He et al.'s largest CIFAR ResNet, 1202 layers): the planner builds each
  /// model once to count its FLOPs, so a depth is bounded before it is built.
  public static let maximumDepth = InputLimits.resNetDepth
  /// The most images per step on a rank.
  public static let maximumBatch = 65_536
  /// The most epochs (and the latest milestone).
  public static let maximumEpochs = 100_000
  /// The most steps per epoch.
  public static let maximumSteps = 100_000_000

  /// `path` made absolute against the folder the job is read in, as a hostfile's is: each point's run starts
  /// in its own folder, and must find the same file.
  static func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
      .standardizedFileURL.path
  }

  /// The section's keys.
  static let keys = [
    "model", "layers", "weights", "batch", "sync", "epochs", "lr", "momentum", "weight_decay", "milestones", "data",
    "seed", "steps", "pad_series", "impute_missing", "znorm",
  ]

  /// Reads the `train:` section.
  init(_ section: YAMLReader) throws(JobFileError) {
    try section.rejectUnknownKeys(allowed: Self.keys)
    for key in Self.keys { if let line = section.keyLine(key) { lines[key] = line } }
    let names =
      try section.stringList(
        "model", expected: "a model name (\(Architecture.names.joined(separator: ", "))) or a model file") ?? ["lenet"]
    let depths = try section.positiveIntList("layers", maximum: Self.maximumDepth)
    let weights = try section.string("weights").map(Self.absolute)
    var models: [TrainingModel] = []
    for name in names {
      if ModelLoader.isModelFile(name) {
        models.append(.file(path: Self.absolute(name), weights: ModelLoader.kind(of: name) == .darknet ? weights : nil))
        continue
      }
      do {
        if name.lowercased() == "resnet" {
          for depth in depths ?? [20] { models.append(.preset(try Architecture(name: name, layers: depth))) }
        } else {
          models.append(.preset(try Architecture(name: name, layers: nil)))
        }
      } catch {
        // The engine's messages speak of flags; a job file speaks of keys.
        let key = error.message.hasPrefix("--layers") ? "layers" : "model"
        let message = error.message.replacingOccurrences(of: "--layers", with: "layers")
          .replacingOccurrences(of: "--model", with: "model")
        throw section.fail(key, section.value(key), message)
      }
    }
    if depths != nil && !models.contains(where: { $0.layers != nil }) {
      throw section.fail("layers", section.value("layers"), "applies to model resnet only; add resnet to model")
    }
    if weights != nil && !models.contains(where: { ModelLoader.kind(of: $0.name) == .darknet && $0.layers == nil }) {
      throw section.fail("weights", section.value("weights"), "goes with a darknet .cfg model")
    }
    var seen: Set<String> = []
    self.models = models.filter { seen.insert($0.description).inserted }
    for case .file(let path, let weights) in self.models {
      // Read now, so that a model file that cannot be trained stops the job before its first point.
      do {
        let file = try ModelLoader.load(path: path, weights: weights)
        guard file.classes != nil, file.inputShape.count == 3 else {
          throw ModelFileError(path, "holds \(file.summary); training needs a classifier of C×H×W images")
        }
        modelFileFLOPs[path] = Double(try file.build().forwardFLOPs)
      } catch {
        throw section.fail("model", section.value("model"), "\(error)")
      }
    }
    batches = try section.positiveIntList("batch", maximum: Self.maximumBatch) ?? [64]
    let syncTexts = try section.stringList("sync", expected: SyncMode.spellings) ?? ["batch"]
    var modes: [SyncMode] = []
    for text in syncTexts {
      guard let mode = SyncMode(parsing: text) else {
        throw section.fail("sync", section.value("sync"), "expected \(SyncMode.spellings), found '\(text)'")
      }
      if !modes.contains(mode) { modes.append(mode) }
    }
    syncModes = modes
    epochs = try section.positiveInt("epochs", maximum: Self.maximumEpochs) ?? 1
    learningRate = try section.number("lr", in: 1e-12...1e6, expected: "a positive learning rate") ?? 0.01
    momentum = try section.number("momentum", in: 0...0.999_999, expected: "a momentum in [0, 1)") ?? 0.9
    weightDecay = try section.number("weight_decay", in: 0...1, expected: "a weight decay in [0, 1]") ?? 0
    milestones = try section.positiveIntList("milestones", maximum: Self.maximumEpochs) ?? []
    data = try section.string("data")
    if let data {
      do { _ = try DataSource(spec: data) } catch {
        throw section.fail("data", section.value("data"), "\(error)")
      }
    }
    seed = 1
    if let value = section.value("seed") {
      guard let number = YAMLReader.int(value), number >= 0 else {
        throw section.fail("seed", value, "expected a non-negative integer, found \(YAMLReader.show(value))")
      }
      seed = UInt64(number)
    }
    stepsPerEpoch = try section.positiveInt("steps", maximum: Self.maximumSteps)
    func flag(_ key: String, default value: Bool) throws(JobFileError) -> Bool {
      guard let node = section.value(key) else { return value }
      guard let flag = node.bool else {
        throw section.fail(key, node, "expected true or false, found \(YAMLReader.show(node))")
      }
      return flag
    }
    timeSeries = TimeSeriesPreparation(
      padsLengths: try flag("pad_series", default: false), imputesMissing: try flag("impute_missing", default: false),
      zNormalizes: try flag("znorm", default: true))
  }
}

/// What one point of a training sweep runs: one model, batch and sync mode, with the job's other
/// training settings.
public struct TrainingRun: Sendable, Equatable {
  public var model: TrainingModel
  public var batchPerRank: Int
  public var sync: SyncMode
  public var settings: TrainingSettings
  /// The model's forward FLOPs per image (LeNet and the MLP on 1×28×28, the ResNets on 3×32×32, a model
  /// file on its own input), for the point's time bound.
  public var forwardFLOPsPerImage: Double

  /// A run; `forwardFLOPsPerImage` when already known for the model (building the model
  /// to count them costs its weights' initialization).
  public init(
    model: TrainingModel, batchPerRank: Int, sync: SyncMode, settings: TrainingSettings,
    forwardFLOPsPerImage: Double? = nil
  ) {
    (self.model, self.batchPerRank, self.sync, self.settings) = (model, batchPerRank, sync, settings)
    self.forwardFLOPsPerImage = forwardFLOPsPerImage ?? Self.forwardFLOPs(of: model, settings: settings)
  }

  /// `model`'s forward FLOPs per image: a preset's counted on its usual input, a model file's as the job was read.
  public static func forwardFLOPs(of model: TrainingModel, settings: TrainingSettings) -> Double {
    switch model {
    case .preset(let architecture): forwardFLOPs(of: architecture)
    case .file(let path, _): settings.modelFileFLOPs[path] ?? 0
    }
  }

  /// `architecture`'s forward FLOPs per image, counted on the model built for its usual input.
  public static func forwardFLOPs(of architecture: Architecture) -> Double {
    Double(architecture.build(inputShape: architecture.usualInputShape, seed: 1).forwardFLOPs)
  }

  /// The training settings of this run, for `cnnswift train --job` (its outputs, such as the
  /// results file and checkpoints, stay at their defaults for the caller to set).
  public var options: TrainingOptions {
    TrainingOptions(
      model: model, data: settings.data, batchPerRank: batchPerRank, epochs: settings.epochs,
      sync: sync, learningRate: Float(settings.learningRate), momentum: Float(settings.momentum),
      weightDecay: Float(settings.weightDecay), milestones: settings.milestones, seed: settings.seed,
      stepsPerEpoch: settings.stepsPerEpoch, timeSeries: settings.timeSeries)
  }

  /// The training flags of `cnnswift train` for this run (after `train`), the same ones a user
  /// would type: sweeps launch each point's run with them.
  public var arguments: [String] {
    var arguments = model.arguments
    arguments += [
      "--batch", String(batchPerRank), "--epochs", String(settings.epochs), "--sync", sync.description, "--lr",
      String(settings.learningRate), "--momentum", String(settings.momentum), "--weight-decay",
      String(settings.weightDecay), "--seed", String(settings.seed),
    ]
    if !settings.milestones.isEmpty {
      arguments += ["--milestones", settings.milestones.map(String.init).joined(separator: ",")]
    }
    if let data = settings.data { arguments += ["--data", data] }
    if let steps = settings.stepsPerEpoch { arguments += ["--steps", String(steps)] }
    if settings.timeSeries.padsLengths { arguments.append("--pad-series") }
    if settings.timeSeries.imputesMissing { arguments.append("--impute-missing") }
    if !settings.timeSeries.zNormalizes { arguments.append("--no-znorm") }
    return arguments
  }

  /// The part of a point's id naming the run: `lenet-b64-sync-batch`, `resnet32-b32-sync-every4`.
  public var idPart: String {
    let sync = self.sync.description.replacingOccurrences(of: ":", with: "")
    return "\(model.shortName)-b\(batchPerRank)-sync-\(sync)"
  }
}

extension JobFile {
  /// The one training run of a `kind: train` job without lists, for `cnnswift train --job`.
  /// Throws, naming the key, for a job of another kind or one whose lists make a sweep.
  public func singleTrainingRun() throws(JobFileError) -> TrainingRun {
    guard let train else {
      throw JobFileError(
        path: path, line: lines["kind"], key: "kind",
        message: "expected train (cnnswift train runs training jobs), found \(kind.rawValue)")
    }
    let lists: [(key: String, line: Int?, count: Int)] = [
      ("train.model", train.lines["layers"] ?? train.lines["model"], train.models.count),
      ("train.batch", train.lines["batch"], train.batches.count),
      ("train.sync", train.lines["sync"], train.syncModes.count),
      ("nodes", lines["nodes"], nodes.count), ("ranks_per_node", lines["ranks_per_node"], ranksPerNode.count),
    ]
    for (key, line, count) in lists where count > 1 {
      throw JobFileError(
        path: path, line: line, key: key,
        message: "\(count) values make a sweep of \(count) runs; run it with `clusterbench submit \(path)`, "
          + "or keep one value for `cnnswift train --job`")
    }
    return TrainingRun(
      model: train.models[0], batchPerRank: train.batches[0], sync: train.syncModes[0], settings: train)
  }
}
