import CNN
import Foundation
import SuiteCore

/// Everything `cnnswift train` is asked to do.
public struct TrainingOptions: Sendable {
  /// `--model` or `--model-file`: what to train.
  public var model: TrainingModel
  /// `--data`: a folder, `synthetic:N`, or nil for Debian's Fashion-MNIST.
  public var data: String?
  /// Images per step on each rank (`--batch`).
  public var batchPerRank: Int
  public var epochs: Int
  public var sync: SyncMode
  /// `--optimizer`: SGD (with ``momentum``) or Adam.
  public var optimizer: OptimizerKind
  /// The initial learning rate.
  public var learningRate: Float
  /// SGD's momentum (Adam has its own βs).
  public var momentum: Float
  public var weightDecay: Float
  /// Epochs after which the learning rate is multiplied by 0.1.
  public var milestones: [Int]
  /// `--lr-plateau`: lower the rate when the training loss stops improving; nil for a rate that only
  /// ``milestones`` change.
  public var plateau: PlateauSchedule.Settings?
  public var seed: UInt64
  /// Train at most this many steps per epoch (benchmarks); nil for whole epochs.
  public var stepsPerEpoch: Int?
  public var resultsPath: String
  /// `--telemetry` interval, seconds.
  public var telemetryInterval: Double?
  /// On one rank, train as K ranks with `--sync batch` would: each step's batch is the K shards'
  /// batches put together (K × batch images), so the weights match a K-rank run's up to
  /// floating-point reassociation (for models without batch normalization, whose statistics
  /// depend on the batch). For checking the data-parallel arithmetic; nil normally.
  public var emulatedRanks: Int? = nil
  /// With `--sync batch`, average each layer's gradients while the earlier layers still
  /// back-propagate (`--no-overlap` turns it off, for comparison).
  public var overlapCommunication = true
  /// `--checkpoint-dir`: where rank 0 writes `checkpoint.cnnckpt` after every epoch; nil for no checkpoints.
  public var checkpointDirectory: String?
  /// `--resume`: continue from the checkpoint in ``checkpointDirectory`` (from epoch 1 when there is none yet).
  public var resume: Bool
  /// `--save`: where rank 0 writes the trained model file at the end; nil for nowhere.
  public var savePath: String?
  /// `--run-id`: the run's id in the results and its telemetry folder's name; nil to make one.
  public var runID: String? = nil
  /// The job the run belongs to (`--job`, or the sweep that launched it), for the results' `job` column.
  public var jobName = ""
  /// `--test-every`: the test accuracy after every this many epochs (and the last); 1 for every epoch.
  public var testEvery = 1
  /// The least time between two progress reports inside an epoch, seconds.
  public var progressInterval = 1.0
  /// How a time-series data set's cases become samples (`--pad-series`, `--impute-missing`, `--no-znorm`).
  public var timeSeries = TimeSeriesPreparation()

  public init(
    model: TrainingModel, data: String? = nil, batchPerRank: Int = 64, epochs: Int = 1, sync: SyncMode = .batch,
    optimizer: OptimizerKind = .sgd, learningRate: Float = 0.01, momentum: Float = 0.9, weightDecay: Float = 0,
    milestones: [Int] = [], plateau: PlateauSchedule.Settings? = nil, seed: UInt64 = 1, stepsPerEpoch: Int? = nil,
    resultsPath: String = TrainingRecord.defaultPath,
    telemetryInterval: Double? = nil, checkpointDirectory: String? = nil, resume: Bool = false,
    savePath: String? = nil, timeSeries: TimeSeriesPreparation = TimeSeriesPreparation()
  ) {
    (self.model, self.data, self.batchPerRank, self.epochs, self.sync) = (model, data, batchPerRank, epochs, sync)
    (self.optimizer, self.learningRate, self.momentum, self.weightDecay, self.milestones, self.seed) = (
      optimizer, learningRate, momentum, weightDecay, milestones, seed
    )
    self.plateau = plateau
    (self.stepsPerEpoch, self.resultsPath, self.telemetryInterval) = (stepsPerEpoch, resultsPath, telemetryInterval)
    (self.checkpointDirectory, self.resume, self.savePath) = (checkpointDirectory, resume, savePath)
    self.timeSeries = timeSeries
  }

  /// `DIR/checkpoint.cnnckpt`, when checkpoints are on.
  public var checkpointPath: String? {
    checkpointDirectory.map { ($0.hasSuffix("/") ? $0 : $0 + "/") + CheckpointFile.fileName }
  }

  /// The options a checkpoint records, by flag (without `--`), for a resumed run on `ranks` ranks to compare.
  ///
  /// Those in ``optionsThatMustMatch`` decide which images each rank sees in which step and when ranks average,
  /// so a run resumed with another value could not continue the same training (and the optimizer decides what
  /// state it keeps); the others (learning rate, momentum, weight decay, milestones, the plateau's settings) only
  /// scale the updates, and a resumed run may change them on purpose (a lower `--lr` after the loss diverged),
  /// with a note.
  public func checkpointOptions(ranks: Int) -> [String: String] {
    [
      "model": model.description, "data": (try? DataSource(spec: data).description) ?? (data ?? ""),
      "batch": String(batchPerRank), "sync": sync.description, "seed": String(seed), "ranks": String(ranks),
      "steps": stepsPerEpoch.map(String.init) ?? "all", "lr": String(learningRate), "momentum": String(momentum),
      "weight-decay": String(weightDecay), "milestones": milestones.map(String.init).joined(separator: ","),
      "optimizer": optimizer.rawValue, "lr-plateau": plateau?.description ?? "off",
    ]
  }

  /// The checkpoint options a resumed run must repeat exactly.
  public static let optionsThatMustMatch = ["model", "data", "batch", "sync", "seed", "ranks", "steps", "optimizer"]

  /// The options that checkpoints written before they existed do not record, with the value those runs had.
  public static let unrecordedCheckpointOptions = ["optimizer": "sgd", "lr-plateau": "off"]
}

/// A problem with the input that stops training before it starts; every rank sees the same one.
public struct TrainingInputError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// How far rank 0 is through an epoch: what a progress line shows.
public struct EpochProgress: Sendable, Equatable, CustomStringConvertible {
  public var epoch: Int
  public var epochs: Int
  /// Steps done in this epoch, and the epoch's steps.
  public var step: Int
  public var steps: Int
  /// Seconds since the epoch started.
  public var seconds: Double
  /// Training images of all ranks per step (the global batch).
  public var imagesPerStep: Int

  public init(epoch: Int, epochs: Int, step: Int, steps: Int, seconds: Double, imagesPerStep: Int) {
    (self.epoch, self.epochs, self.step, self.steps) = (epoch, epochs, step, steps)
    (self.seconds, self.imagesPerStep) = (seconds, imagesPerStep)
  }

  /// Images of all ranks per second so far in the epoch.
  public var imagesPerSecond: Double { seconds > 0 ? Double(step) * Double(imagesPerStep) / Double(seconds) : 0 }

  /// The seconds the epoch's remaining steps take at the rate so far.
  public var secondsLeft: Double { step > 0 ? seconds / Double(step) * Double(steps - step) : 0 }

  /// `epoch 2/5: step 120/937 (13%), 1834 images/s, about 45s left in the epoch`.
  public var description: String {
    let remaining = TimeSpan.elapsed(secondsLeft)
    return "epoch \(epoch)/\(epochs): step \(step)/\(steps) (\(step * 100 / max(steps, 1))%), "
      + String(format: "%.0f images/s", imagesPerSecond) + ", about \(remaining) left in the epoch"
  }
}
