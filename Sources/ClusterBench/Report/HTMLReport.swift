import Foundation
import Telemetry

/// The report of `clusterbench report`: one self-contained HTML file (inline CSS and SVG, no
/// script, font or link to fetch, so it opens anywhere offline) with GFLOPS against node count,
/// the temperature timeline, average temperature and memory per node, and the compare table.
///
/// Charts carry their figures as data attributes for scripts and tests: line points are
/// `<circle class="point" data-series data-x data-y …>`, bars `<rect class="bar" data-node
/// data-series data-value>`, missing bars `<text class="no-data" data-node data-series>`; the
/// notes under a chart are `<li class="note">` in `<ul class="notes" data-chart="ID">`. The page
/// is also well-formed XML (void elements closed, text escaped), so any XML parser can check it.
public struct HTMLReport: Sendable {
  public var comparison: Comparison
  /// When the report was made, shown in its header.
  public var generated: Date
  /// The most warnings listed in the report (all are counted).
  public var warningLimit = 200

  public init(comparison: Comparison, generated: Date = Date()) {
    (self.comparison, self.generated) = (comparison, generated)
  }

  /// The chart ids, in page order (the GFLOPS charts only when there are HPL results or no
  /// training results, against N and NB only when a sweep varies them; ``trainingChartIDs`` come
  /// after them when there are training results). A chart without data is a line instead,
  /// `<p class="absent" data-chart="ID">`, and the two temperature charts one line
  /// (``noSensorChartID``) when no node has a sensor, every telemetry chart one line
  /// (``noTelemetryChartID``) when no run has telemetry.
  public static let chartIDs = ["gflops-chart"] + HPLParameterCharts.ids + TelemetryCharts.ids
  /// The training charts' ids: time and accuracy against ranks, accuracy after each epoch.
  public static let trainingChartIDs = TrainingCharts.ids
  /// The `data-chart` of the line saying that no node reported a temperature sensor.
  public static let noSensorChartID = TelemetryCharts.noSensorID
  /// The `data-chart` of the line saying that no run has telemetry.
  public static let noTelemetryChartID = TelemetryCharts.noTelemetryID

  /// The whole page.
  public func render() -> String {
    let catalog = comparison.catalog
    let telemetryRuns = comparison.telemetry.runs.count
    let sweeps = catalog.sweeps.isEmpty ? "no sweep" : "sweep(s) " + catalog.sweeps.joined(separator: ", ")
    var html = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <meta name="generator" content="clusterbench report"/>
      <title>clusterbench report</title>
      <style>\(Self.style)</style>
      </head>
      <body>
      <header>
      <h1>clusterbench report</h1>
      <p class="meta">\(Markup.escape(ReportCharts.utc(generated.timeIntervalSince1970))) · \
      \(Markup.escape(catalog.resultsPath)): \(catalog.results.count) result(s), \(catalog.points.count) sweep \
      point(s) in \(Markup.escape(sweeps)) · \(Markup.escape(comparison.training.resultsPath)): \
      \(comparison.training.runs.count) training run(s), \(catalog.trainingPoints.count) training point(s) · \
      \(comparison.runs.count + comparison.training.runs.count) run(s), \(telemetryRuns) with telemetry</p>
      </header>

      """
    html += warningsSection()
    let training = comparison.trainingTable
    let showHPL = !comparison.table.rows.isEmpty || training.rows.isEmpty
    var charts = showHPL ? [ReportCharts.gflops(comparison)] + HPLParameterCharts.all(comparison) : []
    if !training.rows.isEmpty { charts += TrainingCharts.all(training) }
    charts += TelemetryCharts.all(comparison)
    html += charts.map(\.html).joined()
    if showHPL { html += tableSection() }
    if !training.rows.isEmpty { html += trainingTableSection() }
    return html + "</body>\n</html>\n"
  }

  private func warningsSection() -> String {
    let warnings = comparison.warnings
    guard !warnings.isEmpty else { return "" }
    var html = "<section id=\"warnings\">\n<details>\n<summary>\(warnings.count) warning(s): rows or files left out"
    html += "</summary>\n<ul>\n"
    html += warnings.prefix(warningLimit).map { "<li>\(Markup.escape($0))</li>\n" }.joined()
    if warnings.count > warningLimit {
      html += "<li>… and \(warnings.count - warningLimit) more (clusterbench compare prints them all)</li>\n"
    }
    return html + "</ul>\n</details>\n</section>\n"
  }

  /// The compare table as HTML: the same columns as `clusterbench compare`.
  private func tableSection() -> String {
    let header = [
      "sweep", "nodes", "memory", "best GFLOPS", "speedup", "efficiency", "GFLOPS / node", "max °C", "mean °C",
      "job RSS/node", "job RSS %", "node used", "node used %", "passed", "failed points", "best run (N, NB, P×Q)",
      "note",
    ]
    var html = "<section id=\"section-compare\">\n<h2>Compare table</h2>\n<div class=\"table-scroll\">\n"
    html += "<table id=\"compare-table\">\n<thead><tr>"
    html += header.map { "<th>\(Markup.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
    for row in comparison.table.rows {
      let best = row.best.map { "\($0.runID) (\($0.n), \($0.nb), \($0.p)×\($0.q))" } ?? "-"
      let cells = [
        row.key.sweep ?? "-", String(row.key.nodes), CompareKey.percentText(row.key.memoryFraction),
        CompareTable.format(row.bestGFLOPS, "%.2f"), CompareTable.format(row.speedup, "%.2f"),
        CompareTable.format(row.efficiency.map { $0 * 100 }, "%.0f %%"), CompareTable.format(row.gflopsPerNode, "%.2f"),
        CompareTable.format(row.temperatureMaxCelsius, "%.1f"), CompareTable.format(row.temperatureMeanCelsius, "%.1f"),
        row.jobRSSPeakBytes.map(TelemetrySummary.humanBytes) ?? "-", CompareTable.format(row.jobRSSPeakPercent, "%.1f"),
        row.memUsedPeakBytes.map(TelemetrySummary.humanBytes) ?? "-",
        CompareTable.format(row.memUsedPeakPercent, "%.1f"),
        "\(row.passed)/\(row.results)", row.points == 0 ? "-" : "\(row.failedPoints)/\(row.points)", best,
        row.notes.joined(separator: "; "),
      ]
      let key =
        "data-nodes=\"\(row.key.nodes)\" data-memory-fraction=\"\(row.key.memoryFraction.map { String($0) } ?? "")\""
      html += "<tr \(key)>" + cells.map { "<td>\(Markup.escape($0))</td>" }.joined() + "</tr>\n"
    }
    if comparison.table.rows.isEmpty {
      html += "<tr><td colspan=\"\(header.count)\" class=\"note\">no results to compare</td></tr>\n"
    }
    html += "</tbody>\n</table>\n</div>\n"
    html += """
      <p class="explain">speedup: best GFLOPS over the best at 1 node of the same sweep and memory fraction; \
      efficiency: speedup / nodes (100 % is perfect scaling). °C: each node's hottest sensor per sample, over every \
      node and run of the line. job RSS/node: the most resident memory the run's ranks held together on one node \
      (% of its MemTotal). node used: the most memory (MemTotal − MemAvailable) one node used, the job's and \
      everything else's. passed: PASSED \
      results / results. failed points: sweep points that failed, timed out or did not start / points.</p>
      </section>

      """
    return html
  }

  /// The training table as HTML: the columns of the training view of `clusterbench compare`.
  private func trainingTableSection() -> String {
    let table = comparison.trainingTable
    let header = TrainingCompareTable.header
    var html =
      "<section id=\"section-training\">\n<h2>Training table</h2>\n<div class=\"table-scroll\">\n"
      + "<table id=\"training-table\">\n<thead><tr>"
    html += header.map { "<th>\(Markup.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
    for row in table.rows {
      let cells = TrainingCompareTable.cells(row)
      html += "<tr data-ranks=\"\(row.key.ranks)\" data-model=\"\(Markup.escape(row.key.model))\">"
      html += cells.map { "<td>\(Markup.escape($0))</td>" }.joined() + "</tr>\n"
    }
    html += "</tbody>\n</table>\n</div>\n"
    html += """
      <p class="explain">seconds, images/s, test accuracy, loss: a run's wall time, training images of all ranks per \
      second, and the test accuracy and training loss after its last epoch (medians over the line's runs). speedup: \
      images/s over the same model, batch and sync on the fewest ranks; efficiency: speedup × those ranks / ranks. \
      sync share: the ranks' time spent synchronizing; sync MB: what a rank sent (and as many received) per \
      epoch. rank peak RSS: the largest peak resident memory of one rank; job RSS/node: the most resident memory \
      the run's ranks held together on one node; node used: the most memory one node used, the job's and everything \
      else's. steps/epoch: images per epoch / global batch; lr: the first epoch's learning rate. Runs that differ in \
      data, steps, epochs or learning rate are separate lines.</p>
      </section>

      """
    return html
  }

  private static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;\
    max-width:1240px;color:#222;background:#fff;padding:0 12px}\
    h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 6px}\
    .meta,.explain{color:#555;font-size:.9em}\
    svg.chart{max-width:100%;height:auto;display:block;border:1px solid #e4e4e4;border-radius:4px}\
    svg .title{font-size:17px;font-weight:600;fill:#222}svg .subtitle{font-size:12px;fill:#666}\
    svg .grid{stroke:#ececec;stroke-width:1}svg .tick,svg .axis-line{stroke:#555;stroke-width:1}\
    svg .tick-label{font-size:12px;fill:#444}svg .axis-title{font-size:13px;fill:#222}\
    svg .legend-label{font-size:12px;fill:#333}svg .missing{font-size:15px;fill:#b03030;font-style:italic}\
    svg .no-data{font-size:14px;fill:#b03030}\
    ul.notes{margin:6px 0 0;padding-left:20px;color:#8a4b00;font-size:.9em}\
    p.absent{margin:4px 0;padding:8px 12px;background:#f7f7f7;border-left:3px solid #b0b0b0;color:#444}\
    .table-scroll{overflow-x:auto;max-width:100%}\
    table{border-collapse:collapse;font-size:.8em;min-width:100%}\
    th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:right;vertical-align:top}\
    th{background:#f4f4f4}td{white-space:nowrap}td:last-child{white-space:normal}td:first-child,th:first-child,td:last-child,th:last-child{text-align:left}td:last-child{min-width:16em}td:first-child{white-space:nowrap}\
    details{background:#fff8e6;border:1px solid #f0d89a;border-radius:4px;padding:6px 10px;font-size:.85em}
    """
}
