/// A chart of lines over a numeric x axis: GFLOPS against nodes, temperature against time. Each
/// point is a `<circle class="point">` carrying its figures as ``DataAttribute``s (`data-series`,
/// `data-x`, `data-y`, and any extras), with a tooltip.
struct LineChart: Sendable {
  struct Point: Sendable, Equatable {
    var x: Double
    var y: Double
    /// Attributes beyond `data-series`, `data-x` and `data-y`.
    var attributes: [DataAttribute] = []
    /// Shown when the pointer rests on the point; none keeps big timelines small.
    var tooltip: String?
  }

  struct Series: Sendable {
    var name: String
    /// In x order.
    var points: [Point]
  }

  var id: String
  var title: String
  var subtitle: String?
  var xTitle: String
  var yTitle: String
  var series: [Series]
  /// Whole-number x ticks (node counts).
  var xIntegers = false
  var yFromZero = true
  /// Values the y axis covers beside the data (100 for a percentage).
  var yCovers: [Double] = []
  /// The y axis's padding around the data, a share of its range (see ``AxisScale``), and the
  /// bounds it stays within.
  var yPadding = 0.0
  var yLimits: ClosedRange<Double>?
  /// The line breaks between points further apart than this in x (a pause between runs);
  /// `nil` joins every point.
  var breakGap: Double?
  /// The circles' radius: small for dense timelines.
  var pointRadius = 4.0
  /// Shown in the plot when there is no point at all.
  var missing: String

  func svg() -> String {
    let points = series.flatMap(\.points)
    let frame = ChartFrame(legendEntries: series.count)
    var svg = frame.open(id: id, title: title, subtitle: subtitle)
    let xScale = AxisScale(covering: points.map(\.x), fromZero: xIntegers, integers: xIntegers, targetTicks: 8)
    let yScale = AxisScale(
      covering: points.map(\.y) + yCovers, fromZero: yFromZero, targetTicks: 6, padding: yPadding, limits: yLimits)
    svg += frame.yAxis(yScale, title: yTitle) + frame.xAxis(xScale, title: xTitle)
    if points.isEmpty {
      svg += frame.missingData(missing)
    }
    for (index, series) in series.enumerated() {
      let color = ChartPalette.color(index)
      let dash = ChartPalette.dash(index).map { " stroke-dasharray=\"\($0)\"" } ?? ""
      svg += "<g class=\"series\" data-series=\"\(Markup.escape(series.name))\">\n"
      for segment in segments(series.points) where segment.count > 1 {
        let coordinates = segment.map {
          "\(Markup.coordinate(frame.x($0.x, xScale))),\(Markup.coordinate(frame.y($0.y, yScale)))"
        }
        svg +=
          "<polyline class=\"line\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash) "
          + "points=\"\(coordinates.joined(separator: " "))\"/>\n"
      }
      for point in series.points {
        let attributes = [
          DataAttribute("series", series.name), DataAttribute("x", point.x), DataAttribute("y", point.y),
        ]
        svg +=
          "<circle class=\"point\"\(DataAttribute.markup(attributes + point.attributes)) "
          + "cx=\"\(Markup.coordinate(frame.x(point.x, xScale)))\" cy=\"\(Markup.coordinate(frame.y(point.y, yScale)))\" "
          + "r=\"\(Markup.coordinate(pointRadius))\" fill=\"\(color)\""
        svg += point.tooltip.map { "><title>\(Markup.escape($0))</title></circle>\n" } ?? "/>\n"
      }
      svg += "</g>\n"
    }
    let entries = series.enumerated().map { ($1.name, ChartPalette.color($0), ChartPalette.dash($0)) }
    return svg + frame.legend(entries, line: true) + "</svg>\n"
  }

  /// The series' points cut where consecutive points are more than ``breakGap`` apart.
  private func segments(_ points: [Point]) -> [[Point]] {
    guard let breakGap else { return [points] }
    var segments: [[Point]] = [[]]
    for point in points {
      if let last = segments[segments.count - 1].last, point.x - last.x > breakGap { segments.append([]) }
      segments[segments.count - 1].append(point)
    }
    return segments
  }
}
