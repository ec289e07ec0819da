/// One chart of the report as it is placed on the page: its SVG and the notes under it, which
/// say what data was unavailable (no thermal sensor, no telemetry, no PASSED result).
///
/// A chart with no data at all is not drawn: its section holds one line saying why
/// (`<p class="absent" data-chart="ID">`), so the page has no empty axes to read.
struct ReportChart: Sendable {
  /// The SVG's id; the notes' list and the absent line carry it as `data-chart`.
  var id: String
  var heading: String
  var svg: String
  var notes: [String]
  /// Set instead of a chart: why there is nothing to draw.
  var absent: String?

  init(id: String, heading: String, svg: String, notes: [String]) {
    (self.id, self.heading, self.svg, self.notes, absent) = (id, heading, svg, notes, nil)
  }

  /// A section with one line in place of the chart.
  init(id: String, heading: String, absent: String, notes: [String] = []) {
    (self.id, self.heading, svg, self.notes, self.absent) = (id, heading, "", notes, absent)
  }

  var html: String {
    let chart = Markup.escape(id)
    var html = "<section class=\"figure\" id=\"section-\(chart)\">\n<h2>\(Markup.escape(heading))</h2>\n"
    if let absent {
      html += "<p class=\"absent\" data-chart=\"\(chart)\">\(Markup.escape(absent))</p>\n"
    } else {
      html += svg
    }
    if !notes.isEmpty {
      html += "<ul class=\"notes\" data-chart=\"\(chart)\">\n"
      html += notes.map { "<li class=\"note\">\(Markup.escape($0))</li>\n" }.joined()
      html += "</ul>\n"
    }
    return html + "</section>\n"
  }
}
