import CSVFiles
import Foundation
import HPL
import Telemetry

/// The table of `clusterbench compare`: one ``CompareRow`` per sweep, memory fraction and node
/// count, sorted that way (see ``CompareKey``).
public struct CompareTable: Sendable, Equatable {
  public var rows: [CompareRow]

  public init(rows: [CompareRow]) { self.rows = rows }

  /// Groups `catalog`'s results and points, takes each group's best PASSED result, the speedup
  /// over one node of the same sweep and memory fraction, and the telemetry of the group's runs.
  public init(catalog: ResultsCatalog, runs: [CatalogRun], telemetry: TelemetryDigests) {
    var groups: [CompareKey: CompareRow] = [:]
    var statuses: [CompareKey: [String: Int]] = [:]
    for result in catalog.results {
      let key = CompareKey(result)
      var row = groups[key] ?? CompareRow(key: key)
      row.results += 1
      if result.row.status == .passed {
        row.passed += 1
        if result.row.gflops > row.best?.gflops ?? -.infinity { row.best = result.row }
      } else {
        statuses[key, default: [:]][result.row.status.rawValue, default: 0] += 1
      }
      groups[key] = row
    }
    var failedPoints: [CompareKey: [String: Int]] = [:]
    for point in catalog.points {
      let key = CompareKey(point)
      var row = groups[key] ?? CompareRow(key: key)
      row.points += 1
      if point.record.status != .passed {
        row.failedPoints += 1
        failedPoints[key, default: [:]][point.record.status.rawValue, default: 0] += 1
      }
      groups[key] = row
    }
    var runsOfGroup: [CompareKey: [String]] = [:]
    for run in runs { runsOfGroup[run.key, default: []].append(run.runID) }

    rows = groups.keys.sorted().map { key in
      var row = groups[key]!
      let nodes = Double(key.nodes)
      if let best = row.bestGFLOPS {
        row.gflopsPerNode = best / nodes
        if let base = groups[key.oneNode]?.bestGFLOPS, base > 0 {
          row.speedup = best / base
          row.efficiency = best / base / nodes
        }
      }
      let runIDs = runsOfGroup[key] ?? []
      row.runs = runIDs.count
      let withTelemetry = runIDs.filter { telemetry.runs[$0] != nil }
      row.telemetryRuns = withTelemetry.count
      let group = telemetry.summary(of: withTelemetry)
      (row.temperatureMaxCelsius, row.temperatureMeanCelsius) = (
        group.temperatureMaxCelsius, group.temperatureMeanCelsius
      )
      (row.memUsedPeakBytes, row.memUsedPeakPercent) = (group.memUsedPeakBytes, group.memUsedPeakPercent)
      (row.jobRSSPeakBytes, row.jobRSSPeakPercent) = (group.jobResidentPeakBytes, group.jobResidentPeakPercent)
      row.notes = Self.notes(
        row, statuses: statuses[key] ?? [:], failedPoints: failedPoints[key] ?? [:], nodes: group.nodes)
      return row
    }
  }

  /// What a reader must know to trust the row: missing results, speedup or telemetry, failures.
  private static func notes(
    _ row: CompareRow, statuses: [String: Int], failedPoints: [String: Int], nodes: [NodeTelemetry]
  ) -> [String] {
    var notes: [String] = []
    if row.best == nil {
      let others = statuses.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
      notes.append(row.results == 0 ? "no result in the results file" : "no PASSED result (\(others))")
    } else if row.speedup == nil {
      notes.append("no PASSED 1-node result at this memory fraction: speedup unknown")
    }
    if row.failedPoints > 0 {
      let counts = failedPoints.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
      notes.append("failed points: \(counts)")
    }
    if row.telemetryRuns == 0 {
      notes.append(row.runs == 0 ? "no run id: no telemetry" : "no telemetry (no run folder)")
    } else {
      let cold = nodes.filter { $0.temperatureSamples == 0 }.map(\.host)
      if !cold.isEmpty {
        notes.append(
          cold.count == nodes.count
            ? "no thermal sensor on these nodes" : "no thermal sensor on \(cold.joined(separator: ", "))")
      }
    }
    return notes
  }

  // MARK: - Rendering

  /// The table for a terminal, with notes explaining the derived columns after it.
  ///
  /// GFLOPS and °C have one decimal, speedup two, efficiency and memory are percentages; a
  /// value that is unknown is `-`. ``csv()`` has the exact figures.
  public func text() -> String {
    var table = TextTable(
      header: [
        "sweep", "nodes", "memory", "best GFLOPS", "speedup", "efficiency", "GFLOPS/node", "max °C", "mean °C",
        "job RSS/node", "job RSS %", "node used", "node used %", "passed", "failed points", "note",
      ],
      leftAligned: [0, 15])
    for row in rows {
      table.rows.append([
        row.key.sweep ?? "-", String(row.key.nodes), CompareKey.percentText(row.key.memoryFraction),
        Self.format(row.bestGFLOPS, "%.1f"), Self.format(row.speedup, "%.2f"),
        Self.format(row.efficiency.map { $0 * 100 }, "%.0f %%"), Self.format(row.gflopsPerNode, "%.2f"),
        Self.format(row.temperatureMaxCelsius, "%.1f"), Self.format(row.temperatureMeanCelsius, "%.1f"),
        row.jobRSSPeakBytes.map(TelemetrySummary.humanBytes) ?? "-", Self.format(row.jobRSSPeakPercent, "%.1f"),
        row.memUsedPeakBytes.map(TelemetrySummary.humanBytes) ?? "-", Self.format(row.memUsedPeakPercent, "%.1f"),
        "\(row.passed)/\(row.results)", row.points == 0 ? "-" : "\(row.failedPoints)/\(row.points)",
        row.notes.joined(separator: "; "),
      ])
    }
    return table.render() + """

      speedup: best GFLOPS over the best at 1 node of the same sweep and memory; efficiency: speedup / nodes.
      °C: each node's hottest sensor per sample, over every node and run of the line.
      job RSS/node: the most resident memory the run's ranks held together on one node (% of its MemTotal);
      node used: the most memory (MemTotal − MemAvailable) one node used, the job's and everything else's.
      passed: PASSED results / results; failed points: points that failed, timed out or did not start / points.

      """
  }

  /// The columns of ``csv()``, in order.
  ///
  /// | column | unit |
  /// |---|---|
  /// | `sweep` | the sweep (its folder under `results/sweeps/`); empty for results in no sweep |
  /// | `nodes` | nodes the point ran on (a result in no sweep: its distinct hosts) |
  /// | `memory_fraction` | share of the nodes' memory N was sized for, 0–1; empty when unknown |
  /// | `best_gflops` | GFLOPS (10⁹ floating-point operations per second), the best PASSED result |
  /// | `speedup` | best_gflops / best_gflops of 1 node, same sweep and memory fraction; dimensionless, 4 decimals |
  /// | `efficiency` | speedup / nodes, 0–1 (1 = perfect scaling), 4 decimals |
  /// | `gflops_per_node` | GFLOPS, best_gflops / nodes, 4 decimals |
  /// | `temp_max_celsius` | °C, the highest reading of any sensor on any node of the group's runs, 2 decimals |
  /// | `temp_mean_celsius` | °C, mean over every node and sample of the node's hottest sensor, 2 decimals |
  /// | `job_rss_peak_bytes` | bytes, the most resident memory (VmRSS summed over the run's ranks on the node) one node held for the job |
  /// | `job_rss_peak_percent` | percent of that node's MemTotal, the largest on any node, 2 decimals |
  /// | `mem_used_peak_bytes` | bytes, the most memory (MemTotal − MemAvailable) one node used: the job's and everything else's |
  /// | `mem_used_peak_percent` | percent of that node's MemTotal, the largest on any node, 2 decimals |
  /// | `results`, `passed` | rows of results/hpl.csv in the group, and those PASSED |
  /// | `points`, `failed_points` | sweep points recorded, and those `failed`, `timeout` or `error` |
  /// | `runs`, `telemetry_runs` | run ids of the group, and those with a telemetry folder |
  /// | `best_run_id` | the run id of the best result |
  /// | `best_n`, `best_nb`, `best_p`, `best_q` | its N, NB and process grid P × Q |
  /// | `note` | what is missing or failed, `; `-separated |
  ///
  /// Empty fields are unknown values (no PASSED result, no one-node point, no telemetry).
  public static let csvColumns = [
    "sweep", "nodes", "memory_fraction", "best_gflops", "speedup", "efficiency", "gflops_per_node",
    "temp_max_celsius", "temp_mean_celsius", "job_rss_peak_bytes", "job_rss_peak_percent", "mem_used_peak_bytes",
    "mem_used_peak_percent", "results", "passed", "points", "failed_points", "runs", "telemetry_runs", "best_run_id",
    "best_n", "best_nb", "best_p", "best_q", "note",
  ]

  /// The table as CSV (RFC 4180, `\n` line ends): the header of ``csvColumns``, one row per line
  /// of the table, exact figures.
  public func csv() -> String {
    var lines = [CSVFile.line(Self.csvColumns)]
    for row in rows {
      let best = row.best
      lines.append(
        CSVFile.line([
          row.key.sweep ?? "", String(row.key.nodes), row.key.memoryFraction.map { String($0) } ?? "",
          best.map { String($0.gflops) } ?? "", Self.format(row.speedup, "%.4f", empty: ""),
          Self.format(row.efficiency, "%.4f", empty: ""), Self.format(row.gflopsPerNode, "%.4f", empty: ""),
          Self.format(row.temperatureMaxCelsius, "%.2f", empty: ""),
          Self.format(row.temperatureMeanCelsius, "%.2f", empty: ""), row.jobRSSPeakBytes.map { String($0) } ?? "",
          Self.format(row.jobRSSPeakPercent, "%.2f", empty: ""), row.memUsedPeakBytes.map { String($0) } ?? "",
          Self.format(row.memUsedPeakPercent, "%.2f", empty: ""), String(row.results), String(row.passed),
          String(row.points), String(row.failedPoints), String(row.runs), String(row.telemetryRuns),
          best?.runID ?? "", best.map { String($0.n) } ?? "", best.map { String($0.nb) } ?? "",
          best.map { String($0.p) } ?? "", best.map { String($0.q) } ?? "", row.notes.joined(separator: "; "),
        ]))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func format(_ value: Double?, _ format: String, empty: String = "-") -> String {
    value.map { String(format: format, $0) } ?? empty
  }
}
