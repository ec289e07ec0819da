import CSVFiles
import Foundation

/// One row of a sweep's `points.csv` (`results/sweeps/<job name>/points.csv`): a point of the
/// sweep that was run, whatever its outcome. `--resume` skips the points recorded as `passed`;
/// `clusterbench compare` joins these rows with results/hpl.csv by `run_id`.
///
/// | column | unit / values |
/// |---|---|
/// | `job` | the job's name |
/// | `point` | the point's id, e.g. `nodes04-mem0.80-nb192-rep1` (stable across runs of the job) |
/// | `nodes` | nodes used (the first k of the target) |
/// | `ranks_per_node` | ranks on each node |
/// | `ranks` | all ranks (nodes × ranks_per_node) |
/// | `memory_fraction` | the share of the nodes' memory N was sized for; empty when N was given |
/// | `n`, `nb`, `p`, `q` | the HPL problem: order, block size, grid |
/// | `repetition` | 1, 2, … |
/// | `status` | `passed`, `failed` (a residual check failed or hplswift exited non-zero), `timeout`, `error` (could not launch) |
/// | `exit_status` | mpiexec's exit status; empty when it was stopped by the bound |
/// | `started` | ISO 8601 UTC |
/// | `seconds` | wall time of the launch, seconds |
/// | `gflops` | the run's best PASSED result from results/hpl.csv; empty when none |
/// | `run_id` | the run id given to hplswift (`--run-id`), as in results/hpl.csv |
/// | `hosts` | the hosts used, `;`-separated |
/// | `run_folder` | the run's telemetry folder, relative to the results folder; empty without telemetry |
/// | `note` | why a point failed, in a few words |
public struct SweepPointRecord: Sendable, Equatable {
  public enum Status: String, Sendable, CaseIterable {
    case passed, failed, timeout, error
  }

  public var job: String
  public var point: String
  public var nodes: Int
  public var ranksPerNode: Int
  public var ranks: Int
  public var memoryFraction: Double?
  public var n: Int
  public var nb: Int
  public var p: Int
  public var q: Int
  public var repetition: Int
  public var status: Status
  public var exitStatus: Int32?
  public var started: String
  public var seconds: Double
  public var gflops: Double?
  public var runID: String
  public var hosts: [String]
  public var runFolder: String
  public var note: String

  public init(
    job: String, point: String, nodes: Int, ranksPerNode: Int, memoryFraction: Double?, n: Int, nb: Int, p: Int,
    q: Int, repetition: Int, status: Status, exitStatus: Int32?, started: String, seconds: Double,
    gflops: Double?, runID: String, hosts: [String], runFolder: String = "", note: String = ""
  ) {
    (self.job, self.point, self.nodes, self.ranksPerNode, self.ranks) = (
      job, point, nodes, ranksPerNode, nodes * ranksPerNode
    )
    (self.memoryFraction, self.n, self.nb, self.p, self.q, self.repetition) = (memoryFraction, n, nb, p, q, repetition)
    (self.status, self.exitStatus, self.started, self.seconds, self.gflops) = (
      status, exitStatus, started, seconds, gflops
    )
    (self.runID, self.hosts, self.runFolder, self.note) = (runID, hosts, runFolder, note)
  }

  /// The columns, in file order.
  public static let columns = [
    "job", "point", "nodes", "ranks_per_node", "ranks", "memory_fraction", "n", "nb", "p", "q", "repetition",
    "status", "exit_status", "started", "seconds", "gflops", "run_id", "hosts", "run_folder", "note",
  ]

  /// The file's name inside the sweep's folder.
  public static let fileName = "points.csv"

  /// The row's fields, in ``columns`` order.
  public var fields: [String] {
    [
      job, point, String(nodes), String(ranksPerNode), String(ranks), memoryFraction.map { String($0) } ?? "",
      String(n), String(nb), String(p), String(q), String(repetition), status.rawValue,
      exitStatus.map { String($0) } ?? "", started, String(seconds), gflops.map { String($0) } ?? "", runID,
      hosts.joined(separator: ";"), runFolder, note,
    ]
  }

  /// Appends `records` to the points file at `path` (one write per row; the header when new).
  public static func append(_ records: [SweepPointRecord], to path: String) throws(CSVFileError) {
    try CSVFile.append(
      lines: records.map { CSVFile.line($0.fields) }, header: columns.joined(separator: ","), to: path,
      headerMismatch: "its header differs from this version's points.csv; move the file aside to start a new one")
  }

  /// Reads a points file: its well-formed rows, and a warning (file and line) for each other row.
  public static func read(path: String) throws(CSVFileError) -> (records: [SweepPointRecord], warnings: [String]) {
    let table = try CSVTable.read(path: path, requiredColumns: columns)
    let (values, warnings) = table.convertRows { row throws(CSVValueError) -> SweepPointRecord in
      func required<T>(_ column: String, _ expected: String, _ convert: (String) -> T?) throws(CSVValueError) -> T {
        guard let value = try row.value(column, expected: expected, convert) else {
          throw CSVValueError(column: column, message: "expected \(expected), found nothing")
        }
        return value
      }
      let hosts = row["hosts"].split(separator: ";").map(String.init)
      return SweepPointRecord(
        job: row["job"], point: row["point"], nodes: try required("nodes", "an integer") { Int($0) },
        ranksPerNode: try required("ranks_per_node", "an integer") { Int($0) },
        memoryFraction: try row.value("memory_fraction", expected: "a number") { Double($0) },
        n: try required("n", "an integer") { Int($0) }, nb: try required("nb", "an integer") { Int($0) },
        p: try required("p", "an integer") { Int($0) }, q: try required("q", "an integer") { Int($0) },
        repetition: try required("repetition", "an integer") { Int($0) },
        status: try required("status", "passed, failed, timeout or error") { Status(rawValue: $0) },
        exitStatus: try row.value("exit_status", expected: "an integer") { Int32($0) }, started: row["started"],
        seconds: try required("seconds", "a number") { Double($0) },
        gflops: try row.value("gflops", expected: "a number") { Double($0) }, runID: row["run_id"], hosts: hosts,
        runFolder: row["run_folder"], note: row["note"])
    }
    return (values, warnings)
  }
}
