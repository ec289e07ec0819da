import CSVFiles
import Files
import Foundation

/// One row of a sweep's `points.csv` (`results/sweeps/<job name>/points.csv`): a point of the
/// sweep that was run, whatever its outcome. `--resume` skips the points recorded as `passed`;
/// `clusterbench compare` joins these rows with results/hpl.csv and results/train.csv by `run_id`.
/// An HPL point leaves the training columns empty, and a training point the HPL ones.
///
/// | column | unit / values |
/// |---|---|
/// | `job` | the job's name |
/// | `point` | the point's id, e.g. `nodes04-mem0.80-nb192-rep1`, `nodes02-lenet-b64-sync-batch-rep1` (stable across runs of the job) |
/// | `kind` | `hpl` or `train` |
/// | `nodes` | nodes used (the first k of the target) |
/// | `ranks_per_node` | ranks on each node |
/// | `ranks` | all ranks (nodes × ranks_per_node) |
/// | `memory_fraction` | HPL: the share of the nodes' memory N was sized for; empty when N was given |
/// | `n`, `nb`, `p`, `q` | HPL: the problem's order, block size and grid |
/// | `model`, `layers` | training: `lenet`, `mlp` or `resnet`, and the ResNet's depth |
/// | `batch_per_rank`, `sync`, `epochs` | training: images per step on each rank, the sync mode, epochs |
/// | `repetition` | 1, 2, … |
/// | `status` | `passed`, `failed` (a residual check failed, or the program exited non-zero or recorded no result), `timeout`, `error` (could not launch) |
/// | `exit_status` | mpiexec's exit status; empty when it was stopped by the bound |
/// | `started` | ISO 8601 UTC |
/// | `seconds` | wall time of the launch, seconds |
/// | `gflops` | HPL: the run's best PASSED result from results/hpl.csv; empty when none |
/// | `images_per_second` | training: training images of all ranks per second over the run's epochs (from results/train.csv) |
/// | `test_accuracy` | training: test accuracy after the last epoch, 0–1 |
/// | `run_id` | the run id given to the program (`--run-id`), as in results/hpl.csv or results/train.csv |
/// | `hosts` | the hosts used, `;`-separated |
/// | `run_folder` | the run's telemetry folder, relative to the results folder; empty without telemetry |
/// | `note` | why a point failed, in a few words |
public struct SweepPointRecord: Sendable, Equatable {
  public enum Status: String, Sendable, CaseIterable {
    case passed, failed, timeout, error
  }

  /// The HPL figures of a point.
  public struct HPLFigures: Sendable, Equatable {
    public var memoryFraction: Double?
    public var n: Int
    public var nb: Int
    public var p: Int
    public var q: Int
    /// The best PASSED GFLOPS; `nil` when none.
    public var gflops: Double?

    public init(memoryFraction: Double?, n: Int, nb: Int, p: Int, q: Int, gflops: Double? = nil) {
      (self.memoryFraction, self.n, self.nb, self.p, self.q, self.gflops) = (memoryFraction, n, nb, p, q, gflops)
    }
  }

  /// The training figures of a point.
  public struct TrainingFigures: Sendable, Equatable {
    public var model: String
    public var layers: Int?
    public var batchPerRank: Int
    public var sync: String
    public var epochs: Int
    /// Training images per second over the run's epochs; `nil` when no epoch was recorded.
    public var imagesPerSecond: Double?
    /// After the last epoch; `nil` when unknown.
    public var testAccuracy: Double?

    public init(
      model: String, layers: Int?, batchPerRank: Int, sync: String, epochs: Int, imagesPerSecond: Double? = nil,
      testAccuracy: Double? = nil
    ) {
      (self.model, self.layers, self.batchPerRank, self.sync, self.epochs) = (model, layers, batchPerRank, sync, epochs)
      (self.imagesPerSecond, self.testAccuracy) = (imagesPerSecond, testAccuracy)
    }

    /// `resnet32` for a ResNet, the model's name otherwise.
    public var modelLabel: String { model + (layers.map(String.init) ?? "") }
  }

  public var job: String
  public var point: String
  public var nodes: Int
  public var ranksPerNode: Int
  public var ranks: Int
  /// Set for a point of an HPL sweep.
  public var hpl: HPLFigures?
  /// Set for a point of a training sweep.
  public var training: TrainingFigures?
  public var repetition: Int
  public var status: Status
  public var exitStatus: Int32?
  public var started: String
  public var seconds: Double
  public var runID: String
  public var hosts: [String]
  public var runFolder: String
  public var note: String

  public init(
    job: String, point: String, nodes: Int, ranksPerNode: Int, hpl: HPLFigures? = nil,
    training: TrainingFigures? = nil, repetition: Int, status: Status, exitStatus: Int32?, started: String,
    seconds: Double, runID: String, hosts: [String], runFolder: String = "", note: String = ""
  ) {
    (self.job, self.point, self.nodes, self.ranksPerNode, self.ranks) = (
      job, point, nodes, ranksPerNode, nodes * ranksPerNode
    )
    (self.hpl, self.training, self.repetition) = (hpl, training, repetition)
    (self.status, self.exitStatus, self.started, self.seconds) = (status, exitStatus, started, seconds)
    (self.runID, self.hosts, self.runFolder, self.note) = (runID, hosts, runFolder, note)
  }

  /// `hpl` or `train`.
  public var kind: String { training == nil ? "hpl" : "train" }
  /// HPL: the share of memory N was sized for.
  public var memoryFraction: Double? { hpl?.memoryFraction }
  /// HPL: the best PASSED GFLOPS.
  public var gflops: Double? { hpl?.gflops }

  /// The columns, in file order.
  public static let columns = [
    "job", "point", "kind", "nodes", "ranks_per_node", "ranks", "memory_fraction", "n", "nb", "p", "q", "model",
    "layers", "batch_per_rank", "sync", "epochs", "repetition", "status", "exit_status", "started", "seconds", "gflops",
    "images_per_second", "test_accuracy", "run_id", "hosts", "run_folder", "note",
  ]

  /// The columns a points file must have to be read (files of version 0.6 lack the kind and the
  /// training columns, and hold HPL points only).
  static let requiredColumns = [
    "job", "point", "nodes", "ranks_per_node", "repetition", "status", "exit_status", "started", "seconds", "run_id",
    "hosts",
  ]

  /// The file's name inside the sweep's folder.
  public static let fileName = "points.csv"

  /// The row's fields, in ``columns`` order.
  public var fields: [String] {
    func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
    return [
      job, point, kind, String(nodes), String(ranksPerNode), String(ranks), text(hpl?.memoryFraction), text(hpl?.n),
      text(hpl?.nb), text(hpl?.p), text(hpl?.q), training?.model ?? "", text(training?.layers),
      text(training?.batchPerRank), training?.sync ?? "", text(training?.epochs), String(repetition),
      status.rawValue, text(exitStatus), started, String(seconds), text(hpl?.gflops),
      training?.imagesPerSecond.map { String(format: "%.1f", $0) } ?? "",
      training?.testAccuracy.map { String(format: "%.6f", $0) } ?? "", runID, hosts.joined(separator: ";"),
      runFolder, note,
    ]
  }

  /// Appends `records` to the points file at `path` (one write per row; the header when new).
  public static func append(_ records: [SweepPointRecord], to path: String) throws(FileError) {
    try CSVFile.append(
      lines: records.map { CSVFile.line($0.fields) }, header: columns.joined(separator: ","), to: path,
      headerMismatch: "its header differs from this version's points.csv (0.7 added the kind and the training "
        + "columns); move the file aside to start a new one")
  }

  /// Reads a points file: its well-formed rows, and a warning (file and line) for each other row.
  public static func read(path: String) throws(FileError) -> (records: [SweepPointRecord], warnings: [String]) {
    let table = try CSVTable.read(path: path, requiredColumns: requiredColumns)
    let (values, warnings) = table.convertRows { row throws(CSVValueError) -> SweepPointRecord in
      let kind = row["kind"].isEmpty ? "hpl" : row["kind"]
      var hpl: HPLFigures? = nil
      var training: TrainingFigures? = nil
      switch kind {
      case "hpl":
        hpl = HPLFigures(
          memoryFraction: try row.value("memory_fraction", expected: "a number") { Double($0) },
          n: try row.required("n", expected: "an integer") { Int($0) },
          nb: try row.required("nb", expected: "an integer") { Int($0) },
          p: try row.required("p", expected: "an integer") { Int($0) },
          q: try row.required("q", expected: "an integer") { Int($0) },
          gflops: try row.value("gflops", expected: "a number") { Double($0) })
      case "train":
        training = TrainingFigures(
          model: try row.required("model", expected: "a model name") { $0 },
          layers: try row.value("layers", expected: "an integer") { Int($0) },
          batchPerRank: try row.required("batch_per_rank", expected: "an integer") { Int($0) },
          sync: try row.required("sync", expected: "a sync mode") { $0 },
          epochs: try row.required("epochs", expected: "an integer") { Int($0) },
          imagesPerSecond: try row.value("images_per_second", expected: "a number") { Double($0) },
          testAccuracy: try row.value("test_accuracy", expected: "a number") { Double($0) })
      default:
        throw CSVValueError(column: "kind", message: "expected hpl or train, found '\(kind)'")
      }
      return SweepPointRecord(
        job: row["job"], point: row["point"], nodes: try row.required("nodes", expected: "an integer") { Int($0) },
        ranksPerNode: try row.required("ranks_per_node", expected: "an integer") { Int($0) }, hpl: hpl,
        training: training,
        repetition: try row.required("repetition", expected: "an integer") { Int($0) },
        status: try row.required("status", expected: "passed, failed, timeout or error") { Status(rawValue: $0) },
        exitStatus: try row.value("exit_status", expected: "an integer") { Int32($0) }, started: row["started"],
        seconds: try row.required("seconds", expected: "a number") { Double($0) }, runID: row["run_id"],
        hosts: row["hosts"].split(separator: ";").map(String.init), runFolder: row["run_folder"], note: row["note"])
    }
    return (values, warnings)
  }
}
