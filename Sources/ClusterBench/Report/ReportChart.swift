/// One chart of the report as it is placed on the page: its SVG and the notes under it, which
/// say what data was unavailable (no thermal sensor, no telemetry, no PASSED result).
struct ReportChart: Sendable {
  /// The SVG's id; the notes' list carries it as `data-chart`.
  var id: String
  var heading: String
  var svg: String
  var notes: [String]

  var html: String {
    var html = "<section class=\"figure\" id=\"section-\(Markup.escape(id))\">\n<h2>\(Markup.escape(heading))</h2>\n"
    html += svg
    if !notes.isEmpty {
      html += "<ul class=\"notes\" data-chart=\"\(Markup.escape(id))\">\n"
      html += notes.map { "<li class=\"note\">\(Markup.escape($0))</li>\n" }.joined()
      html += "</ul>\n"
    }
    return html + "</section>\n"
  }
}
