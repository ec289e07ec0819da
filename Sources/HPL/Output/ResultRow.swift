import Foundation
import SuiteCore

/// One row of `results/hpl.csv`: one test of one run, with where and how it ran.
///
/// Columns, in file order (the header is ``header``):
///
/// | column | unit / values |
/// |---|---|
/// | `timestamp` | when the test finished, ISO 8601 in UTC to the second (`2026-11-22T20:08:34Z`) |
/// | `run_id` | identifier shared by all tests of one run (one HPL.dat sweep) |
/// | `hosts` | host names of the test's ranks, `;`-separated, each once, in rank order |
/// | `ranks` | MPI ranks the test ran on (normally P·Q; ranks outside the grid idle) |
/// | `ranks_per_host` | the largest number of the test's ranks on one host |
/// | `n` | matrix order N |
/// | `nb` | block size NB |
/// | `p`, `q` | process grid rows P and columns Q |
/// | `pmap` | `row` or `column` (PMAP) |
/// | `pfact` | `Left`, `Crout` or `Right` (PFACT) |
/// | `nbmin` | recursion stopping size NBMIN, in columns |
/// | `ndiv` | panels per recursion step NDIV |
/// | `rfact` | `Left`, `Crout` or `Right` (RFACT) |
/// | `bcast` | `1ring`, `1ringM`, `2ring`, `2ringM`, `Blong` or `BlongM` (BCAST) |
/// | `depth` | look-ahead depth DEPTH, in panels |
/// | `swap` | `binary-exchange`, `spread-roll` or `mix` (SWAP) |
/// | `swap_threshold` | mix swap threshold, in columns |
/// | `l1_form`, `u_form` | `transposed` or `no-transposed` |
/// | `equilibration` | `yes` or `no` |
/// | `alignment` | memory alignment, in doubles (8 bytes each) |
/// | `tv` | xhpl's T/V code, e.g. `WR11C2R4` |
/// | `seconds` | wall time of the solve, seconds (max over ranks) |
/// | `gflops` | (2/3 N³ + 3/2 N²) / seconds / 10⁹ |
/// | `residual` | scaled residual ‖Ax−b‖∞ / (ε (‖A‖∞‖x‖∞ + ‖b‖∞) N), dimensionless; empty when unchecked |
/// | `status` | `PASSED`, `FAILED`, `UNCHECKED` (threshold ≤ 0) or `SKIPPED` |
/// | `blas` | the BLAS library actually loaded, free text |
/// | `peak_rss_mb` | peak resident memory of the largest rank, MiB (2²⁰ bytes); empty when unknown |
/// | `cores_per_host` | the fewest cores (online CPUs) of the test's hosts; empty when unknown |
///
/// With `ranks_per_host` (the most ranks on one host) it tells at a glance whether a host ran
/// more ranks than it has cores: on identical nodes the two are exact, and on mixed nodes
/// `ranks_per_host ≤ cores_per_host` still proves no host was oversubscribed.
///
/// Reading accepts netlib's numeric codes for the variant columns too, and files written before
/// a column in ``optionalColumns`` existed (the field is then nil).
public struct ResultRow: Sendable, Equatable {
  /// Column names, in file order.
  public static let columns = [
    "timestamp", "run_id", "hosts", "ranks", "ranks_per_host", "n", "nb", "p", "q", "pmap",
    "pfact", "nbmin", "ndiv", "rfact", "bcast", "depth", "swap", "swap_threshold", "l1_form",
    "u_form", "equilibration", "alignment", "tv", "seconds", "gflops", "residual", "status",
    "blas", "peak_rss_mb", "cores_per_host",
  ]

  /// Columns later versions added: older files lack them and still read.
  public static let optionalColumns: Set<String> = ["cores_per_host"]

  /// The header line, without its line end.
  public static let header = columns.joined(separator: ",")

  /// `timestamp`: when the test finished; written in UTC to the second.
  public var timestamp: Date
  /// `run_id`: identifier shared by all tests of one run.
  public var runID: String
  /// `hosts`: the hosts of the test's ranks, each once, in rank order.
  public var hosts: [String]
  /// `ranks`: MPI ranks the test ran on.
  public var ranks: Int
  /// `ranks_per_host`: the largest number of the test's ranks on one host.
  public var ranksPerHost: Int
  /// `n` to `alignment`: the test's N, NB, P, Q and variants. The file has no threshold column
  /// (``status`` holds the check's verdict), so every row's `parameters.threshold` is
  /// ``threshold``, and a row reads back equal to the row written.
  public var parameters: TestParameters
  /// `tv`: the T/V code.
  public var variantCode: String
  /// `seconds`: wall time of the solve.
  public var seconds: Double
  /// `gflops`: 10⁹ floating-point operations per second.
  public var gflops: Double
  /// `residual`: the scaled residual; nil when not checked.
  public var residual: Double?
  /// `status`.
  public var status: ResultStatus
  /// `blas`: the BLAS library summary.
  public var blas: String
  /// `peak_rss_mb`: peak resident set of the largest rank, MiB; nil when unknown.
  public var peakRSSMB: Double?
  /// `cores_per_host`: the fewest cores of the test's hosts; nil when unknown.
  public var coresPerHost: Int?

  /// The `parameters.threshold` of every row: HPL.dat's usual 16, `TestParameters`' default.
  public static let threshold = 16.0

  /// A row of these fields; `parameters.threshold` becomes ``threshold``.
  public init(
    timestamp: Date, runID: String, hosts: [String], ranks: Int, ranksPerHost: Int, parameters: TestParameters,
    variantCode: String, seconds: Double, gflops: Double, residual: Double?, status: ResultStatus, blas: String,
    peakRSSMB: Double?, coresPerHost: Int? = nil
  ) {
    self.timestamp = timestamp
    self.runID = runID
    self.hosts = hosts
    self.ranks = ranks
    self.ranksPerHost = ranksPerHost
    self.parameters = parameters
    self.parameters.threshold = Self.threshold
    self.variantCode = variantCode
    self.seconds = seconds
    self.gflops = gflops
    self.residual = residual
    self.status = status
    self.blas = blas
    self.peakRSSMB = peakRSSMB
    self.coresPerHost = coresPerHost
  }

  /// `n`: matrix order N.
  public var n: Int { parameters.n }
  /// `nb`: block size NB.
  public var nb: Int { parameters.nb }
  /// `p`: process rows P.
  public var p: Int { parameters.rows }
  /// `q`: process columns Q.
  public var q: Int { parameters.columns }

  /// The row for `result`, with the run's context.
  ///
  /// - Parameters:
  ///   - timestamp: when the test finished; by default the result's end time.
  ///   - runID: the identifier of the run.
  ///   - hosts: the host of every rank the test ran on, in rank order (repeats expected): gives
  ///     `hosts` (each once, in order of first appearance), `ranks` and `ranks_per_host`.
  ///   - blas: the BLAS library summary.
  ///   - peakResidentBytes: the largest peak resident set over the ranks, in bytes; nil or ≤ 0
  ///     when unknown. Written in MiB, to one decimal.
  ///   - status: by default the result's ``TestResult/status``.
  ///   - cores: the cores of each host (``NodeGroups/cores``); gives `cores_per_host`, nil when
  ///     a host of the test is missing or reports none.
  public init(
    result: TestResult, timestamp: Date? = nil, runID: String, hosts: [String], blas: String,
    peakResidentBytes: Int?, status: ResultStatus? = nil, cores: [String: Int] = [:]
  ) {
    var unique: [String] = []
    var ranksOnHost: [String: Int] = [:]
    for host in hosts {
      if ranksOnHost[host] == nil { unique.append(host) }
      ranksOnHost[host, default: 0] += 1
    }
    let peakMiB = peakResidentBytes.flatMap { bytes in
      bytes > 0 ? (Double(bytes) / 1_048_576 * 10).rounded() / 10 : nil
    }
    self.init(
      timestamp: timestamp ?? result.endTime, runID: runID, hosts: unique, ranks: hosts.count,
      ranksPerHost: ranksOnHost.values.max() ?? 0, parameters: result.parameters,
      variantCode: result.parameters.variantCode, seconds: result.seconds, gflops: result.gflops,
      residual: result.residual, status: status ?? result.status, blas: blas,
      peakRSSMB: peakMiB, coresPerHost: Self.fewestCores(of: unique, cores: cores))
  }

  /// The fewest of `cores` over `hosts`; nil when one is unknown or not positive.
  private static func fewestCores(of hosts: [String], cores: [String: Int]) -> Int? {
    let counts = hosts.map { cores[$0] ?? 0 }
    guard let fewest = counts.min(), fewest > 0 else { return nil }
    return fewest
  }

  // MARK: - Fields

  /// The row's fields, unquoted, in ``columns`` order.
  public var fields: [String] {
    let test = parameters
    return [
      Timestamp.seconds(timestamp), runID, hosts.joined(separator: ";"), String(ranks),
      String(ranksPerHost), String(n), String(nb), String(p), String(q), test.processMapping.token,
      test.panelFactorization.token, String(test.recursionStoppingSize), String(test.panelDivisions),
      test.recursivePanelFactorization.token, test.broadcast.token, String(test.lookaheadDepth), test.swap.token,
      String(test.swapThreshold), test.l1Form.token, test.uForm.token, test.equilibration ? "yes" : "no",
      String(test.alignment), variantCode, String(seconds), String(gflops),
      residual.map { String($0) } ?? "", status.rawValue, blas,
      peakRSSMB.map { String($0) } ?? "", coresPerHost.map { String($0) } ?? "",
    ]
  }

  /// Builds a row from fields named by ``columns``; throws a message naming the bad column (the
  /// first one, in column order).
  init(named fields: [String: String]) throws(ResultRowFieldError) {
    let field = FieldReader(fields: fields)
    self.init(
      timestamp: try field.parse("timestamp", "an ISO 8601 time", { Timestamp.date(from: $0) }),
      runID: field.text("run_id"),
      hosts: field.text("hosts").split(separator: ";").map(String.init),
      ranks: try field.integer("ranks"),
      ranksPerHost: try field.integer("ranks_per_host"),
      parameters: try Self.parameters(field),
      variantCode: field.text("tv"),
      seconds: try field.number("seconds"),
      gflops: try field.number("gflops"),
      residual: try field.optionalNumber("residual"),
      status: try field.parse("status", "PASSED, FAILED, UNCHECKED or SKIPPED") {
        ResultStatus(rawValue: $0.uppercased())
      },
      blas: field.text("blas"),
      peakRSSMB: try field.optionalNumber("peak_rss_mb"),
      coresPerHost: field.text("cores_per_host").isEmpty ? nil : try field.integer("cores_per_host"))
  }

  /// The columns `n` to `alignment`, read in column order.
  private static func parameters(_ field: FieldReader) throws(ResultRowFieldError) -> TestParameters {
    let (n, nb) = (try field.integer("n"), try field.integer("nb"))
    let (p, q) = (try field.integer("p"), try field.integer("q"))
    return TestParameters(
      n: n, nb: nb, processMapping: try field.parse("pmap", "row or column", ProcessMapping.init(token:)),
      rows: p, columns: q,
      panelFactorization: try field.parse("pfact", "Left, Crout or Right", PanelFactorization.init(token:)),
      recursionStoppingSize: try field.integer("nbmin"),
      panelDivisions: try field.integer("ndiv"),
      recursivePanelFactorization: try field.parse(
        "rfact", "Left, Crout or Right", PanelFactorization.init(token:)),
      broadcast: try field.parse("bcast", "a BCAST name", BroadcastTopology.init(token:)),
      lookaheadDepth: try field.integer("depth"),
      swap: try field.parse("swap", "binary-exchange, spread-roll or mix", SwapAlgorithm.init(token:)),
      swapThreshold: try field.integer("swap_threshold"),
      l1Form: try field.parse("l1_form", "transposed or no-transposed", StorageForm.init(token:)),
      uForm: try field.parse("u_form", "transposed or no-transposed", StorageForm.init(token:)),
      equilibration: try field.parse("equilibration", "yes or no", Self.flag(from:)),
      alignment: try field.integer("alignment"),
      threshold: Self.threshold)
  }

  /// The fields of one row by column name, converted with errors that name the column.
  private struct FieldReader {
    let fields: [String: String]

    /// The column's text, "" when the file lacks the column.
    func text(_ column: String) -> String { fields[column] ?? "" }

    func parse<T>(_ column: String, _ expected: String, _ convert: (String) -> T?)
      throws(ResultRowFieldError) -> T
    {
      guard let value = convert(text(column)) else {
        throw ResultRowFieldError(column: column, message: "expected \(expected), found '\(text(column))'")
      }
      return value
    }

    func integer(_ column: String) throws(ResultRowFieldError) -> Int {
      try parse(column, "an integer") { Int($0) }
    }

    func number(_ column: String) throws(ResultRowFieldError) -> Double {
      try parse(column, "a number") { Double($0) }
    }

    func optionalNumber(_ column: String) throws(ResultRowFieldError) -> Double? {
      text(column).isEmpty ? nil : try number(column)
    }
  }

  private static func flag(from text: String) -> Bool? {
    switch text.lowercased() {
    case "yes", "1", "true": true
    case "no", "0", "false": false
    default: nil
    }
  }
}

/// A field of a results row that does not hold what its column needs.
struct ResultRowFieldError: Error {
  var column: String
  var message: String
}
