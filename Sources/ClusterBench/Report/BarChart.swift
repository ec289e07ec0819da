import Foundation

/// Bars grouped by category (a node), one bar per series in each group: average temperature per
/// node, memory per node. Each bar is a `<rect class="bar">` carrying `data-node`, `data-series`
/// and `data-value`; a value that is missing is a `<text class="no-data">` with the same
/// `data-node` and `data-series`, so the gap is visible and countable.
struct BarChart: Sendable {
  struct Series: Sendable {
    var name: String
    /// One value per category, `nil` where it is unknown.
    var values: [Double?]
    /// Per category, what the tooltip adds after the value (`43.8 % of MemTotal`); none when short.
    var details: [String?] = []
  }

  var id: String
  var title: String
  var subtitle: String?
  var categoryTitle: String
  var yTitle: String
  var categories: [String]
  var series: [Series]
  /// The top of the y axis when it is fixed (100 for percentages); else it follows the data.
  var yUpper: Double?
  /// The unit after a value in tooltips (`°C`, `%`).
  var unit: String
  /// Shown in the plot when there is no value at all.
  var missing: String

  func svg() -> String {
    let values = series.flatMap { $0.values.compactMap { $0 } }
    let slanted = categories.count > 8
    let longest = Double(categories.map(\.count).max() ?? 0)
    let frame = ChartFrame(legendEntries: series.count, bottom: slanted ? 50 + min(longest, 24) * 5 : 60)
    var svg = frame.open(id: id, title: title, subtitle: subtitle)
    let yScale = AxisScale(covering: values + (yUpper.map { [$0] } ?? []), fromZero: true, targetTicks: 6)
    let band = frame.plotWidth / Double(max(1, categories.count))
    let barWidth = band * 0.8 / Double(max(1, series.count))
    let centers = categories.indices.map { frame.plotLeft + band * (Double($0) + 0.5) }
    svg += frame.yAxis(yScale, title: yTitle) + frame.categoryAxis(categories, centers: centers, title: categoryTitle)
    if values.isEmpty {
      svg += frame.missingData(missing)
    }
    for (index, series) in series.enumerated() {
      let color = ChartPalette.color(index)
      svg += "<g class=\"series\" data-series=\"\(Markup.escape(series.name))\">\n"
      for (position, (category, value)) in zip(categories, series.values).enumerated() {
        let x = centers[position] - band * 0.4 + barWidth * Double(index)
        let identity = [DataAttribute("node", category), DataAttribute("series", series.name)]
        guard let value else {
          svg +=
            "<text class=\"no-data\"\(DataAttribute.markup(identity)) x=\"\(Markup.coordinate(x + barWidth / 2))\" "
            + "y=\"\(Markup.coordinate(frame.plotBottom - 4))\" text-anchor=\"middle\">n/a</text>\n"
          continue
        }
        let top = frame.y(value, yScale)
        svg +=
          "<rect class=\"bar\"\(DataAttribute.markup(identity + [DataAttribute("value", value)])) "
          + "x=\"\(Markup.coordinate(x + 1))\" y=\"\(Markup.coordinate(top))\" "
          + "width=\"\(Markup.coordinate(max(1, barWidth - 2)))\" height=\"\(Markup.coordinate(frame.plotBottom - top))\" "
          + "fill=\"\(color)\"><title>\(Markup.escape("\(category) · \(series.name): "))"
          + "\(Markup.escape(String(format: "%.1f", value))) \(Markup.escape(unit))"
          + "\(Markup.escape(series.details.indices.contains(position) ? series.details[position].map { " (\($0))" } ?? "" : ""))"
          + "</title></rect>\n"
      }
      svg += "</g>\n"
    }
    let entries = series.enumerated().map { ($1.name, ChartPalette.color($0), String?.none) }
    return svg + frame.legend(entries, line: false) + "</svg>\n"
  }
}
