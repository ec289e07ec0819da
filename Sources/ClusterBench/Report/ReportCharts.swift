import Foundation

/// The report's HPL chart against node count, shaped from a ``Comparison`` (the ROCK-CNN paper's
/// Fig. 7), with the helpers the other charts share; the telemetry charts are
/// ``TelemetryCharts``, GFLOPS against N and NB ``HPLParameterCharts``.
enum ReportCharts {
  /// A name for each line or bar series: the memory fraction, with the sweep when there are several.
  static func seriesNames(_ keys: [CompareKey]) -> [CompareKey: String] {
    let several = Set(keys.map(\.sweep)).count > 1
    var names: [CompareKey: String] = [:]
    for key in keys {
      let memory = key.memoryFraction.map { "\(CompareKey.percentText($0)) memory" } ?? "memory not sized"
      names[key] = several ? "\(key.sweep ?? "no sweep") · \(memory)" : memory
    }
    return names
  }

  /// GFLOPS against node count, one line per sweep and memory fraction (Fig. 7).
  static func gflops(_ comparison: Comparison) -> ReportChart {
    let rows = comparison.table.rows
    let keys = Array(Set(rows.map(\.key.series))).sorted()
    let names = seriesNames(keys)
    let series = keys.map { key in
      LineChart.Series(
        name: names[key]!,
        points: rows.filter { $0.key.series == key }.compactMap { row in
          guard let best = row.best else { return nil }
          let memory = CompareKey.percentText(row.key.memoryFraction)
          return LineChart.Point(
            x: Double(row.key.nodes), y: best.gflops,
            attributes: [DataAttribute("nodes", String(row.key.nodes)), DataAttribute("run", best.runID)],
            tooltip: "\(row.key.nodes) node(s), \(memory) memory: \(String(format: "%.2f", best.gflops)) GFLOPS "
              + "(N=\(best.n), NB=\(best.nb), \(best.p)×\(best.q), run \(best.runID))")
        })
    }
    var notes = rows.filter { $0.best == nil }.map { row in
      "\(row.key.nodes) node(s), \(names[row.key.series]!): " + row.notes.joined(separator: "; ")
    }
    if rows.contains(where: { $0.best != nil }) && rows.contains(where: { $0.speedup == nil && $0.best != nil }) {
      notes.append("lines without a 1-node point have no speedup (see the table)")
    }
    guard rows.contains(where: { $0.best != nil }) else {
      let why = rows.isEmpty ? "No HPL result to plot." : "No PASSED HPL result to plot: see the table's notes."
      return ReportChart(id: "gflops-chart", heading: "Performance", absent: why, notes: notes)
    }
    let chart = LineChart(
      id: "gflops-chart", title: "HPL performance against node count",
      subtitle: "best PASSED result per node count; one line per memory fraction (the share of memory N was sized for)",
      xTitle: "nodes", yTitle: "GFLOPS (10⁹ floating-point operations / s)", series: series, xIntegers: true,
      missing: rows.isEmpty ? "no results to plot" : "no PASSED result to plot")
    return ReportChart(id: chart.id, heading: "Performance", svg: chart.svg(), notes: notes)
  }

  /// `2026-11-23 10:15:00 UTC`.
  static func utc(_ seconds: Double) -> String {
    let date = Date(timeIntervalSince1970: seconds)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(
      format: "%04ld-%02ld-%02ld %02ld:%02ld:%02ld UTC", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
  }
}
