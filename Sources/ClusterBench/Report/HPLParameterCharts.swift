import HPL

/// GFLOPS against the problem size N and against the block size NB, for the sweeps (and the
/// results in no sweep) whose PASSED results vary them: HPL's two tuning knobs, which the
/// chart against node count hides behind each node count's best result.
enum HPLParameterCharts {
  /// The chart ids, in page order; a chart is on the page only when some sweep varies its parameter.
  static let ids = ["gflops-n-chart", "gflops-nb-chart"]
  /// The most lines a chart draws one per node count: past it (a 22-node sweep of two NBs has 44)
  /// the legend would be taller than the page, so each sweep keeps its largest node count only.
  static let maximumLines = 16

  /// HPL.dat's N or NB.
  enum Parameter: CaseIterable {
    case n, nb

    var name: String { self == .n ? "N" : "NB" }
    var id: String { self == .n ? ids[0] : ids[1] }
    var axisTitle: String { self == .n ? "N (order of the matrix)" : "NB (block size)" }
    /// The parameter that names the lines: NB on the chart against N, N against NB.
    var other: Parameter { self == .n ? .nb : .n }

    func value(_ row: ResultRow) -> Int { self == .n ? row.n : row.nb }
  }

  /// The charts of the parameters some sweep varies.
  static func all(_ comparison: Comparison) -> [ReportChart] {
    Parameter.allCases.compactMap { chart($0, comparison) }
  }

  /// One line per sweep, node count and value of the other parameter, through the best PASSED
  /// GFLOPS at each value of `parameter`; `nil` when no sweep has two values of it.
  static func chart(_ parameter: Parameter, _ comparison: Comparison) -> ReportChart? {
    let passed = comparison.catalog.results.filter { $0.row.status == .passed }
    var valuesOfSweep: [String?: Set<Int>] = [:]
    for result in passed { valuesOfSweep[result.sweep, default: []].insert(parameter.value(result.row)) }
    let varying = Set(valuesOfSweep.filter { $0.value.count > 1 }.keys)
    guard !varying.isEmpty else { return nil }

    var best: [LineKey: [Int: ResultRow]] = [:]
    for result in passed where varying.contains(result.sweep) {
      let key = LineKey(sweep: result.sweep, nodes: result.nodes, other: parameter.other.value(result.row))
      let x = parameter.value(result.row)
      if result.row.gflops > best[key]?[x]?.gflops ?? -.infinity { best[key, default: [:]][x] = result.row }
    }
    var keys = best.keys.sorted()
    let thinned = keys.count > maximumLines
    if thinned {
      let largest = Dictionary(keys.map { ($0.sweep, $0.nodes) }, uniquingKeysWith: max)
      keys = keys.filter { $0.nodes == largest[$0.sweep] }
    }
    let severalSweeps = Set(keys.map(\.sweep)).count > 1
    let series = keys.map { key in
      let name =
        (severalSweeps ? "\(key.sweep ?? "no sweep") · " : "")
        + "\(key.nodes) node(s) · \(parameter.other.name) \(key.other)"
      return LineChart.Series(
        name: name,
        points: best[key]!.sorted { $0.key < $1.key }.map { x, row in
          LineChart.Point(
            x: Double(x), y: row.gflops,
            attributes: [
              DataAttribute("n", String(row.n)), DataAttribute("nb", String(row.nb)),
              DataAttribute("nodes", String(key.nodes)), DataAttribute("run", row.runID),
            ],
            tooltip: "\(key.nodes) node(s), N=\(row.n), NB=\(row.nb), \(row.p)×\(row.q): "
              + "\(String(format: "%.2f", row.gflops)) GFLOPS (run \(row.runID))")
        })
    }
    let swept = varying.map { $0 ?? "no sweep" }.sorted().joined(separator: ", ")
    let chart = LineChart(
      id: parameter.id, title: "HPL performance against \(parameter.name)",
      subtitle: "best PASSED result at each \(parameter.name) (over process grids) in \(swept); "
        + (thinned
          ? "one line per \(parameter.other.name) at each sweep's largest node count"
          : "one line per node count and \(parameter.other.name)"),
      xTitle: parameter.axisTitle, yTitle: "GFLOPS (10⁹ floating-point operations / s)", series: series,
      xIntegers: true, missing: "no PASSED result to plot")
    return ReportChart(id: chart.id, heading: "Performance against \(parameter.name)", svg: chart.svg(), notes: [])
  }

  /// A line: the sweep, the node count and the other parameter's value.
  private struct LineKey: Hashable, Comparable {
    var sweep: String?
    var nodes: Int
    var other: Int

    static func < (left: LineKey, right: LineKey) -> Bool {
      // Named sweeps first, then the results in no sweep.
      (left.sweep == nil ? 1 : 0, left.sweep ?? "", left.nodes, left.other)
        < (right.sweep == nil ? 1 : 0, right.sweep ?? "", right.nodes, right.other)
    }
  }
}
