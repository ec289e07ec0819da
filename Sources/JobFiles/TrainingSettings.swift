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
///   optimizer: sgd             # optional: sgd or adam
///   lr: 0.01                   # optional, as cnnswift train: 0.01 (sgd) or 0.001 (adam), momentum 0.9 (sgd),
///                              # weight_decay 0, milestones []
///   lr_plateau: false          # optional: as --lr-plateau, with plateau_patience 50, plateau_factor 0.5,
///                              # min_lr 0.0001
///   data: synthetic:6000       # a folder on every node, synthetic:N, or PATH/NAME of .ts files (default:
///                              # Debian's Fashion-MNIST); a list makes a sweep over data sets
///   pad_series: false          # optional, time series: as --pad-series (or resample_series: as
///                              # --resample-series), --impute-missing, not --no-znorm
///   impute_missing: false
///   znorm: true
///   seed: 1
///   steps: 100                 # optional: at most this many steps per epoch
///   test_every: 1              # optional: the test accuracy after every this many epochs and the last
/// ```
public struct TrainingSettings: Sendable, Equatable {
  /// The models, each ResNet once per depth, in file order.
  public var models: [TrainingModel]
  /// The forward FLOPs per image of each model file, by its path, counted once as the job is read.
  public var modelFileFLOPs: [String: Double] = [:]
  public var batches: [Int]
  public var syncModes: [SyncMode]
  public var epochs: Int
  public var optimizer: OptimizerKind
  public var learningRate: Double
  public var momentum: Double
  public var weightDecay: Double
  public var milestones: [Int]
  /// `lr_plateau` (with `plateau_patience`, `plateau_factor`, `min_lr`): nil for a rate only milestones change.
  public var plateau: PlateauSchedule.Settings?
  /// Each `--data` of the sweep, in file order; `[nil]` for Debian's Fashion-MNIST.
  public var dataSets: [String?]
  /// The training cases and sample shape of each time-series data set whose training file is here, by its
  /// `--data`, for the points' time bounds (a data set on the nodes only is not read).
  public var seriesShapes: [String: SeriesShape] = [:]

  /// A time-series training set's size: its cases, and the `[dimensions, 1, longest]` each one becomes.
  public struct SeriesShape: Sendable, Equatable {
    public var cases: Int
    public var inputShape: [Int]
  }
  /// `pad_series`, `impute_missing` and `znorm`: how a time-series data set's cases become samples.
  public var timeSeries = TimeSeriesPreparation()
  public var seed: UInt64
  public var stepsPerEpoch: Int?
  /// `--test-every`.
  public var testEvery = 1
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
    "model", "layers", "weights", "batch", "sync", "epochs", "optimizer", "lr", "momentum", "weight_decay",
    "milestones", "lr_plateau", "plateau_patience", "plateau_factor", "min_lr", "data", "seed", "steps", "pad_series",
    "resample_series",
    "impute_missing", "znorm", "test_every",
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
    func flag(_ key: String, default value: Bool) throws(JobFileError) -> Bool {
      guard let node = section.value(key) else { return value }
      guard let flag = node.bool else {
        throw section.fail(key, node, "expected true or false, found \(YAMLReader.show(node))")
      }
      return flag
    }
    let optimizerName = try section.string("optimizer") ?? "sgd"
    guard let optimizer = OptimizerKind(rawValue: optimizerName) else {
      throw section.fail(
        "optimizer", section.value("optimizer"), "expected \(OptimizerKind.spellings), found '\(optimizerName)'")
    }
    self.optimizer = optimizer
    learningRate =
      try section.number("lr", in: 1e-12...1e6, expected: "a positive learning rate")
      ?? optimizer.defaultLearningRate
    if optimizer == .adam, let node = section.value("momentum") {
      throw section.fail("momentum", node, "is SGD's; optimizer adam keeps its own averages (β 0.9 and 0.999)")
    }
    momentum = try section.number("momentum", in: 0...0.999_999, expected: "a momentum in [0, 1)") ?? 0.9
    weightDecay = try section.number("weight_decay", in: 0...1, expected: "a weight decay in [0, 1]") ?? 0
    milestones = try section.positiveIntList("milestones", maximum: Self.maximumEpochs) ?? []
    plateau = try Self.plateau(section, on: try flag("lr_plateau", default: false))
    if plateau != nil && !milestones.isEmpty {
      throw section.fail(
        "lr_plateau", section.value("lr_plateau"), "and milestones both set the learning rate: give one of them")
    }
    var data: [String] = []
    for spec in try section.stringList("data", expected: "a folder, synthetic:N or PATH/NAME of .ts files") ?? [] {
      // Absolute, as a model file's path: each point's run starts in its own folder.
      do { data.append(try DataSource(spec: spec).mappingPaths(Self.absolute).description) } catch {
        throw section.fail("data", section.value("data"), "\(error)")
      }
    }
    var seenData: Set<String> = []
    dataSets = data.isEmpty ? [nil] : data.filter { seenData.insert($0).inserted }
    for spec in data {
      guard case .timeSeries(let train, _)? = try? DataSource(spec: spec), let file = try? TimeSeriesFile(path: train)
      else { continue }
      seriesShapes[spec] = SeriesShape(
        cases: file.series.count, inputShape: [file.dimensions, 1, file.lengths.max() ?? 1])
    }
    seed = 1
    if let value = section.value("seed") {
      guard let number = YAMLReader.int(value), number >= 0 else {
        throw section.fail("seed", value, "expected a non-negative integer, found \(YAMLReader.show(value))")
      }
      seed = UInt64(number)
    }
    stepsPerEpoch = try section.positiveInt("steps", maximum: Self.maximumSteps)
    testEvery = try section.positiveInt("test_every", maximum: Self.maximumEpochs) ?? 1
    let (pads, resamples) = (try flag("pad_series", default: false), try flag("resample_series", default: false))
    if pads && resamples {
      throw section.fail(
        "resample_series", section.value("resample_series"), "and pad_series both make lengths equal: give one")
    }
    timeSeries = TimeSeriesPreparation(
      padsLengths: pads, resamplesLengths: resamples, imputesMissing: try flag("impute_missing", default: false),
      zNormalizes: try flag("znorm", default: true))
  }
}

extension TrainingSettings {
  /// `lr_plateau`'s settings from `plateau_patience`, `plateau_factor` and `min_lr` when it is `on`; those keys
  /// are refused without it.
  static func plateau(_ section: YAMLReader, on: Bool) throws(JobFileError) -> PlateauSchedule.Settings? {
    guard on else {
      for key in ["plateau_patience", "plateau_factor", "min_lr"] {
        if let node = section.value(key) { throw section.fail(key, node, "goes with lr_plateau: true") }
      }
      return nil
    }
    let usual = PlateauSchedule.Settings()
    let patience = try section.positiveInt("plateau_patience", maximum: maximumEpochs) ?? usual.patience
    let factor = try section.number("plateau_factor", in: 1e-6...0.999_999, expected: "a factor in (0, 1)")
    let minimum = try section.number("min_lr", in: 1e-12...1e6, expected: "a positive learning rate")
    return PlateauSchedule.Settings(
      factor: factor.map(Float.init) ?? usual.factor, patience: patience,
      minimumRate: minimum.map(Float.init) ?? usual.minimumRate)
  }
}

/// What one point of a training sweep runs: one model, batch and sync mode, with the job's other
/// training settings.
public struct TrainingRun: Sendable, Equatable {
  public var model: TrainingModel
  public var batchPerRank: Int
  public var sync: SyncMode
  /// `--data`: one of the settings' data sets; nil for Debian's Fashion-MNIST.
  public var data: String?
  public var settings: TrainingSettings
  /// The model's forward FLOPs per image (LeNet and the MLP on 1×28×28, the ResNets on 3×32×32, a time-series
  /// preset on its data set's series when they were read, a model file on its own input), for the point's time
  /// bound.
  public var forwardFLOPsPerImage: Double

  /// A run; `forwardFLOPsPerImage` when already known for the model (building the model
  /// to count them costs its weights' initialization).
  public init(
    model: TrainingModel, batchPerRank: Int, sync: SyncMode, data: String?, settings: TrainingSettings,
    forwardFLOPsPerImage: Double? = nil
  ) {
    (self.model, self.batchPerRank, self.sync, self.data, self.settings) = (model, batchPerRank, sync, data, settings)
    self.forwardFLOPsPerImage =
      forwardFLOPsPerImage ?? Self.forwardFLOPs(of: model, settings: settings, data: data)
  }

  /// `model`'s forward FLOPs per image: a preset's counted on `data`'s series when the job read them, else on its
  /// usual input; a model file's as the job was read.
  public static func forwardFLOPs(of model: TrainingModel, settings: TrainingSettings, data: String?) -> Double {
    switch model {
    case .preset(let architecture):
      forwardFLOPs(of: architecture, inputShape: data.flatMap { settings.seriesShapes[$0]?.inputShape })
    case .file(let path, _): settings.modelFileFLOPs[path] ?? 0
    }
  }

  /// `architecture`'s forward FLOPs per image, counted on the model built for `inputShape` (its usual input when
  /// nil or not one it takes).
  public static func forwardFLOPs(of architecture: Architecture, inputShape: [Int]? = nil) -> Double {
    let shape = architecture.takesSeries ? inputShape ?? architecture.usualInputShape : architecture.usualInputShape
    return Double(architecture.build(inputShape: shape, seed: 1).forwardFLOPs)
  }

  /// The training settings of this run, for `cnnswift train --job` (its outputs, such as the
  /// results file and checkpoints, stay at their defaults for the caller to set).
  public var options: TrainingOptions {
    var options = TrainingOptions(
      model: model, data: data, batchPerRank: batchPerRank, epochs: settings.epochs, sync: sync,
      optimizer: settings.optimizer, learningRate: Float(settings.learningRate), momentum: Float(settings.momentum),
      weightDecay: Float(settings.weightDecay), milestones: settings.milestones, plateau: settings.plateau,
      seed: settings.seed, stepsPerEpoch: settings.stepsPerEpoch, timeSeries: settings.timeSeries)
    options.testEvery = settings.testEvery
    return options
  }

  /// The training flags of `cnnswift train` for this run (after `train`), the same ones a user
  /// would type: sweeps launch each point's run with them.
  public var arguments: [String] {
    var arguments = model.arguments
    arguments += [
      "--batch", String(batchPerRank), "--epochs", String(settings.epochs), "--sync", sync.description,
      "--optimizer", settings.optimizer.rawValue, "--lr", String(settings.learningRate), "--weight-decay",
      String(settings.weightDecay), "--seed", String(settings.seed),
    ]
    if settings.optimizer == .sgd { arguments += ["--momentum", String(settings.momentum)] }
    if let plateau = settings.plateau {
      arguments += [
        "--lr-plateau", "--plateau-patience", String(plateau.patience), "--plateau-factor", String(plateau.factor),
        "--min-lr", String(plateau.minimumRate),
      ]
    }
    if !settings.milestones.isEmpty {
      arguments += ["--milestones", settings.milestones.map(String.init).joined(separator: ",")]
    }
    if let data { arguments += ["--data", data] }
    if let steps = settings.stepsPerEpoch { arguments += ["--steps", String(steps)] }
    if settings.testEvery != 1 { arguments += ["--test-every", String(settings.testEvery)] }
    if settings.timeSeries.padsLengths { arguments.append("--pad-series") }
    if settings.timeSeries.resamplesLengths { arguments.append("--resample-series") }
    if settings.timeSeries.imputesMissing { arguments.append("--impute-missing") }
    if !settings.timeSeries.zNormalizes { arguments.append("--no-znorm") }
    return arguments
  }

  /// The part of a point's id naming the run: `lenet-b64-sync-batch`, `resnet32-b32-sync-every4`, and in a
  /// sweep over data sets the data set's name after it (`fcn-b16-sync-batch-GunPoint`).
  public var idPart: String {
    let sync = self.sync.description.replacingOccurrences(of: ":", with: "")
    let base = "\(model.shortName)-b\(batchPerRank)-sync-\(sync)"
    guard settings.dataSets.count > 1, let data else { return base }
    let name = (data.split(separator: "/").last.map(String.init) ?? data).filter {
      $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-")
    }
    return base + "-" + name
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
      ("train.data", train.lines["data"], train.dataSets.count),
      ("nodes", lines["nodes"], nodes.count), ("ranks_per_node", lines["ranks_per_node"], ranksPerNode.count),
    ]
    for (key, line, count) in lists where count > 1 {
      throw JobFileError(
        path: path, line: line, key: key,
        message: "\(count) values make a sweep of \(count) runs; run it with `clusterbench submit \(path)`, "
          + "or keep one value for `cnnswift train --job`")
    }
    return TrainingRun(
      model: train.models[0], batchPerRank: train.batches[0], sync: train.syncModes[0], data: train.dataSets[0],
      settings: train)
  }
}
