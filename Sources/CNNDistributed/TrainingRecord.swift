import CSVFiles
import Foundation

/// One row of `results/cnn.csv`: one epoch of one training run, as rank 0 saw it after the
/// epoch's synchronization. A run's rows share its `run_id`, which also names its telemetry folder.
///
/// | column | unit / values |
/// |---|---|
/// | `timestamp` | when the epoch ended, ISO 8601 UTC |
/// | `run_id` | the run (`cnn-<start>-<hex>`), shared with results/runs/<run_id>/ |
/// | `model` | `lenet`, `mlp`, `resnet20`, … |
/// | `data` | the training data (`fashion-mnist`, `cifar10`, `synthetic:N`) |
/// | `ranks`, `hosts` | MPI ranks; the hosts, `;`-separated |
/// | `batch_per_rank`, `global_batch` | images per step on each rank, and over all ranks |
/// | `sync` | `batch`, `every:N`, `epoch` or `end` |
/// | `epoch` | 1, 2, … |
/// | `learning_rate` | the step size used in the epoch |
/// | `train_loss` | mean cross-entropy over the epoch's training batches (all ranks), nats |
/// | `train_accuracy` | fraction of training images classified right during the epoch, 0–1 |
/// | `test_accuracy` | fraction of the test set right after the epoch (after synchronization), 0–1; empty without a test set |
/// | `epoch_seconds` | wall time of the epoch (slowest rank), seconds |
/// | `compute_seconds` | forward, backward and update time (mean over ranks), seconds |
/// | `sync_seconds` | time in synchronization, waiting included (mean over ranks), seconds |
/// | `images_per_second` | training images of all ranks / epoch_seconds |
/// | `blas` | the BLAS library loaded |
public struct TrainingRecord: Sendable, Equatable {
  public var timestamp: String
  public var runID: String
  public var model: String
  public var data: String
  public var ranks: Int
  public var hosts: [String]
  public var batchPerRank: Int
  public var sync: String
  public var epoch: Int
  public var learningRate: Double
  public var trainLoss: Double
  public var trainAccuracy: Double
  public var testAccuracy: Double?
  public var epochSeconds: Double
  public var computeSeconds: Double
  public var syncSeconds: Double
  public var imagesPerSecond: Double
  public var blas: String

  public init(
    timestamp: String, runID: String, model: String, data: String, ranks: Int, hosts: [String], batchPerRank: Int,
    sync: String, epoch: Int, learningRate: Double, trainLoss: Double, trainAccuracy: Double, testAccuracy: Double?,
    epochSeconds: Double, computeSeconds: Double, syncSeconds: Double, imagesPerSecond: Double, blas: String
  ) {
    (self.timestamp, self.runID, self.model, self.data, self.ranks, self.hosts) = (
      timestamp, runID, model, data, ranks, hosts
    )
    (self.batchPerRank, self.sync, self.epoch, self.learningRate, self.trainLoss) = (
      batchPerRank, sync, epoch, learningRate, trainLoss
    )
    (self.trainAccuracy, self.testAccuracy, self.epochSeconds, self.computeSeconds) = (
      trainAccuracy, testAccuracy, epochSeconds, computeSeconds
    )
    (self.syncSeconds, self.imagesPerSecond, self.blas) = (syncSeconds, imagesPerSecond, blas)
  }

  /// The columns, in file order.
  public static let columns = [
    "timestamp", "run_id", "model", "data", "ranks", "hosts", "batch_per_rank", "global_batch", "sync", "epoch",
    "learning_rate", "train_loss", "train_accuracy", "test_accuracy", "epoch_seconds", "compute_seconds",
    "sync_seconds", "images_per_second", "blas",
  ]

  /// Where training runs append by default.
  public static let defaultPath = "results/cnn.csv"

  public var fields: [String] {
    [
      timestamp, runID, model, data, String(ranks), hosts.joined(separator: ";"), String(batchPerRank),
      String(batchPerRank * ranks), sync, String(epoch), String(learningRate), String(format: "%.6f", trainLoss),
      String(format: "%.6f", trainAccuracy), testAccuracy.map { String(format: "%.6f", $0) } ?? "",
      String(format: "%.3f", epochSeconds), String(format: "%.3f", computeSeconds), String(format: "%.3f", syncSeconds),
      String(format: "%.1f", imagesPerSecond), blas,
    ]
  }

  /// Appends the row (one write; the header when the file is new).
  public func append(to path: String = defaultPath) throws(CSVFileError) {
    try CSVFile.append(
      lines: [CSVFile.line(fields)], header: Self.columns.joined(separator: ","), to: path,
      headerMismatch: "its header differs from this version's cnn.csv; move the file aside to start a new one")
  }
}
