import Foundation
import HPL
import TestSupport
import Testing

/// hplswift as a user meets it: bad input, grids smaller or larger than the launch, the exit
/// status on a FAILED residual, the report file and the CSV rows.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HPLSwiftProgramTests {
  static let runner = MPIRunner(deadline: .seconds(60))

  static func run(
    dat: String?, processes: Int, arguments: [String] = [], name: String,
    inspect: (MPIRunResult, URL) throws -> Void
  ) async throws {
    let directory = try makeWorkingDirectory(name)
    defer { try? FileManager.default.removeItem(at: directory) }
    if let dat {
      try dat.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8)
    }
    let result = try await runner.run(
      executableNamed: "hplswift", arguments: arguments, processes: processes, workingDirectory: directory.path)
    try inspect(result, directory)
  }

  /// Replaces line `number` (1-based) of a good file.
  static func withLine(_ number: Int, _ replacement: String?) -> String {
    var lines = HPLDatBuilder().text.components(separatedBy: "\n")
    if let replacement { lines[number - 1] = replacement } else { lines.remove(at: number - 1) }
    return lines.joined(separator: "\n")
  }

  /// Each malformed file: one message from rank 0 naming the file and line, non-zero exit on
  /// every rank, well within the deadline (no rank left in a collective).
  @Test(arguments: [
    (withLine(6, "abc        Ns"), "line 6"),
    (withLine(6, "-30        Ns"), "line 6"),
    (withLine(8, "0          NBs"), "line 8"),
    (withLine(15, "7          PFACTs"), "line 15"),
    (withLine(23, "9          BCASTs"), "line 23"),
    (withLine(26, "5          SWAP"), "line 26"),
    (withLine(5, "2          # of problems sizes (N)"), "line 6"),
    (withLine(12, "3          Qs"), "3"),
    (withLine(19, "1          NDIVs"), "line 19"),
    (withLine(31, "0          memory alignment"), "line 31"),
    (withLine(20, nil), "line"),
    (String(HPLDatBuilder().text.prefix(200)), "line"),
    ("", "line"),
    // A list longer than its count, and values no C int holds: before, the extra value was
    // silently dropped and each huge value trapped on an overflow or a failed allocation.
    (withLine(6, "41 50      Ns"), "line 6 (Ns): the count on line 5 says 1 value, found 2"),
    (withLine(6, "9223372036854775807 Ns"), "line 6 (Ns): value 9223372036854775807 is larger than 2147483647"),
    (withLine(8, "1099511627776  NBs"), "line 8 (NBs): value 1099511627776 is larger than 2147483647"),
    (withLine(11, "4294967296  Ps"), "line 11 (Ps): value 4294967296 is larger than 2147483647"),
    (withLine(25, "9223372036854775807 DEPTHs"), "line 25 (DEPTHs): value 9223372036854775807 is larger"),
    (withLine(31, "9223372036854775807 memory alignment"), "line 31 (ALIGN): value 9223372036854775807"),
  ])
  func malformedInputExitsCleanly(dat: String, expected: String) async throws {
    try await Self.run(dat: dat, processes: 2, name: "bad") { result, _ in
      #expect(!result.timedOut)
      #expect(result.exitStatus != 0 && result.exitStatus != nil, "\(result)")
      #expect(result.standardError.contains("HPL.dat"), "\(result)")
      #expect(result.standardError.contains(expected), "\(result)")
      #expect(!result.standardOutput.contains("PASSED"))
      // One message, from rank 0 only.
      let messages = result.standardError.components(separatedBy: "\n").filter { $0.hasPrefix("hplswift:") }
      #expect(messages.count == 1, "\(result)")
      #expect(result.duration < MPIRunner.promptExit)
    }
  }

  @Test func missingHPLDatSaysWhereItLookedAndHowToWriteOne() async throws {
    try await Self.run(dat: nil, processes: 2, name: "missing") { result, directory in
      #expect(result.exitStatus == 1, "\(result)")
      #expect(result.standardError.contains("no HPL.dat"))
      #expect(result.standardError.contains(directory.lastPathComponent))
      #expect(result.standardError.contains("hplswift dat"))
    }
  }

  @Test func gridLargerThanTheLaunchIsAnError() async throws {
    var dat = HPLDatBuilder()
    dat.grids = [(2, 2)]
    try await Self.run(dat: dat.text, processes: 2, name: "toolarge") { result, _ in
      #expect(result.exitStatus == 1, "\(result)")
      #expect(result.standardError.contains("needs 4 processes"), "\(result)")
    }
  }

  @Test func smallerGridRunsOnASubsetAndNamesTheIdleRanks() async throws {
    var dat = HPLDatBuilder()
    dat.grids = [(1, 2)]
    try await Self.run(dat: dat.text, processes: 3, name: "idle") { result, _ in
      #expect(result.succeeded, "\(result)")
      #expect(result.standardError.contains("rank 2 idles"), "\(result)")
      #expect(result.outputLines.contains { $0.hasSuffix("PASSED") })
    }
  }

  /// A FAILED residual (threshold far below any real residual) is a non-zero exit, with the six
  /// norm lines xhpl prints.
  @Test func failedResidualExitsNonZero() async throws {
    var dat = HPLDatBuilder()
    dat.threshold = "1e-10"
    try await Self.run(dat: dat.text, processes: 2, name: "failed") { result, _ in
      #expect(result.exitStatus == 1, "\(result)")
      #expect(result.standardOutput.contains("FAILED"))
      #expect(result.standardOutput.contains("||x||_1  . . . . . . . . . . . . . . . . . . . ="))
      #expect(result.standardOutput.contains("1 tests completed and failed residual checks,"))
    }
  }

  /// Report and CSV: xhpl's result line per test, one complete CSV row per test with the fields
  /// decoded, and device 8 sending the report to the file named on line 3.
  @Test func reportFileAndCSVRows() async throws {
    var dat = HPLDatBuilder()
    dat.ns = [30, 41]
    dat.bcasts = [0, 4]
    dat.device = 8
    try await Self.run(dat: dat.text, processes: 2, name: "csv") { result, directory in
      #expect(result.succeeded, "\(result)")
      #expect(!result.standardOutput.contains("T/V"))
      let report = try String(contentsOf: directory.appendingPathComponent("HPL.out"), encoding: .utf8)
      let resultLines = report.components(separatedBy: "\n").filter { $0.hasPrefix("WR1") }
      #expect(resultLines.count == 4, "\(report)")
      #expect(report.contains("Finished      4 tests with the following results:"))
      #expect(report.contains("4 tests completed and passed residual checks,"))
      let csv = try String(contentsOf: directory.appendingPathComponent("results/hpl.csv"), encoding: .utf8)
      let rows = csv.split(separator: "\n").map(String.init)
      #expect(rows.count == 5, "\(csv)")
      #expect(rows[0] == ResultRow.header)
      let (parsed, warnings) = try ResultsCSV.read(path: directory.appendingPathComponent("results/hpl.csv").path)
      #expect(warnings.isEmpty)
      #expect(parsed.map(\.n) == [30, 30, 41, 41])
      #expect(parsed.allSatisfy { $0.p == 1 && $0.q == 2 && $0.nb == 5 && $0.ranks == 2 })
      #expect(
        parsed.allSatisfy { !$0.blas.isEmpty && $0.seconds >= 0 && ($0.residual ?? 99) < 16 && ($0.peakRSSMB ?? 0) > 1 }
      )
      #expect(Set(parsed.map(\.runID)).count == 1)
      let cores = ProcessInfo.processInfo.activeProcessorCount
      #expect(parsed.allSatisfy { $0.coresPerHost == cores && $0.ranksPerHost == 2 })
      #expect(result.standardError.contains("oversubscribed") == (cores < 2))
      #expect(parsed.map(\.variantCode) == ["WR10C2R4", "WR14C2R4", "WR10C2R4", "WR14C2R4"])
    }
  }

  /// netlib's own sample HPL.dat (864 tests on 4 ranks) runs unchanged and every test passes.
  /// It is HPL's file, so it is read from the shared data folder and skipped where absent.
  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: netlibSamplePath), "netlib's HPL.dat is not beside the repository"),
    .timeLimit(.minutes(10)))
  func netlibSampleRunsUnchanged() async throws {
    let text = try String(contentsOfFile: netlibSamplePath, encoding: .utf8)
    let long = MPIRunner(deadline: .seconds(540))
    let directory = try makeWorkingDirectory("netlib")
    defer { try? FileManager.default.removeItem(at: directory) }
    try text.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8)
    let result = try await long.run(
      executableNamed: "hplswift", arguments: ["--quiet"], processes: 4, workingDirectory: directory.path)
    #expect(result.succeeded, "\(result.standardError)")
    #expect(result.standardOutput.contains("864 tests completed and passed residual checks,"))
  }
}

/// netlib's sample, beside the repository (the repository holds no copy of it).
let netlibSamplePath = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("shared/data/netlib-HPL.dat").path
