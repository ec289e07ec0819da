import ClusterBench
import Foundation
import HPL
import SuiteCore
import TestSupport
import Testing

@Suite struct CompareTests {
  @Test func fixtureNumbersAreComputedExactly() throws {
    let comparison = try Comparison.load(resultsPath: CompareFixtures.results)
    let rows = comparison.table.rows
    func row(_ sweep: String?, _ fraction: Double?, _ nodes: Int) throws -> CompareRow {
      try #require(rows.first { $0.key == CompareKey(sweep: sweep, memoryFraction: fraction, nodes: nodes) })
    }
    // Sorted by sweep (none last), memory fraction, nodes.
    #expect(
      rows.map { "\($0.key.sweep ?? "-") \($0.key.memoryFraction.map { String($0) } ?? "-") \($0.key.nodes)" } == [
        "demo 0.2 1", "demo 0.2 2", "demo 0.2 4", "demo 0.5 2", "demo 0.8 1", "demo 0.8 2", "demo 0.8 4", "- - 1",
        "- - 2",
      ])

    // 20 %: 5 GFLOPS on 1 node, 9 on 2 → speedup 9 / 5 = 1.8, efficiency 1.8 / 2 = 0.9, 4.5 per node.
    let twenty2 = try row("demo", 0.2, 2)
    #expect(twenty2.bestGFLOPS == 9 && twenty2.speedup == 1.8 && twenty2.efficiency == 0.9)
    #expect(twenty2.gflopsPerNode == 4.5)
    // 4 nodes at 20 % timed out: no result, the point counted as failed, nothing derived.
    let twenty4 = try row("demo", 0.2, 4)
    #expect(twenty4.best == nil && twenty4.speedup == nil && twenty4.points == 1 && twenty4.failedPoints == 1)
    #expect(
      twenty4.notes == ["no result in the results file", "failed points: 1 timeout", "no telemetry (no run folder)"])
    // 50 % has only 2 nodes: 12 GFLOPS, 6 per node, but no 1-node base for a speedup.
    let fifty = try row("demo", 0.5, 2)
    #expect(fifty.bestGFLOPS == 12 && fifty.gflopsPerNode == 6 && fifty.speedup == nil && fifty.efficiency == nil)
    #expect(fifty.notes.first == "no PASSED 1-node result at this memory fraction: speedup unknown")

    // 80 %, 1 node (r1-80): rock1's hottest sensor per sample is 50, 60 and 58 (the GPU zone at
    // the third), so max 60 and mean 168 / 3 = 56; memory used 1, 3, 2 GiB of 4 → 3 GiB, 75 %.
    let eighty1 = try row("demo", 0.8, 1)
    #expect(eighty1.bestGFLOPS == 8 && eighty1.speedup == 1 && eighty1.efficiency == 1)
    #expect(eighty1.temperatureMaxCelsius == 60 && eighty1.temperatureMeanCelsius == 56)
    #expect(eighty1.memUsedPeakBytes == 3 << 30 && eighty1.memUsedPeakPercent == 75)
    // The job's own memory: its 6 ranks held 0.5, 1.5 and 1 GiB together → 1.5 GiB, 37.5 % of 4.
    #expect(eighty1.jobRSSPeakBytes == 3 << 29 && eighty1.jobRSSPeakPercent == 37.5)
    #expect(eighty1.notes.isEmpty && eighty1.runs == 1 && eighty1.telemetryRuns == 1)

    // 80 %, 2 nodes: r2-80 (14) beats its repetition r2-80b (13): speedup 14 / 8 = 1.75,
    // efficiency 0.875, 7 per node. Telemetry of r2-80 only: rock1 at 62 and 64 (the N/A row is
    // dropped) → max 64, mean (62 + 64) / 2 = 63 (rock2 has no sensor, so no samples); memory:
    // rock1 3.5 GiB of 4 (87.5 %), rock2 1.5 GiB of 2 (75 %) → 3.5 GiB, 87.5 %.
    let eighty2 = try row("demo", 0.8, 2)
    #expect(eighty2.best?.runID == "r2-80" && eighty2.speedup == 1.75 && eighty2.efficiency == 0.875)
    #expect(eighty2.gflopsPerNode == 7 && eighty2.results == 2 && eighty2.passed == 2 && eighty2.points == 2)
    #expect(eighty2.temperatureMaxCelsius == 64 && eighty2.temperatureMeanCelsius == 63)
    #expect(eighty2.memUsedPeakBytes == 3 << 30 + 1 << 29 && eighty2.memUsedPeakPercent == 87.5)
    // Job: rock1's ranks 1.75 GiB (43.75 % of 4), rock2's 0.75 GiB (37.5 % of 2) → 1.75 GiB, 43.75 %.
    #expect(eighty2.jobRSSPeakBytes == 7 << 28 && eighty2.jobRSSPeakPercent == 43.75)
    #expect(eighty2.runs == 2 && eighty2.telemetryRuns == 1 && eighty2.notes == ["no thermal sensor on rock2"])

    // 80 %, 4 nodes: the FAILED 26 GFLOPS does not count; the PASSED 24 → speedup 24 / 8 = 3,
    // efficiency 0.75; the point failed (a residual check); its run folder does not exist.
    let eighty4 = try row("demo", 0.8, 4)
    #expect(eighty4.bestGFLOPS == 24 && eighty4.speedup == 3 && eighty4.efficiency == 0.75)
    #expect(eighty4.results == 2 && eighty4.passed == 1 && eighty4.failedPoints == 1)
    #expect(eighty4.notes == ["failed points: 1 failed", "no telemetry (no run folder)"])

    // In no sweep: nodes are distinct hosts; solo (1 host, 10) is the base of duo (2, 16): 1.6, 0.8.
    let duo = try row(nil, nil, 2)
    #expect(duo.bestGFLOPS == 16 && duo.speedup == 1.6 && duo.efficiency == 0.8 && duo.points == 0)
  }

  @Test func csvHasTheDocumentedColumnsAndExactFigures() throws {
    let csv = try Comparison.load(resultsPath: CompareFixtures.results).table.csv()
    let expected = [
      CompareTable.csvColumns.joined(separator: ","),
      "demo,1,0.2,5.0,1.0000,1.0000,5.0000,,,,,,,1,1,1,0,1,0,r1-20,4992,192,2,3,no telemetry (no run folder)",
      "demo,2,0.2,9.0,1.8000,0.9000,4.5000,,,,,,,1,1,1,0,1,0,r2-20,7104,192,3,4,no telemetry (no run folder)",
      "demo,4,0.2,,,,,,,,,,,0,0,1,1,1,0,,,,,,no result in the results file; failed points: 1 timeout; "
        + "no telemetry (no run folder)",
      "demo,2,0.5,12.0,,,6.0000,,,,,,,1,1,1,0,1,0,r2-50,11136,192,3,4,no PASSED 1-node result at this memory "
        + "fraction: speedup unknown; no telemetry (no run folder)",
      // The job's ranks held at most 1.5 GiB of rock1's 4 (37.5 %) while the node used 3 GiB (75 %).
      "demo,1,0.8,8.0,1.0000,1.0000,8.0000,60.00,56.00,1610612736,37.50,3221225472,75.00,1,1,1,0,1,1,r1-80,9984,192,"
        + "2,3,",
      // rock1: 1.75 GiB of 4 (43.75 %) for the job, 3.5 GiB used; rock2 0.75 GiB of 2 (37.5 %).
      "demo,2,0.8,14.0,1.7500,0.8750,7.0000,64.00,63.00,1879048192,43.75,3758096384,87.50,2,2,2,0,2,1,r2-80,14016,"
        + "192,3,4,no thermal sensor on rock2",
      "demo,4,0.8,24.0,3.0000,0.7500,6.0000,,,,,,,2,1,1,1,1,0,r4-80,19968,192,4,6,failed points: 1 failed; "
        + "no telemetry (no run folder)",
      ",1,,10.0,1.0000,1.0000,10.0000,,,,,,,1,1,0,0,1,0,solo,4000,192,1,2,no telemetry (no run folder)",
      ",2,,16.0,1.6000,0.8000,8.0000,,,,,,,1,1,0,0,1,0,duo,6000,192,2,2,no telemetry (no run folder)",
    ]
    #expect(csv == expected.joined(separator: "\n") + "\n")
  }

  @Test func textTableShowsDashesForWhatIsUnknown() throws {
    let text = try Comparison.load(resultsPath: CompareFixtures.results, sweep: "demo").table.text()
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(
      lines[0]
        == "sweep  nodes  memory  best GFLOPS  speedup  efficiency  GFLOPS/node  max °C  mean °C  job RSS/node  "
        + "job RSS %  node used  node used %  passed  failed points  note")
    #expect(
      lines[4]
        == "demo       2    50 %         12.0        -           -         6.00       -        -             -  "
        + "        -          -            -     1/1            0/1  no PASSED 1-node result at this memory fraction: "
        + "speedup unknown; no telemetry (no run folder)")
    // The job's own memory beside the node's: 1.75 GiB (43.75 % of rock1) against 3.5 GiB used.
    #expect(
      lines[6]
        == "demo       2    80 %         14.0     1.75        88 %         7.00    64.0     63.0       1.8 GiB  "
        + "     43.8    3.5 GiB         87.5     2/2            0/2  no thermal sensor on rock2")
    // --sweep demo: the 7 lines of the sweep and none of the results in no sweep.
    #expect(lines.filter { $0.hasPrefix("demo ") }.count == 7 && !lines.contains { $0.hasPrefix("-  ") })
    #expect(text.contains("efficiency: speedup / nodes"))
  }

  @Test func brokenRowsAreWarnedWithFileAndLine() throws {
    let comparison = try Comparison.load(resultsPath: CompareFixtures.results)
    let folder = CompareFixtures.folder
    #expect(
      comparison.warnings == [
        "\(folder)/hpl.csv line 6: expected 29 fields, found 3; row ignored",
        "\(folder)/hpl.csv line 12, column gflops: expected a number, found 'fast'; row ignored",
        "\(folder)/sweeps/demo/points.csv line 8, column status: expected passed, failed, timeout or error, found "
          + "'exploded'; row ignored",
        "\(folder)/runs/r2-80/thermal.csv line 4, column temp_celsius: expected a number, found 'N/A'; row ignored",
      ])
  }

  @Test func anUnknownSweepOrNoResultsAreErrorsNamingThePath() throws {
    let unknown = #expect(throws: CompareError.self) {
      try Comparison.load(resultsPath: CompareFixtures.results, sweep: "nope")
    }
    #expect(
      unknown?.description
        == "no sweep 'nope': \(CompareFixtures.folder)/sweeps/nope/points.csv does not exist (there are demo)")

    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: empty) }
    let missing = #expect(throws: CompareError.self) { try Comparison.load(resultsPath: empty + "/hpl.csv") }
    #expect(missing?.description.hasPrefix("\(empty)/hpl.csv: does not exist") == true)
  }

  @Test func aRunFolderNamedByItsPointOrByItsIDIsFound() throws {
    let scratch = try CompareFixtures.copy()
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    // r2-80b's point names no folder: runs/<run id> is looked up; r4-80's names one elsewhere.
    try FileManager.default.copyItem(atPath: scratch + "/runs/r1-80", toPath: scratch + "/runs/r2-80b")
    try FileManager.default.createDirectory(atPath: scratch + "/elsewhere", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: scratch + "/runs/r1-80", toPath: scratch + "/elsewhere/r4")
    let points = scratch + "/sweeps/demo/points.csv"
    let text = try String(contentsOfFile: points, encoding: .utf8)
    try text.replacingOccurrences(of: "runs/r4-80,", with: "elsewhere/r4,").write(
      toFile: points, atomically: true, encoding: .utf8)
    let runs = try Comparison.load(resultsPath: scratch + "/hpl.csv").runs
    #expect(runs.first { $0.runID == "r2-80b" }?.telemetryFolder == scratch + "/runs/r2-80b")
    #expect(runs.first { $0.runID == "r4-80" }?.telemetryFolder == scratch + "/elsewhere/r4")
    #expect(runs.first { $0.runID == "r2-20" }?.telemetryFolder == nil)
  }

  @Test func timestampsParseWithoutAFormatter() {
    #expect(UTCTimestamp.seconds("1970-01-01T00:00:00Z") == 0)
    #expect(UTCTimestamp.seconds("2026-11-23T10:15:01.250Z") == 1_795_428_901.25)
    #expect(UTCTimestamp.seconds("2000-02-29T12:00:00.5Z") == 951_825_600.5)
    for bad in ["", "2026-11-23 10:15:01Z", "2026-11-23T10:15:01", "2026-13-01T00:00:00Z", "2026-11-23T10:15:01.Z"] {
      #expect(UTCTimestamp.seconds(bad) == nil, "\(bad)")
    }
  }

  @Test func theTimelineKeepsAtMostItsLimitPerNode() {
    var timeline = NodeTimeline(pointLimit: 50)
    // 10 000 samples a second apart, 40 °C then 60 °C: the means survive downsampling.
    for second in 0..<10_000 {
      let timestamp = String(format: "2026-11-23T%02d:%02d:%02d.000Z", second / 3600, second / 60 % 60, second % 60)
      timeline.add(host: "rock1", timestamp: timestamp, value: second < 5000 ? 40 : 60)
    }
    timeline.add(host: "rock2", timestamp: "not a time", value: 1)
    let points = timeline.points(host: "rock1")
    #expect(points.count <= 50 && points.count >= 25)
    #expect(points.reduce(0) { $0 + $1.samples } == 10_000)
    #expect(points.first?.mean == 40 && points.last?.mean == 60 && points.last?.max == 60)
    #expect(zip(points, points.dropFirst()).allSatisfy { $0.time < $1.time })
    #expect(timeline.hosts == ["rock1"] && timeline.unreadableTimestamps == 1)
  }

  @Test func theCommandPrintsTheTableAndWarnsOnStandardError() async throws {
    let runner = MPIRunner(deadline: .seconds(60))
    let csv = try await runner.runAlone(
      try MPIRunner.path(ofExecutable: "clusterbench"), arguments: ["compare", CompareFixtures.results, "--csv"])
    #expect(csv.succeeded, "\(csv)")
    #expect(csv.standardOutput == (try Comparison.load(resultsPath: CompareFixtures.results).table.csv()))
    let warnings = csv.standardError.split(separator: "\n").filter { $0.hasPrefix("clusterbench compare: warning: ") }
    #expect(warnings.count == 4 && warnings[0].hasSuffix("hpl.csv line 6: expected 29 fields, found 3; row ignored"))

    let unknown = try await runner.runAlone(
      try MPIRunner.path(ofExecutable: "clusterbench"), arguments: ["compare", CompareFixtures.results, "--sweep", "x"])
    #expect(unknown.exitStatus == 1 && unknown.standardError.contains("clusterbench compare: error: no sweep 'x'"))

    let help = try await runner.runAlone(
      try MPIRunner.path(ofExecutable: "clusterbench"), arguments: ["compare", "--help"])
    #expect(help.succeeded && help.standardOutput.contains("Examples:"))
  }
}

/// compare's CSVs are read with BoundedFile's checks: a FIFO or a device is refused at once.
struct CompareInputTests {
  @Test(.timeLimit(.minutes(1))) func neverBlocksOnAFIFO() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder + "/sweeps/s", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(FIFO.make(folder + "/hpl.csv") && FIFO.make(folder + "/sweeps/s/points.csv"))
    let start = Date()
    let error = #expect(throws: CompareError.self) { try Comparison.load(resultsPath: folder + "/hpl.csv") }
    #expect(Date().timeIntervalSince(start) < 2)
    #expect(
      error?.description
        == "\(folder)/hpl.csv: is a named pipe (FIFO), not a regular file (hplswift and clusterbench submit write "
        + "it; pass another path?)")
    try FileManager.default.removeItem(atPath: folder + "/hpl.csv")
    try FileManager.default.removeItem(atPath: folder + "/sweeps/s")
    try (ResultRow.header + "\n").write(toFile: folder + "/hpl.csv", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: folder + "/sweeps/x\u{1B}[2J", withIntermediateDirectories: true)
    try (ResultRow.header + "\n").write(
      toFile: folder + "/sweeps/x\u{1B}[2J/points.csv", atomically: true, encoding: .utf8)
    let catalog = try ResultsCatalog.load(resultsPath: folder + "/hpl.csv")
    #expect(catalog.sweeps == [])
    #expect(
      catalog.warnings.contains {
        $0.hasPrefix("\(folder)/sweeps/x\\u{1B}[2J: not a sweep's folder (expected 1 to 100 letters")
      }, "\(catalog.warnings)")
    let device = #expect(throws: CompareError.self) { try Comparison.load(resultsPath: "/dev/zero") }
    #expect(device?.description.hasPrefix("/dev/zero: is a character device, not a regular file") == true)
  }
}
