import CSVFiles
import ClusterBench
import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct ReportTests {
  /// The report of the whole fixture.
  static func fixtureReport() throws -> String {
    let comparison = try Comparison.load(resultsPath: CompareFixtures.results, timeline: true)
    return HTMLReport(comparison: comparison, generated: Date(timeIntervalSince1970: 0)).render()
  }

  /// The `<svg id="ID">…</svg>` of a chart.
  static func chart(_ id: String, in html: String) throws -> String {
    let start = try #require(html.range(of: "<svg id=\"\(id)\""))
    let end = try #require(html.range(of: "</svg>", range: start.upperBound..<html.endIndex))
    return String(html[start.lowerBound..<end.upperBound])
  }

  /// The values of attribute `name` on the marks of `svg` that have class `markClass`.
  static func values(_ name: String, of markClass: String, in svg: String) -> [String] {
    svg.components(separatedBy: "class=\"\(markClass)\"").dropFirst().compactMap { mark in
      guard let start = mark.range(of: " \(name)=\""), let tagEnd = mark.firstIndex(of: ">"),
        start.lowerBound < tagEnd
      else { return nil }
      return String(mark[start.upperBound...].prefix { $0 != "\"" })
    }
  }

  /// The notes listed under chart `id`.
  static func notes(_ id: String, in html: String) -> [String] {
    guard let start = html.range(of: "<ul class=\"notes\" data-chart=\"\(id)\">"),
      let end = html.range(of: "</ul>", range: start.upperBound..<html.endIndex)
    else { return [] }
    return html[start.upperBound..<end.lowerBound].components(separatedBy: "<li class=\"note\">").dropFirst().map {
      String($0.prefix { $0 != "<" })
    }
  }

  @Test func theReportIsOneWellFormedSelfContainedPage() throws {
    let html = try Self.fixtureReport()
    #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    #expect(html.hasSuffix("</body>\n</html>\n"))
    // Well-formed: an XML parser reads it to the end (void elements are closed, text escaped).
    let parser = XMLParser(data: Data(html.utf8))
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "") at line \(parser.lineNumber)")
    // Nothing to fetch: no script, stylesheet link, remote URL, web font or image.
    for outside in ["<script", "<link", "http://", "https://", "@import", "url(", "<img"] {
      #expect(!html.contains(outside), "\(outside)")
    }
    for id in HTMLReport.chartIDs {
      let svg = try Self.chart(id, in: html)
      #expect(svg.contains("class=\"title\"") && svg.contains("class=\"axis-title\"") && svg.contains("tick-label"))
      #expect(svg.contains("class=\"legend\""), "\(id) has a legend")
    }
    #expect(
      html.contains("<table id=\"compare-table\">") && html.components(separatedBy: "<tr data-nodes=").count == 10)
    #expect(html.contains("4 warning(s): rows or files left out"))
  }

  @Test func eachChartHasItsDataPoints() throws {
    let html = try Self.fixtureReport()

    // GFLOPS: 2 points at 20 %, 1 at 50 %, 3 at 80 % and 2 in no sweep (the timed-out point has none).
    let gflops = try Self.chart("gflops-chart", in: html)
    let pairs = zip(Self.values("data-x", of: "point", in: gflops), Self.values("data-y", of: "point", in: gflops))
    #expect(
      pairs.map { "\($0)→\($1)" } == ["1→5", "2→9", "2→12", "1→8", "2→14", "4→24", "1→10", "2→16"])
    #expect(
      Set(Self.values("data-series", of: "point", in: gflops)) == [
        "demo · 20 % memory", "demo · 50 % memory", "demo · 80 % memory", "no sweep · memory not sized",
      ])
    #expect(Self.notes("gflops-chart", in: html).first?.hasPrefix("4 node(s), demo · 20 % memory: no result") == true)

    // Timeline: the runs of sweep demo with telemetry, r1-80 (3 samples) and r2-80 (2): rock1 only.
    let timeline = try Self.chart("temperature-timeline", in: html)
    #expect(Self.values("data-node", of: "point", in: timeline) == Array(repeating: "rock1", count: 5))
    #expect(Self.values("data-y", of: "point", in: timeline) == ["50", "60", "58", "62", "64"])
    // Seconds since the first sample; the 220 s pause between the runs breaks the line.
    #expect(Self.values("data-x", of: "point", in: timeline) == ["0", "10", "20", "240", "250"])
    #expect(timeline.components(separatedBy: "<polyline").count - 1 == 2)
    #expect(
      Self.notes("temperature-timeline", in: html).first?.hasPrefix("rock2: no thermal sensor (no thermal zone") == true
    )

    // Average temperature: rock1 over 5 samples (50+60+58+62+64)/5 = 58.8, max 64; rock2 none.
    let temperatures = try Self.chart("temperature-per-node", in: html)
    #expect(Self.values("data-value", of: "bar", in: temperatures) == ["58.8", "64"])
    #expect(Self.values("data-node", of: "no-data", in: temperatures) == ["rock2", "rock2"])

    // Memory: one series (80 %): rock1 87.5 % (r2-80), rock2 75 %.
    let memory = try Self.chart("memory-per-node", in: html)
    #expect(Self.values("data-node", of: "bar", in: memory) == ["rock1", "rock2"])
    #expect(Self.values("data-value", of: "bar", in: memory) == ["87.5", "75"])
    #expect(Self.values("data-series", of: "bar", in: memory) == ["80 % memory", "80 % memory"])
  }

  @Test func chartsSayWhereDataIsAbsent() throws {
    let scratch = try CompareFixtures.copy()
    defer { try? FileManager.default.removeItem(atPath: scratch) }

    // A VM: the latest run's thermal.csv holds its header only.
    let thermal = scratch + "/runs/r2-80/thermal.csv"
    let header = try String(contentsOfFile: thermal, encoding: .utf8).prefix { $0 != "\n" }
    try (header + "\n").write(toFile: thermal, atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: scratch + "/runs/r1-80")
    var html = HTMLReport(comparison: try Comparison.load(resultsPath: scratch + "/hpl.csv", timeline: true)).render()
    for id in ["temperature-timeline", "temperature-per-node"] {
      let svg = try Self.chart(id, in: html)
      #expect(svg.contains("no thermal sensor on these nodes: no temperatures to plot"), "\(id)")
      #expect(!svg.contains("class=\"point\"") && !svg.contains("class=\"bar\""))
    }
    #expect(Self.values("data-node", of: "bar", in: try Self.chart("memory-per-node", in: html)) == ["rock1", "rock2"])

    // No telemetry at all, and no PASSED result.
    try FileManager.default.removeItem(atPath: scratch + "/runs")
    let results = scratch + "/hpl.csv"
    let text = try String(contentsOfFile: results, encoding: .utf8)
    try text.replacingOccurrences(of: ",PASSED,", with: ",FAILED,").write(
      toFile: results, atomically: true, encoding: .utf8)
    html = HTMLReport(comparison: try Comparison.load(resultsPath: results, timeline: true)).render()
    #expect(try Self.chart("gflops-chart", in: html).contains(">no PASSED result to plot<"))
    for id in ["temperature-timeline", "temperature-per-node", "memory-per-node"] {
      #expect(try Self.chart(id, in: html).contains("no telemetry: no run folder"), "\(id)")
    }
    #expect(Self.notes("temperature-timeline", in: html).first?.hasPrefix("no run has telemetry") == true)
  }

  @Test func theCommandWritesTheReportWhereAsked() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let out = folder + "/report.html"
    let result = try await MPIRunner(deadline: .seconds(60)).runAlone(
      try MPIRunner.path(ofExecutable: "clusterbench"),
      arguments: ["report", "--results", CompareFixtures.results, "--sweep", "demo", "--out", out])
    #expect(result.succeeded, "\(result)")
    #expect(result.standardError.contains("clusterbench report: wrote \(out): 7 HPL line(s), 0 training line(s)"))
    #expect(result.standardError.contains("hpl.csv line 6: expected 29 fields, found 3; row ignored"))
    let html = try String(contentsOfFile: out, encoding: .utf8)
    #expect(html.contains("the 2 run(s) of sweep demo"))
  }

  /// Debian's chromium, when installed.
  static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  @Test(
    .enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium; scripts/install-deps does)"),
    .timeLimit(.minutes(2)))
  func headlessChromiumRendersEveryChart() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let page = folder + "/report.html"
    try AtomicFile.write(try Self.fixtureReport(), to: page)
    // Root needs --no-sandbox; a profile of its own keeps runs apart and the home folder clean.
    let options = [
      "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder)/profile", "--window-size=1400,3000",
    ]
    let runner = MPIRunner(deadline: .seconds(90))
    let screenshot = try await runner.runAlone(
      Self.chromium!, arguments: options + ["--screenshot=\(folder)/report.png", "file://\(page)"])
    #expect(screenshot.succeeded, "\(screenshot)")
    let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/report.png"))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG file")
    // The IHDR chunk: width and height, big-endian, at bytes 16–23.
    let size = [16, 20].map { offset in png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
    #expect(size == [1400, 3000])
    #expect(png.count > 50_000, "a page of charts, not a blank one: \(png.count) bytes")

    let dom = try await runner.runAlone(Self.chromium!, arguments: options + ["--dump-dom", "file://\(page)"])
    #expect(dom.succeeded, "\(dom)")
    // The browser's DOM has every chart and every data point of the page.
    let rendered = dom.standardOutput
    for id in HTMLReport.chartIDs { #expect(rendered.contains("<svg id=\"\(id)\""), "\(id)") }
    #expect(Self.values("data-x", of: "point", in: try Self.chart("gflops-chart", in: rendered)).count == 8)
    #expect(Self.values("data-x", of: "point", in: try Self.chart("temperature-timeline", in: rendered)).count == 5)
    #expect(Self.values("data-value", of: "bar", in: try Self.chart("temperature-per-node", in: rendered)).count == 2)
    #expect(Self.values("data-value", of: "bar", in: try Self.chart("memory-per-node", in: rendered)).count == 2)
  }
}
