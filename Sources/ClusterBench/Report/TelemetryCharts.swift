import Foundation
import Telemetry

/// The report's telemetry charts, shaped from a ``Comparison``: the ROCK-CNN paper's Figs. 8–12
/// (each node's temperature over time, average temperature per node, memory per node) and each
/// node's CPU busy share and network traffic over time, each with the notes on what was
/// unavailable. A chart with nothing to draw is one line instead (see ``ReportChart``): no run
/// with telemetry, or no node with a temperature sensor.
enum TelemetryCharts {
  /// The chart ids, in page order.
  static let ids = [
    "temperature-timeline", "temperature-per-node", "memory-per-node", "node-memory-per-node", "cpu-timeline",
    "network-timeline",
  ]
  /// The line in place of the two temperature charts when no node has a sensor.
  static let noSensorID = "temperature"
  /// The line in place of every telemetry chart when no run has telemetry.
  static let noTelemetryID = "telemetry"

  /// Every telemetry chart, or the lines saying why there is none.
  static func all(_ comparison: Comparison) -> [ReportChart] {
    let runIDs = runsWithTelemetry(comparison)
    guard !runIDs.isEmpty else {
      return [
        ReportChart(
          id: noTelemetryID, heading: "Telemetry",
          absent: "No run has telemetry (no folder results/runs/<run id>/ for these results): no temperature, "
            + "memory, CPU or network to plot. Run hplswift or cnnswift with --telemetry, or a job with telemetry:, "
            + "to record them.")
      ]
    }
    let axis = TimeAxis(comparison.telemetry.timelines)
    return temperature(comparison, runIDs: runIDs, axis: axis) + memory(comparison)
      + [cpu(comparison, axis: axis), network(comparison, axis: axis)]
  }

  /// The runs of the report (HPL and training) that have a telemetry folder that was read.
  static func runsWithTelemetry(_ comparison: Comparison) -> [String] {
    (comparison.runs.map(\.runID) + comparison.training.runs.map(\.runID))
      .filter { comparison.telemetry.runs[$0] != nil }
  }

  // MARK: - Temperature

  /// The timeline and the per-node chart, or one line when no node of any run has a sensor.
  static func temperature(_ comparison: Comparison, runIDs: [String], axis: TimeAxis) -> [ReportChart] {
    let nodes = comparison.telemetry.nodes(of: runIDs)
    guard nodes.allSatisfy({ $0.temperatureSamples == 0 }) else {
      return [timeline(comparison, axis: axis), temperatureByNode(comparison, runIDs: runIDs, nodes: nodes)]
    }
    let why = nodes.compactMap { node in node.notes.first.map { "\(node.host): \($0)" } }
    return [
      ReportChart(
        id: noSensorID, heading: "Temperature",
        absent: "No node reported a temperature sensor (\(nodes.map(\.host).joined(separator: ", ")), "
          + "\(runIDs.count) run(s) with telemetry): no temperatures to plot. A virtual machine usually has none.",
        notes: why)
    ]
  }

  /// Each node's temperature over time, from the timeline's runs (Figs. 8 and 9).
  static func timeline(_ comparison: Comparison, axis: TimeAxis) -> ReportChart {
    let timeline = comparison.telemetry.timelines.temperature
    let source = comparison.timelineSource ?? "the timeline's runs"
    var notes: [String] = []
    for node in comparison.telemetry.nodes(of: comparison.telemetry.timelineRuns) where node.temperatureSamples == 0 {
      let why = node.notes.first.map { " (\($0))" } ?? ""
      notes.append("\(node.host): no thermal sensor\(why); a virtual machine usually has none")
    }
    guard !timeline.isEmpty else {
      return ReportChart(
        id: ids[0], heading: "Temperature over time",
        absent: "No node of \(source) reported a temperature sensor: no timeline to plot.", notes: notes)
    }
    let chart = timelineChart(
      timeline, axis: axis, id: ids[0], title: "Temperature timeline per node",
      subtitle: "\(source): each node's hottest sensor per sample, at most \(timeline.pointLimit) points per node",
      yTitle: "temperature (°C)", yFromZero: false)
    return ReportChart(id: ids[0], heading: "Temperature over time", svg: chart, notes: notes)
  }

  /// Mean and highest temperature of each node over every run of the report (Fig. 10).
  static func temperatureByNode(_ comparison: Comparison, runIDs: [String], nodes: [NodeTelemetry]) -> ReportChart {
    let notes = nodes.filter { $0.temperatureSamples == 0 }.map { "\($0.host): no thermal sensor (n/a in the chart)" }
    let chart = BarChart(
      id: ids[1], title: "Average temperature per node",
      subtitle: "each node's hottest sensor per sample: mean and maximum over \(runIDs.count) run(s) with telemetry",
      categoryTitle: "node", yTitle: "temperature (°C)", categories: nodes.map(\.host),
      series: [
        BarChart.Series(name: "mean", values: nodes.map(\.temperatureMeanCelsius)),
        BarChart.Series(name: "max", values: nodes.map(\.temperatureMaxCelsius)),
      ], yUpper: nil, unit: "°C", missing: "")
    return ReportChart(id: chart.id, heading: "Temperature per node", svg: chart.svg(), notes: notes)
  }

  // MARK: - Memory

  /// The job's memory per node (the ranks' resident memory, Fig. 12) and, separately labelled,
  /// the node's used memory, one bar series per memory fraction (HPL) or training configuration.
  static func memory(_ comparison: Comparison) -> [ReportChart] {
    let groups = memoryGroups(comparison)
    let nodes = comparison.telemetry.nodes(of: groups.flatMap(\.runIDs))
    let perGroup = groups.map { group in
      (group.name, Dictionary(comparison.telemetry.nodes(of: group.runIDs).map { ($0.host, $0) }) { first, _ in first })
    }
    // The job's memory in bytes (a job of 200 MiB on a 24 GiB node would be an invisible 1 %),
    // its share of MemTotal in the tooltip; the node's in percent, how full the node was.
    let jobPeak = nodes.compactMap(\.jobResidentPeakBytes).max() ?? 0
    let (unit, divisor) = jobPeak >= 1 << 30 ? ("GiB", Double(1 << 30)) : ("MiB", Double(1 << 20))
    let job = memoryChart(
      MemoryChart(
        id: ids[2], heading: "Job memory per node", title: "Job memory per node (job RSS/node)",
        subtitle: "the most resident memory (VmRSS) the run's ranks held together on each node, "
          + "per memory fraction (HPL) or training configuration",
        yTitle: "job RSS/node (\(unit))", unit: unit, yUpper: nil,
        absent: "No run recorded its ranks' resident memory (memory.csv's ranks_resident_bytes is empty): "
          + "no job memory to plot."),
      nodes: nodes, groups: perGroup, value: { $0.jobResidentPeakBytes.map { Double($0) / divisor } },
      detail: { $0.jobResidentPeakPercent.map { String(format: "%.1f %% of MemTotal", $0) } })
    let node = memoryChart(
      MemoryChart(
        id: ids[3], heading: "Node memory used per node", title: "Memory used per node (node used)",
        subtitle: "the most memory each node used (MemTotal − MemAvailable): the job's, the system's and "
          + "everything else running",
        yTitle: "node used (% of MemTotal)", unit: "%", yUpper: 100,
        absent: "No memory figures in these runs' memory.csv: no node memory to plot."),
      nodes: nodes, groups: perGroup, value: \.memUsedPeakPercent,
      detail: { $0.memUsedPeakBytes.map(TelemetrySummary.humanBytes) })
    return [job, node]
  }

  /// What tells the two memory charts apart.
  struct MemoryChart {
    var id, heading, title, subtitle, yTitle, unit: String
    var yUpper: Double?
    /// The line in place of the chart when no node has the figure.
    var absent: String
  }

  /// A bar per node and group of `value`, with `detail` in its tooltip; the `absent` line when no node has one.
  private static func memoryChart(
    _ chart: MemoryChart, nodes: [NodeTelemetry], groups: [(String, [String: NodeTelemetry])],
    value: (NodeTelemetry) -> Double?, detail: (NodeTelemetry) -> String?
  ) -> ReportChart {
    guard nodes.contains(where: { value($0) != nil }) else {
      return ReportChart(id: chart.id, heading: chart.heading, absent: chart.absent)
    }
    let series = groups.map { name, byHost in
      BarChart.Series(
        name: name, values: nodes.map { byHost[$0.host].flatMap(value) },
        details: nodes.map { byHost[$0.host].flatMap(detail) })
    }
    let notes = nodes.filter { value($0) == nil }.map { "\($0.host): no figure (n/a in the chart)" }
    let bars = BarChart(
      id: chart.id, title: chart.title, subtitle: chart.subtitle, categoryTitle: "node", yTitle: chart.yTitle,
      categories: nodes.map(\.host), series: series, yUpper: chart.yUpper, unit: chart.unit, missing: "")
    return ReportChart(id: chart.id, heading: chart.heading, svg: bars.svg(), notes: notes)
  }

  /// The bar series of the memory charts: each memory fraction's HPL runs, each training configuration's runs.
  private static func memoryGroups(_ comparison: Comparison) -> [(name: String, runIDs: [String])] {
    let runs = comparison.runs.filter { comparison.telemetry.runs[$0.runID] != nil }
    let keys = Array(Set(runs.map(\.key.series))).sorted()
    let names = ReportCharts.seriesNames(keys)
    let trainingRuns = comparison.training.runs.filter { comparison.telemetry.runs[$0.runID] != nil }
    let table = comparison.trainingTable
    let trainingKeys = Array(Set(trainingRuns.map { table.line(of: $0.key) })).sorted()
    let trainingNames = TrainingCompareKey.seriesNames(trainingKeys)
    // Beside training configurations, HPL's series say that they are HPL's.
    let hpl = trainingKeys.isEmpty ? "" : "HPL · "
    return keys.map { key in (hpl + names[key]!, runs.filter { $0.key.series == key }.map(\.runID)) }
      + trainingKeys.map { key in
        (trainingNames[key]!, trainingRuns.filter { table.line(of: $0.key) == key }.map(\.runID))
      }
  }

  // MARK: - CPU and network

  /// Each node's CPU busy share over time (`utilization_percent` of all cores), from the timeline's runs.
  static func cpu(_ comparison: Comparison, axis: TimeAxis) -> ReportChart {
    let timeline = comparison.telemetry.timelines.cpu
    let source = comparison.timelineSource ?? "the timeline's runs"
    guard !timeline.isEmpty else {
      return ReportChart(
        id: ids[4], heading: "CPU over time", absent: "No CPU figures (cpu.csv) in \(source): no CPU to plot.")
    }
    let chart = timelineChart(
      timeline, axis: axis, id: ids[4], title: "CPU busy per node",
      subtitle: "\(source): the share of all cores' time not idle (user, system, iowait, …) per sample",
      yTitle: "CPU busy (% of all cores)", yCovers: [100])
    return ReportChart(id: ids[4], heading: "CPU over time", svg: chart, notes: [])
  }

  /// Each node's network traffic over time (received and sent over every interface but `lo`).
  static func network(_ comparison: Comparison, axis: TimeAxis) -> ReportChart {
    let timeline = comparison.telemetry.timelines.network
    let source = comparison.timelineSource ?? "the timeline's runs"
    guard !timeline.isEmpty else {
      return ReportChart(
        id: ids[5], heading: "Network over time",
        absent: "No network figures (network.csv, from a node's second sample on) in \(source): no traffic to plot.")
    }
    let peak = timeline.hosts.flatMap { timeline.points(host: $0).map(\.mean) }.max() ?? 0
    let (unit, divisor) =
      peak >= 1e9 ? ("GB/s", 1e9) : peak >= 1e6 ? ("MB/s", 1e6) : peak >= 1e3 ? ("kB/s", 1e3) : ("bytes/s", 1.0)
    let chart = timelineChart(
      timeline, axis: axis, id: ids[5], title: "Network traffic per node",
      subtitle: "\(source): bytes received + sent per second, every interface but lo (not counted: traffic "
        + "within a node)",
      yTitle: "received + sent (\(unit), 1 kB = 1000 bytes)", divisor: divisor)
    return ReportChart(id: ids[5], heading: "Network over time", svg: chart, notes: [])
  }

  // MARK: - Timelines

  /// The time axis the timelines share, so that they line up: from the first sample of any, in
  /// seconds, minutes or hours by the span.
  struct TimeAxis {
    var start: Double
    var unit: String
    var seconds: Double

    init(_ timelines: NodeTimelines) {
      let all = [timelines.temperature, timelines.cpu, timelines.network].flatMap { timeline in
        timeline.hosts.flatMap { timeline.points(host: $0).map(\.time) }
      }
      start = all.min() ?? 0
      let span = (all.max() ?? 0) - start
      (unit, seconds) = span < 300 ? ("s", 1.0) : span < 3 * 3600 ? ("min", 60.0) : ("h", 3600.0)
    }

    var title: String { "time since \(ReportCharts.utc(start)) (\(unit))" }
  }

  /// One line per node of `timeline`, values divided by `divisor`; the line breaks at a pause
  /// between runs (a gap well above the usual spacing).
  static func timelineChart(
    _ timeline: NodeTimeline, axis: TimeAxis, id: String, title: String, subtitle: String, yTitle: String,
    divisor: Double = 1, yFromZero: Bool = true, yCovers: [Double] = []
  ) -> String {
    let pointsOfHost = timeline.hosts.map { timeline.points(host: $0) }
    var gaps: [Double] = []
    for points in pointsOfHost where points.count > 1 {
      for index in 1..<points.count { gaps.append(points[index].time - points[index - 1].time) }
    }
    gaps.sort()
    let breakGap = gaps.count >= 3 ? max(gaps[gaps.count / 2] * 5, 1) / axis.seconds : nil
    let series = zip(timeline.hosts, pointsOfHost).map { host, points in
      LineChart.Series(
        name: host,
        points: points.map {
          LineChart.Point(
            x: ($0.time - axis.start) / axis.seconds, y: $0.mean / divisor,
            attributes: [
              DataAttribute("node", host), DataAttribute("max", $0.max / divisor),
              DataAttribute("samples", String($0.samples)),
            ])
        })
    }
    return LineChart(
      id: id, title: title, subtitle: subtitle, xTitle: axis.title, yTitle: yTitle, series: series,
      yFromZero: yFromZero, yCovers: yCovers, breakGap: breakGap, pointRadius: 1.6, missing: ""
    ).svg()
  }
}
