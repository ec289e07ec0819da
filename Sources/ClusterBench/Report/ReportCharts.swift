import Foundation

/// The report's four charts, shaped from a ``Comparison``: the figures of the ROCK-CNN paper's
/// Figs. 7–12 (GFLOPS against node count per memory fraction, temperature timelines, average
/// temperature per node, memory per node), each with the notes on what was unavailable.
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
    let chart = LineChart(
      id: "gflops-chart", title: "HPL performance against node count",
      subtitle: "best PASSED result per node count; one line per memory fraction (the share of memory N was sized for)",
      xTitle: "nodes", yTitle: "GFLOPS (10⁹ floating-point operations / s)", series: series, xIntegers: true,
      missing: rows.isEmpty ? "no results to plot" : "no PASSED result to plot")
    return ReportChart(id: chart.id, heading: "Performance", svg: chart.svg(), notes: notes)
  }

  /// Each node's temperature over time, from the timeline's runs (Figs. 8 and 9).
  static func timeline(_ comparison: Comparison) -> ReportChart {
    let timeline = comparison.telemetry.timeline
    let hosts = timeline.hosts
    let pointsOfHost = hosts.map { timeline.points(host: $0) }
    let start = pointsOfHost.compactMap { $0.first?.time }.min() ?? 0
    let end = pointsOfHost.compactMap { $0.last?.time }.max() ?? 0
    let (unit, seconds) = end - start < 300 ? ("s", 1.0) : end - start < 3 * 3600 ? ("min", 60.0) : ("h", 3600.0)
    var gaps: [Double] = []
    for points in pointsOfHost where points.count > 1 {
      for index in 1..<points.count { gaps.append(points[index].time - points[index - 1].time) }
    }
    gaps.sort()
    // A pause between a sweep's runs shows as a break: a gap well above the usual spacing.
    let breakGap = gaps.count >= 3 ? max(gaps[gaps.count / 2] * 5, 1) / seconds : nil
    let series = zip(hosts, pointsOfHost).map { host, points in
      LineChart.Series(
        name: host,
        points: points.map {
          LineChart.Point(
            x: ($0.time - start) / seconds, y: $0.meanCelsius,
            attributes: [
              DataAttribute("node", host), DataAttribute("max", $0.maxCelsius),
              DataAttribute("samples", String($0.samples)),
            ])
        })
    }

    var notes: [String] = []
    let missing: String
    let drawnNodes = comparison.telemetry.nodes(of: comparison.telemetry.timelineRuns)
    let cold = drawnNodes.filter { $0.temperatureSamples == 0 }
    if comparison.telemetry.timelineRuns.isEmpty {
      missing = "no telemetry: no run folder (results/runs/<run id>/) for these results"
      notes.append(
        "no run has telemetry: run hplswift with --telemetry, or a sweep with telemetry, to record temperatures")
    } else if hosts.isEmpty {
      missing = "no thermal sensor on these nodes: no temperatures to plot"
    } else {
      missing = ""
    }
    for node in cold {
      let why = node.notes.first.map { " (\($0))" } ?? ""
      notes.append("\(node.host): no thermal sensor\(why); a virtual machine usually has none")
    }
    if timeline.unreadableTimestamps > 0 {
      notes.append("\(timeline.unreadableTimestamps) sample(s) left out: timestamp not ISO 8601 UTC")
    }
    let source = comparison.timelineSource.map { "\($0): " } ?? ""
    let chart = LineChart(
      id: "temperature-timeline", title: "Temperature timeline per node",
      subtitle: "\(source)each node's hottest sensor per sample, at most \(timeline.pointLimit) points per node",
      xTitle: hosts.isEmpty ? "time (\(unit))" : "time since \(Self.utc(start)) (\(unit))", yTitle: "temperature (°C)",
      series: series, yFromZero: false,
      breakGap: breakGap, pointRadius: 1.6, missing: missing)
    return ReportChart(id: chart.id, heading: "Temperature over time", svg: chart.svg(), notes: notes)
  }

  /// Mean and highest temperature of each node over every run of the report (Fig. 10).
  static func temperatureByNode(_ comparison: Comparison) -> ReportChart {
    let runIDs = (comparison.runs.map(\.runID) + comparison.training.runs.map(\.runID))
      .filter { comparison.telemetry.runs[$0] != nil }
    let nodes = comparison.telemetry.nodes(of: runIDs)
    var notes: [String] = []
    let missing: String
    if runIDs.isEmpty {
      missing = "no telemetry: no run folder (results/runs/<run id>/) for these results"
    } else if nodes.allSatisfy({ $0.temperatureSamples == 0 }) {
      missing = "no thermal sensor on these nodes: no temperatures to plot"
    } else {
      missing = ""
    }
    for node in nodes where node.temperatureSamples == 0 {
      notes.append("\(node.host): no thermal sensor (n/a in the chart)")
    }
    let chart = BarChart(
      id: "temperature-per-node", title: "Average temperature per node",
      subtitle: "each node's hottest sensor per sample: mean and maximum over \(runIDs.count) run(s) with telemetry",
      categoryTitle: "node", yTitle: "temperature (°C)", categories: nodes.map(\.host),
      series: [
        BarChart.Series(name: "mean", values: nodes.map(\.temperatureMeanCelsius)),
        BarChart.Series(name: "max", values: nodes.map(\.temperatureMaxCelsius)),
      ], yUpper: nil, unit: "°C", missing: missing)
    return ReportChart(id: chart.id, heading: "Temperature per node", svg: chart.svg(), notes: notes)
  }

  /// The most memory each node used, per memory fraction (Fig. 12).
  static func memoryByNode(_ comparison: Comparison) -> ReportChart {
    let runs = comparison.runs.filter { comparison.telemetry.runs[$0.runID] != nil }
    let keys = Array(Set(runs.map(\.key.series))).sorted()
    let names = seriesNames(keys)
    // Training runs: one series per model, batch and sync mode.
    let trainingRuns = comparison.training.runs.filter { comparison.telemetry.runs[$0.runID] != nil }
    let trainingKeys = Array(Set(trainingRuns.map(\.key.series))).sorted()
    let severalSweeps = Set(trainingKeys.map(\.sweep)).count > 1
    var groups = keys.map { key in (names[key]!, runs.filter { $0.key.series == key }.map(\.runID)) }
    groups += trainingKeys.map { key in
      (key.seriesName(withSweep: severalSweeps), trainingRuns.filter { $0.key.series == key }.map(\.runID))
    }
    let nodes = comparison.telemetry.nodes(of: groups.flatMap(\.1))
    let series = groups.map { name, runIDs in
      let peaks = comparison.telemetry.nodes(of: runIDs)
      let percent = Dictionary(peaks.map { ($0.host, $0.memUsedPeakPercent) }, uniquingKeysWith: { first, _ in first })
      return BarChart.Series(name: name, values: nodes.map { percent[$0.host] ?? nil })
    }
    var notes: [String] = []
    for node in nodes where node.memUsedPeakPercent == nil {
      notes.append("\(node.host): no memory figures (no memory.csv rows)")
    }
    let chart = BarChart(
      id: "memory-per-node", title: "Memory per node",
      subtitle: "the most memory each node used (MemTotal − MemAvailable) in the runs of each memory fraction "
        + "(HPL) or training configuration",
      categoryTitle: "node", yTitle: "peak memory used (% of MemTotal)", categories: nodes.map(\.host),
      series: series, yUpper: 100, unit: "%",
      missing: groups.isEmpty
        ? "no telemetry: no run folder (results/runs/<run id>/) for these results"
        : "no memory figures in these runs' memory.csv")
    return ReportChart(id: chart.id, heading: "Memory per node", svg: chart.svg(), notes: notes)
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
