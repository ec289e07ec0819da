import CSVFiles
import ClusterBench
import Files
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

  /// The tick labels of `svg`'s axis `axis` (`x-axis` or `y-axis`), in order.
  static func tickLabels(in svg: String, axis: String) -> [String] {
    guard let start = svg.range(of: "<g class=\"axis \(axis)\">"),
      let end = svg.range(of: "</g>", range: start.upperBound..<svg.endIndex)
    else { return [] }
    return svg[start.upperBound..<end.lowerBound].components(separatedBy: "class=\"tick-label\"").dropFirst().map {
      String($0.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
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

  /// The charts of the fixture's report, in page order.
  static let fixtureChartIDs = [
    "gflops-chart", "gflops-n-chart", "temperature-timeline", "temperature-per-node", "memory-per-node",
    "node-memory-per-node", "cpu-timeline", "network-timeline",
  ]

  /// The `<p class="absent">` line in place of chart `id`, or `nil`.
  static func absentLine(_ id: String, in html: String) -> String? {
    guard let start = html.range(of: "<p class=\"absent\" data-chart=\"\(id)\">"),
      let end = html.range(of: "</p>", range: start.upperBound..<html.endIndex)
    else { return nil }
    return String(html[start.upperBound..<end.lowerBound])
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
    // Every chart but NB's: the fixture's sweep varies N (with the memory fraction), NB is 192 throughout.
    #expect(HTMLReport.chartIDs.filter { html.contains("<svg id=\"\($0)\"") } == Self.fixtureChartIDs)
    for id in Self.fixtureChartIDs {
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

    // Memory per node is the job's: its ranks' resident memory, rock1 1.75 GiB (43.75 % of 4 in
    // r2-80), rock2 0.75 GiB (37.5 % of 2); the node's used memory, 87.5 % and 75 %, is a chart of its own.
    let memory = try Self.chart("memory-per-node", in: html)
    #expect(memory.contains("Job memory per node (job RSS/node)") && memory.contains("job RSS/node (GiB)"))
    #expect(Self.values("data-node", of: "bar", in: memory) == ["rock1", "rock2"])
    #expect(Self.values("data-value", of: "bar", in: memory) == ["1.75", "0.75"])
    #expect(memory.contains("rock1 · 80 % memory: 1.8 GiB (43.8 % of MemTotal)</title>"))
    #expect(Self.values("data-series", of: "bar", in: memory) == ["80 % memory", "80 % memory"])
    let used = try Self.chart("node-memory-per-node", in: html)
    #expect(used.contains("Memory used per node (node used)") && used.contains("node used (% of MemTotal)"))
    #expect(Self.values("data-value", of: "bar", in: used) == ["87.5", "75"])

    // GFLOPS against N: one line per sweep and node count (NB 192): demo's 1 node at N 4992 (5)
    // and 9984 (8), 2 nodes at 7104 (9), 11136 (12), 14016 (14), 4 nodes at 19968 (24); the
    // results in no sweep vary N too: solo (1 host) 4000, duo (2) 6000.
    let againstN = try Self.chart("gflops-n-chart", in: html)
    let pointsN = zip(
      Self.values("data-x", of: "point", in: againstN), Self.values("data-y", of: "point", in: againstN))
    #expect(
      pointsN.map { "\($0)→\($1)" } == [
        "4992→5", "9984→8", "7104→9", "11136→12", "14016→14", "19968→24", "4000→10", "6000→16",
      ])
    #expect(
      Set(Self.values("data-series", of: "point", in: againstN)) == [
        "demo · 1 node(s) · NB 192", "demo · 2 node(s) · NB 192", "demo · 4 node(s) · NB 192",
        "no sweep · 1 node(s) · NB 192", "no sweep · 2 node(s) · NB 192",
      ])
    #expect(!html.contains("gflops-nb-chart"))

    // CPU busy of the timeline's runs (cpu = all only), seconds since r1-80's first sample.
    let cpu = try Self.chart("cpu-timeline", in: html)
    #expect(
      Self.values("data-node", of: "point", in: cpu) == ["rock1", "rock1", "rock1", "rock1", "rock1", "rock2", "rock2"])
    #expect(Self.values("data-y", of: "point", in: cpu) == ["50", "100", "75", "90", "95", "40", "60"])
    #expect(Self.values("data-x", of: "point", in: cpu) == ["0", "10", "20", "240", "250", "240", "250"])
    #expect(Self.tickLabels(in: cpu, axis: "y-axis").last == "100")
    // Network: eth0's bytes received + sent over the 10 s since the node's previous sample, lo
    // left out: rock1 1.5 MB and 2 MB in r1-80, 4 MB in r2-80; rock2 2 MB; in kB/s.
    let network = try Self.chart("network-timeline", in: html)
    #expect(Self.values("data-y", of: "point", in: network) == ["150", "200", "400", "200"])
    #expect(Self.values("data-x", of: "point", in: network) == ["10", "20", "250", "250"])
    #expect(network.contains("received + sent (kB/s, 1 kB = 1000 bytes)"))
  }

  @Test func gflopsAgainstNBWhenASweepVariesIt() throws {
    let scratch = try CompareFixtures.copy()
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    // r2-80b, the repetition of 2 nodes at 80 %, ran with NB 128: sweep demo now varies NB.
    let results = scratch + "/hpl.csv"
    let text = try String(contentsOfFile: results, encoding: .utf8)
    try text.replacingOccurrences(of: "r2-80b,rock1;rock2,12,6,14016,192,", with: "r2-80b,rock1;rock2,12,6,14016,128,")
      .write(toFile: results, atomically: true, encoding: .utf8)
    let html = HTMLReport(comparison: try Comparison.load(resultsPath: results)).render()
    let svg = try Self.chart("gflops-nb-chart", in: html)
    #expect(svg.contains(">HPL performance against NB<") && svg.contains(">NB (block size)<"))
    // One line per node count and N; 2 nodes at N 14016: 13 GFLOPS at NB 128, 14 at 192.
    let series = Self.values("data-series", of: "point", in: svg)
    let points = zip(
      series, zip(Self.values("data-x", of: "point", in: svg), Self.values("data-y", of: "point", in: svg))
    )
    .filter { $0.0 == "2 node(s) · N 14016" }.map { "\($0.1.0)→\($0.1.1)" }
    #expect(points == ["128→13", "192→14"])
    #expect(Set(series).count == 6 && !series.contains { $0.hasPrefix("no sweep") })  // no sweep: NB 192 only
  }

  /// A sweep over many node counts would draw a line per node count, and a legend taller than the
  /// page: past 16 lines, each sweep keeps its largest node count.
  @Test func gflopsAgainstNKeepsEachSweepsLargestNodeCountPastSixteenLines() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-lines-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let fixture = try String(contentsOfFile: CompareFixtures.results, encoding: .utf8).split(separator: "\n")
    var template = fixture[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    var lines = [String(fixture[0])]
    // Runs in no sweep on 1 to 18 hosts, each at two N: 18 lines of 2 points.
    for nodes in 1...18 {
      for n in [4000, 8000] {
        template[1] = "r\(nodes)-\(n)"
        template[2] = (1...nodes).map { "h\($0)" }.joined(separator: ";")
        (template[5], template[24]) = (String(n), String(nodes * n / 1000))
        lines.append(template.joined(separator: ","))
      }
    }
    let results = folder.appendingPathComponent("hpl.csv").path
    try (lines.joined(separator: "\n") + "\n").write(toFile: results, atomically: true, encoding: .utf8)
    let svg = try Self.chart(
      "gflops-n-chart", in: HTMLReport(comparison: try Comparison.load(resultsPath: results)).render())
    #expect(Set(Self.values("data-series", of: "point", in: svg)) == ["18 node(s) · NB 192"])
    #expect(Self.values("data-y", of: "point", in: svg) == ["72", "144"])
    #expect(svg.contains("largest node count"))
  }

  /// The fixture's report as on virtual machines: no thermal.csv has a reading (their headers only).
  static func reportWithoutSensors(_ scratch: String) throws -> String {
    for run in ["r1-80", "r2-80"] {
      let thermal = scratch + "/runs/\(run)/thermal.csv"
      let header = try String(contentsOfFile: thermal, encoding: .utf8).prefix { $0 != "\n" }
      try (header + "\n").write(toFile: thermal, atomically: true, encoding: .utf8)
    }
    return HTMLReport(comparison: try Comparison.load(resultsPath: scratch + "/hpl.csv", timeline: true)).render()
  }

  @Test func chartsSayWhereDataIsAbsent() throws {
    let scratch = try CompareFixtures.copy()
    defer { try? FileManager.default.removeItem(atPath: scratch) }

    // No node has a sensor: one line instead of two empty temperature charts; memory, CPU and network stay.
    var html = try Self.reportWithoutSensors(scratch)
    for id in ["temperature-timeline", "temperature-per-node"] { #expect(!html.contains("<svg id=\"\(id)\""), "\(id)") }
    #expect(
      Self.absentLine(HTMLReport.noSensorChartID, in: html)
        == "No node reported a temperature sensor (rock1, rock2, 2 run(s) with telemetry): no temperatures to plot. "
        + "A virtual machine usually has none.")
    #expect(Self.notes(HTMLReport.noSensorChartID, in: html).first?.hasPrefix("rock2: no thermal zone") == true)
    for id in ["memory-per-node", "node-memory-per-node", "cpu-timeline", "network-timeline"] {
      #expect(html.contains("<svg id=\"\(id)\""), "\(id)")
    }

    // Sensors on the nodes of other runs only: the timeline (of sweep demo) is a line, the per-node chart stays.
    let other = scratch + "/runs/solo"
    try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
    try """
    timestamp,run_id,host,sensor,type,temp_celsius,cooling_current_state,cooling_max_state
    2026-11-23T09:00:00.000Z,solo,vm,thermal_zone0,acpitz,41,,

    """.write(toFile: other + "/thermal.csv", atomically: true, encoding: .utf8)
    html = HTMLReport(comparison: try Comparison.load(resultsPath: scratch + "/hpl.csv", timeline: true)).render()
    #expect(Self.absentLine(HTMLReport.noSensorChartID, in: html) == nil)
    #expect(
      Self.absentLine("temperature-timeline", in: html)
        == "No node of the 2 run(s) of sweep demo, the latest with telemetry reported a temperature sensor: "
        + "no timeline to plot.")
    #expect(Self.values("data-value", of: "bar", in: try Self.chart("temperature-per-node", in: html)) == ["41", "41"])

    // No telemetry at all, and no PASSED result: one line for the telemetry, one for the GFLOPS.
    try FileManager.default.removeItem(atPath: scratch + "/runs")
    let results = scratch + "/hpl.csv"
    let text = try String(contentsOfFile: results, encoding: .utf8)
    try text.replacingOccurrences(of: ",PASSED,", with: ",FAILED,").write(
      toFile: results, atomically: true, encoding: .utf8)
    html = HTMLReport(comparison: try Comparison.load(resultsPath: results, timeline: true)).render()
    #expect(!html.contains("<svg"))
    #expect(Self.absentLine("gflops-chart", in: html) == "No PASSED HPL result to plot: see the table&#39;s notes.")
    #expect(
      Self.absentLine(HTMLReport.noTelemetryChartID, in: html)?.hasPrefix("No run has telemetry (no folder") == true)
    #expect(html.components(separatedBy: "<p class=\"absent\"").count - 1 == 2)
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

  /// `html` with a script that writes the laid-out widths into the DOM, for `--dump-dom` to show:
  /// the page's scroll width on the body, each chart's and table box's right edge on it (the
  /// report itself has no script).
  static func measured(_ html: String) -> String {
    let script = """
      <script>
      const page = document.documentElement;
      document.body.setAttribute("data-scroll-width", page.scrollWidth);
      for (const box of document.querySelectorAll("svg.chart, .table-scroll, table"))
        box.setAttribute("data-right", Math.ceil(box.getBoundingClientRect().right));
      </script>
      """
    return html.replacingOccurrences(of: "</body>", with: script + "\n</body>")
  }

  @Test(
    .enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium; scripts/install-deps does)"),
    .timeLimit(.minutes(3)))
  func headlessChromiumRendersEveryChart() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let page = folder + "/report.html"
    try AtomicFile.write(try Self.fixtureReport(), to: page)
    // Root needs --no-sandbox; a profile of its own keeps runs apart and the home folder clean.
    // 1280 px: a laptop's width, at which the page must not need sideways scrolling.
    let options = [
      "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder)/profile", "--window-size=1280,4000",
    ]
    let runner = MPIRunner(deadline: .seconds(90))
    let screenshot = try await runner.runAlone(
      Self.chromium!, arguments: options + ["--screenshot=\(folder)/report.png", "file://\(page)"])
    #expect(screenshot.succeeded, "\(screenshot)")
    let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/report.png"))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG file")
    // The IHDR chunk: width and height, big-endian, at bytes 16–23.
    let size = [16, 20].map { offset in png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
    #expect(size == [1280, 4000])
    #expect(png.count > 50_000, "a page of charts, not a blank one: \(png.count) bytes")

    let dom = try await runner.runAlone(Self.chromium!, arguments: options + ["--dump-dom", "file://\(page)"])
    #expect(dom.succeeded, "\(dom)")
    // The browser's DOM has every chart and every data point of the page.
    let rendered = dom.standardOutput
    for id in Self.fixtureChartIDs { #expect(rendered.contains("<svg id=\"\(id)\""), "\(id)") }
    func count(_ name: String, _ mark: String, _ id: String) throws -> Int {
      Self.values(name, of: mark, in: try Self.chart(id, in: rendered)).count
    }
    #expect(try count("data-x", "point", "gflops-chart") == 8 && count("data-x", "point", "gflops-n-chart") == 8)
    #expect(try count("data-x", "point", "temperature-timeline") == 5)
    #expect(try count("data-value", "bar", "temperature-per-node") == 2)
    #expect(
      try count("data-value", "bar", "memory-per-node") == 2 && count("data-value", "bar", "node-memory-per-node") == 2)
    #expect(try count("data-y", "point", "cpu-timeline") == 7 && count("data-y", "point", "network-timeline") == 4)

    // Laid out at 1280 px, with the training table's 26 columns too: nothing wider than the
    // window; the wide tables scroll in their box.
    let wide = try CompareFixtures.copy()
    defer { try? FileManager.default.removeItem(atPath: wide) }
    for (index, ranks) in [1, 2].enumerated() {
      try TrainingCompareTests.append(
        "train-\(index)", to: wide + "/train.csv", data: "fashion-mnist:/usr/share/datasets/fashion-mnist",
        steps: 937 / ranks, ranks: ranks)
    }
    let measuredPage = folder + "/measured.html"
    let wideReport = HTMLReport(comparison: try Comparison.load(resultsPath: wide + "/hpl.csv", timeline: true))
    try AtomicFile.write(Self.measured(wideReport.render()), to: measuredPage)
    let layout = try await runner.runAlone(
      Self.chromium!, arguments: options + ["--dump-dom", "file://\(measuredPage)"])
    #expect(layout.succeeded, "\(layout)")
    let scrollWidth = try #require(layout.standardOutput.firstMatch(of: /data-scroll-width="(\d+)"/).map { Int($0.1)! })
    #expect(scrollWidth <= 1280, "the page scrolls sideways: \(scrollWidth) px")
    let rights = layout.standardOutput.matches(
      of: /<svg[^>]* data-right="(\d+)"|class="table-scroll"[^>]* data-right="(\d+)"/
    )
    .map { Int($0.1 ?? $0.2 ?? "0")! }
    // The fixture's charts, the 3 training charts, the 2 tables.
    #expect(rights.count == Self.fixtureChartIDs.count + 5 && rights.allSatisfy { $0 <= 1280 }, "\(rights)")

    // Virtual machines: the one line about sensors, and no temperature chart.
    let scratch = try CompareFixtures.copy()
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let cold = folder + "/cold.html"
    try AtomicFile.write(try Self.reportWithoutSensors(scratch), to: cold)
    let coldDOM = try await runner.runAlone(Self.chromium!, arguments: options + ["--dump-dom", "file://\(cold)"])
    #expect(coldDOM.succeeded, "\(coldDOM)")
    #expect(
      Self.absentLine(HTMLReport.noSensorChartID, in: coldDOM.standardOutput)?
        .hasPrefix("No node reported a temperature sensor (rock1, rock2") == true)
    #expect(!coldDOM.standardOutput.contains("<svg id=\"temperature-"))
  }
}
