import HPL

/// One line of `clusterbench compare`: a node count and memory fraction of a sweep (or of the
/// results in no sweep), its best result and how it scales, and what its runs' telemetry shows.
public struct CompareRow: Sendable, Equatable {
  public var key: CompareKey
  /// The rows of results/hpl.csv in the group (every status).
  public var results: Int
  /// Those with status PASSED.
  public var passed: Int
  /// The sweep points recorded for the group.
  public var points: Int
  /// Those that did not pass (`failed`, `timeout`, `error`).
  public var failedPoints: Int
  /// The PASSED result with the most GFLOPS.
  public var best: ResultRow?
  /// ``bestGFLOPS`` over the best GFLOPS of one node of the same sweep and memory fraction.
  public var speedup: Double?
  /// ``speedup`` / nodes: 1 is perfect scaling.
  public var efficiency: Double?
  /// ``bestGFLOPS`` / nodes.
  public var gflopsPerNode: Double?
  /// The highest reading of any sensor on any node over the group's runs, °C.
  public var temperatureMaxCelsius: Double?
  /// The mean of the nodes' temperatures (each node's hottest sensor per sample) over every
  /// node and sample of the group's runs, °C.
  public var temperatureMeanCelsius: Double?
  /// The job's own memory: the most resident memory (VmRSS summed over the run's ranks on a node)
  /// the group's runs held on one node, bytes.
  public var jobRSSPeakBytes: UInt64?
  /// The same as a percent of that node's MemTotal, the largest on any node.
  public var jobRSSPeakPercent: Double?
  /// The largest memory used on one node (MemTotal − MemAvailable), bytes: the job, the system
  /// and everything else running.
  public var memUsedPeakBytes: UInt64?
  /// The largest memory used on one node, percent of its MemTotal.
  public var memUsedPeakPercent: Double?
  /// The group's runs (run ids of its results and points).
  public var runs: Int
  /// Those with a telemetry folder.
  public var telemetryRuns: Int
  /// What is missing or went wrong, in a few words each.
  public var notes: [String]

  public init(
    key: CompareKey, results: Int = 0, passed: Int = 0, points: Int = 0, failedPoints: Int = 0, best: ResultRow? = nil,
    speedup: Double? = nil, efficiency: Double? = nil, gflopsPerNode: Double? = nil,
    temperatureMaxCelsius: Double? = nil, temperatureMeanCelsius: Double? = nil, memUsedPeakBytes: UInt64? = nil,
    memUsedPeakPercent: Double? = nil, runs: Int = 0, telemetryRuns: Int = 0, notes: [String] = []
  ) {
    (self.key, self.results, self.passed, self.points, self.failedPoints) = (
      key, results, passed, points, failedPoints
    )
    (self.best, self.speedup, self.efficiency, self.gflopsPerNode) = (best, speedup, efficiency, gflopsPerNode)
    (self.temperatureMaxCelsius, self.temperatureMeanCelsius) = (temperatureMaxCelsius, temperatureMeanCelsius)
    (self.memUsedPeakBytes, self.memUsedPeakPercent) = (memUsedPeakBytes, memUsedPeakPercent)
    (self.runs, self.telemetryRuns, self.notes) = (runs, telemetryRuns, notes)
  }

  /// The best PASSED GFLOPS; `nil` when no result passed.
  public var bestGFLOPS: Double? { best?.gflops }
}
