/// What every chart of the report draws around its data: the canvas, the title and subtitle, the
/// axes with their ticks, tick labels and titles (with units), the legend, and the note shown in
/// place of data that is missing. Everything is plain SVG text, so the report needs nothing but
/// a browser.
struct ChartFrame: Sendable {
  /// Wide enough for a 1280 px window (the page is at most 1240 px; a narrower window scales it down).
  static let width = 1180.0
  /// Room for legend names of about 46 characters (`lenet · batch 64 · sync batch · lr 0.1`).
  static let legendWidth = 330.0
  static let left = 78.0
  static let top = 64.0
  static let legendRowHeight = 18.0

  /// Room under the plot for tick labels and the axis title (more for slanted category labels).
  var bottom = 60.0
  /// The canvas height: at least 440, more when the legend needs it.
  var height: Double

  init(legendEntries: Int, bottom: Double = 60) {
    self.bottom = bottom
    let legendHeight = Self.top + Double(legendEntries) * Self.legendRowHeight + 24
    height = max(440, legendHeight + bottom)
  }

  var plotLeft: Double { Self.left }
  var plotTop: Double { Self.top }
  var plotWidth: Double { Self.width - Self.left - Self.legendWidth - 16 }
  var plotHeight: Double { height - Self.top - bottom }
  var plotBottom: Double { plotTop + plotHeight }

  /// The x coordinate of `value` on `scale`.
  func x(_ value: Double, _ scale: AxisScale) -> Double { plotLeft + scale.fraction(value) * plotWidth }

  /// The y coordinate of `value` on `scale` (upwards).
  func y(_ value: Double, _ scale: AxisScale) -> Double { plotBottom - scale.fraction(value) * plotHeight }

  /// The opening `<svg>` with the title and subtitle; close it with `</svg>`.
  func open(id: String, title: String, subtitle: String?) -> String {
    let size = "viewBox=\"0 0 \(Markup.coordinate(Self.width)) \(Markup.coordinate(height))\""
    var svg =
      "<svg id=\"\(Markup.escape(id))\" class=\"chart\" \(size) width=\"\(Markup.coordinate(Self.width))\" "
      + "height=\"\(Markup.coordinate(height))\" role=\"img\" aria-label=\"\(Markup.escape(title))\">\n"
      + "<title>\(Markup.escape(title))</title>\n"
      + "<text class=\"title\" x=\"\(Markup.coordinate(plotLeft))\" y=\"24\">\(Markup.escape(title))</text>\n"
    if let subtitle {
      svg +=
        "<text class=\"subtitle\" x=\"\(Markup.coordinate(plotLeft))\" y=\"44\">\(Markup.escape(subtitle))</text>\n"
    }
    return svg
  }

  /// The vertical axis: grid lines, ticks, their labels and the axis title (rotated).
  func yAxis(_ scale: AxisScale, title: String) -> String {
    var svg = "<g class=\"axis y-axis\">\n"
    for tick in scale.ticks {
      let y = self.y(tick, scale)
      svg +=
        line("grid", x1: plotLeft, x2: plotLeft + plotWidth, y1: y, y2: y)
        + line("tick", x1: plotLeft - 5, x2: plotLeft, y1: y, y2: y)
        + "<text class=\"tick-label\" x=\"\(Markup.coordinate(plotLeft - 8))\" y=\"\(Markup.coordinate(y))\" "
        + "text-anchor=\"end\" dominant-baseline=\"middle\">\(scale.label(tick))</text>\n"
    }
    let middle = Markup.coordinate(plotTop + plotHeight / 2)
    svg +=
      line("axis-line", x1: plotLeft, x2: plotLeft, y1: plotTop, y2: plotBottom) + "\n"
      + "<text class=\"axis-title\" transform=\"translate(20 \(middle)) rotate(-90)\" text-anchor=\"middle\">"
      + "\(Markup.escape(title))</text>\n</g>\n"
    return svg
  }

  /// The horizontal axis of numbers: ticks, their labels and the axis title.
  func xAxis(_ scale: AxisScale, title: String) -> String {
    var svg = "<g class=\"axis x-axis\">\n"
    for tick in scale.ticks {
      let x = self.x(tick, scale)
      svg +=
        line("tick", x1: x, x2: x, y1: plotBottom, y2: plotBottom + 5)
        + "<text class=\"tick-label\" x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(plotBottom + 20))\" "
        + "text-anchor=\"middle\">\(scale.label(tick))</text>\n"
    }
    return svg + baseline() + xTitle(title) + "</g>\n"
  }

  /// The horizontal axis of categories (node names) centred at `centers`, slanted when many.
  func categoryAxis(_ names: [String], centers: [Double], title: String) -> String {
    var svg = "<g class=\"axis x-axis\">\n"
    let slanted = names.count > 8
    for (name, center) in zip(names, centers) {
      let x = Markup.coordinate(center)
      let y = Markup.coordinate(plotBottom + (slanted ? 12 : 20))
      let placement =
        slanted
        ? "transform=\"rotate(-40 \(x) \(y))\" text-anchor=\"end\"" : "text-anchor=\"middle\""
      svg += "<text class=\"tick-label\" x=\"\(x)\" y=\"\(y)\" \(placement)>\(Markup.escape(name))</text>\n"
    }
    return svg + baseline() + xTitle(title) + "</g>\n"
  }

  /// The legend, right of the plot: a swatch and a name per entry.
  func legend(_ entries: [(name: String, color: String, dash: String?)], line: Bool) -> String {
    guard !entries.isEmpty else { return "" }
    let x = plotLeft + plotWidth + 24
    var svg = "<g class=\"legend\">\n"
    for (index, entry) in entries.enumerated() {
      let y = plotTop + Double(index) * Self.legendRowHeight
      let dash = entry.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
      if line {
        svg +=
          "<line x1=\"\(Markup.coordinate(x))\" x2=\"\(Markup.coordinate(x + 22))\" y1=\"\(Markup.coordinate(y + 6))\" "
          + "y2=\"\(Markup.coordinate(y + 6))\" stroke=\"\(entry.color)\" stroke-width=\"2.5\"\(dash)/>"
      } else {
        svg +=
          "<rect x=\"\(Markup.coordinate(x + 5))\" y=\"\(Markup.coordinate(y))\" width=\"12\" height=\"12\" "
          + "fill=\"\(entry.color)\"/>"
      }
      // A long name is cut to fit beside the plot; the whole name is its tooltip.
      let shown = entry.name.count > 46 ? String(entry.name.prefix(45)) + "…" : entry.name
      svg +=
        "<text class=\"legend-label\" x=\"\(Markup.coordinate(x + 30))\" y=\"\(Markup.coordinate(y + 6))\" "
        + "dominant-baseline=\"middle\"><title>\(Markup.escape(entry.name))</title>\(Markup.escape(shown))</text>\n"
    }
    return svg + "</g>\n"
  }

  /// A note in the middle of the plot, where the data would be.
  func missingData(_ text: String) -> String {
    "<text class=\"missing\" x=\"\(Markup.coordinate(plotLeft + plotWidth / 2))\" "
      + "y=\"\(Markup.coordinate(plotTop + plotHeight / 2))\" text-anchor=\"middle\">\(Markup.escape(text))</text>\n"
  }

  private func baseline() -> String {
    line("axis-line", x1: plotLeft, x2: plotLeft + plotWidth, y1: plotBottom, y2: plotBottom) + "\n"
  }

  /// A `<line>` of class `cssClass` from (x1, y1) to (x2, y2): the grid lines, ticks and axis lines.
  private func line(_ cssClass: String, x1: Double, x2: Double, y1: Double, y2: Double) -> String {
    "<line class=\"\(cssClass)\" x1=\"\(Markup.coordinate(x1))\" x2=\"\(Markup.coordinate(x2))\" "
      + "y1=\"\(Markup.coordinate(y1))\" y2=\"\(Markup.coordinate(y2))\"/>"
  }

  private func xTitle(_ title: String) -> String {
    "<text class=\"axis-title\" x=\"\(Markup.coordinate(plotLeft + plotWidth / 2))\" "
      + "y=\"\(Markup.coordinate(height - 14))\" text-anchor=\"middle\">\(Markup.escape(title))</text>\n"
  }
}
