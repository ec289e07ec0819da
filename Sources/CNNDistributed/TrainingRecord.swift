import CSVFiles
import Files
import Foundation

/// One row of `results/train.csv`: one epoch of one training run, as rank 0 saw it after the
/// epoch's synchronization. A run's rows share its `run_id`, which also names its telemetry folder
/// and, for a run of a sweep, its point in `results/sweeps/<job>/points.csv`.
///
/// | column | unit / values |
/// |---|---|
/// | `timestamp` | when the epoch ended, ISO 8601 UTC |
/// | `run_id` | the run (`cnn-<start>-<hex>`, or the one `--run-id` gave), shared with results/runs/<run_id>/ |
/// | `job` | the job's name (`--job`, or the sweep that launched the run); empty for a run from flags |
/// | `model` | `lenet`, `mlp` or `resnet` |
/// | `layers` | the ResNet's depth L (20, 32, 110, …); empty for lenet and mlp |
/// | `data` | the training data (`fashion-mnist`, `cifar10`, `synthetic:N`) |
/// | `ranks`, `hosts` | MPI ranks; the hosts, `;`-separated |
/// | `ranks_per_node`, `cores_per_node` | per host, in `hosts` order and `;`-separated: the ranks it ran and its online cores (`nproc`); more ranks than cores is oversubscribed. Empty in files written before these columns existed |
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
/// | `syncs` | synchronizations in the epoch: gradient averages (one per step with `batch`) or weight averages |
/// | `sync_bytes_per_rank` | bytes each rank sent for them, and as many received: 2(K−1)/K × the bytes averaged, what a bandwidth-optimal allreduce moves on K ranks; 0 on one rank |
/// | `peak_rss_bytes` | the largest peak resident memory (VmHWM of /proc/self/status) of any rank so far, bytes |
/// | `blas` | the BLAS library loaded |
public struct TrainingRecord: Sendable, Equatable {
  public var timestamp: String
  public var runID: String
  public var job: String
  public var model: String
  public var layers: Int?
  public var data: String
  public var ranks: Int
  public var hosts: [String]
  /// The ranks each of ``hosts`` ran, in the same order (empty when not recorded).
  public var ranksPerNode: [Int]
  /// The online cores of each of ``hosts`` (empty when not recorded).
  public var coresPerNode: [Int]
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
  public var syncs: Int
  public var syncBytesPerRank: Int
  public var peakRSSBytes: Int
  public var blas: String

  public init(
    timestamp: String, runID: String, job: String = "", model: String, layers: Int? = nil, data: String, ranks: Int,
    hosts: [String], batchPerRank: Int, sync: String, epoch: Int, learningRate: Double, trainLoss: Double,
    trainAccuracy: Double, testAccuracy: Double?, epochSeconds: Double, computeSeconds: Double, syncSeconds: Double,
    imagesPerSecond: Double, syncs: Int = 0, syncBytesPerRank: Int = 0, peakRSSBytes: Int = 0, blas: String,
    ranksPerNode: [Int] = [], coresPerNode: [Int] = []
  ) {
    (self.ranksPerNode, self.coresPerNode) = (ranksPerNode, coresPerNode)
    (self.timestamp, self.runID, self.job, self.model, self.layers, self.data, self.ranks, self.hosts) = (
      timestamp, runID, job, model, layers, data, ranks, hosts
    )
    (self.batchPerRank, self.sync, self.epoch, self.learningRate, self.trainLoss) = (
      batchPerRank, sync, epoch, learningRate, trainLoss
    )
    (self.trainAccuracy, self.testAccuracy, self.epochSeconds, self.computeSeconds) = (
      trainAccuracy, testAccuracy, epochSeconds, computeSeconds
    )
    (self.syncSeconds, self.imagesPerSecond, self.blas) = (syncSeconds, imagesPerSecond, blas)
    (self.syncs, self.syncBytesPerRank, self.peakRSSBytes) = (syncs, syncBytesPerRank, peakRSSBytes)
  }

  /// Training images of all ranks per second over the epochs of one run (each epoch's images over
  /// their total time); `nil` without time.
  public static func imagesPerSecond(over epochs: [TrainingRecord]) -> Double? {
    let seconds = epochs.reduce(0) { $0 + $1.epochSeconds }
    return seconds > 0 ? epochs.reduce(0) { $0 + $1.imagesPerSecond * $1.epochSeconds } / seconds : nil
  }

  /// `resnet32` for a ResNet, the model's name otherwise.
  public var modelLabel: String { model + (layers.map(String.init) ?? "") }

  /// The columns, in file order.
  public static let columns = [
    "timestamp", "run_id", "job", "model", "layers", "data", "ranks", "hosts", "batch_per_rank", "global_batch",
    "sync", "epoch", "learning_rate", "train_loss", "train_accuracy", "test_accuracy", "epoch_seconds",
    "compute_seconds", "sync_seconds", "images_per_second", "syncs", "sync_bytes_per_rank", "peak_rss_bytes", "blas",
    "ranks_per_node", "cores_per_node",
  ]

  /// The columns added since the first files were written: a file without them still reads (its rows have
  /// them empty).
  public static let newerColumns: Set<String> = ["ranks_per_node", "cores_per_node"]

  /// Where training runs append by default.
  public static let defaultPath = "results/train.csv"

  public var fields: [String] {
    [
      timestamp, runID, job, model, layers.map(String.init) ?? "", data, String(ranks), hosts.joined(separator: ";"),
      String(batchPerRank), String(batchPerRank * ranks), sync, String(epoch),
      // The rate is a Float in training: printed as one, 0.01 rather than 0.009999999776482582.
      String(Float(learningRate)),
      String(format: "%.6f", trainLoss), String(format: "%.6f", trainAccuracy),
      testAccuracy.map { String(format: "%.6f", $0) } ?? "", String(format: "%.3f", epochSeconds),
      String(format: "%.3f", computeSeconds), String(format: "%.3f", syncSeconds),
      String(format: "%.1f", imagesPerSecond), String(syncs), String(syncBytesPerRank), String(peakRSSBytes), blas,
      ranksPerNode.map(String.init).joined(separator: ";"), coresPerNode.map(String.init).joined(separator: ";"),
    ]
  }

  /// Appends the row (one write; the header when the file is new).
  public func append(to path: String = defaultPath) throws(FileError) {
    try Self.append(lines: [CSVFile.line(fields)], to: path)
  }

  /// Creates the results file with its header, or checks that an existing one has this
  /// version's: done before training so that a bad `--results` is found before hours of it.
  public static func prepare(_ path: String = defaultPath) throws(FileError) {
    try append(lines: [], to: path)
  }

  private static func append(lines: [String], to path: String) throws(FileError) {
    try CSVFile.append(
      lines: lines, header: columns.joined(separator: ","), to: path,
      headerMismatch: "its header differs from this version's train.csv; move the file aside to start a new one")
  }

  /// Reads a training results file: its well-formed rows, and a warning (file and line) for each other row.
  public static func read(path: String) throws(FileError) -> (records: [TrainingRecord], warnings: [String]) {
    let table = try CSVTable.read(path: path, requiredColumns: columns.filter { !newerColumns.contains($0) })
    let (records, warnings) = table.convertRows { row throws(CSVValueError) -> TrainingRecord in
      return TrainingRecord(
        timestamp: row["timestamp"], runID: row["run_id"], job: row["job"], model: row["model"],
        layers: try row.value("layers", expected: "an integer") { Int($0) }, data: row["data"],
        ranks: try row.required("ranks", expected: "an integer") { Int($0) },
        hosts: row["hosts"].split(separator: ";").map(String.init),
        batchPerRank: try row.required("batch_per_rank", expected: "an integer") { Int($0) }, sync: row["sync"],
        epoch: try row.required("epoch", expected: "an integer") { Int($0) },
        learningRate: try row.required("learning_rate", expected: "a number") { Double($0) },
        trainLoss: try row.required("train_loss", expected: "a number") { Double($0) },
        trainAccuracy: try row.required("train_accuracy", expected: "a number") { Double($0) },
        testAccuracy: try row.value("test_accuracy", expected: "a number") { Double($0) },
        epochSeconds: try row.required("epoch_seconds", expected: "a number") { Double($0) },
        computeSeconds: try row.required("compute_seconds", expected: "a number") { Double($0) },
        syncSeconds: try row.required("sync_seconds", expected: "a number") { Double($0) },
        imagesPerSecond: try row.required("images_per_second", expected: "a number") { Double($0) },
        syncs: try row.required("syncs", expected: "an integer") { Int($0) },
        syncBytesPerRank: try row.required("sync_bytes_per_rank", expected: "an integer") { Int($0) },
        peakRSSBytes: try row.required("peak_rss_bytes", expected: "an integer") { Int($0) }, blas: row["blas"],
        ranksPerNode: try row.value("ranks_per_node", expected: "counts separated by ';'", Self.counts) ?? [],
        coresPerNode: try row.value("cores_per_node", expected: "counts separated by ';'", Self.counts) ?? [])
    }
    return (records, warnings)
  }

  /// `2;4` as [2, 4]; nil when any item is not a whole number.
  static func counts(_ text: String) -> [Int]? {
    let items = text.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
    return items.contains(nil) ? nil : items.compactMap { $0 }
  }
}
