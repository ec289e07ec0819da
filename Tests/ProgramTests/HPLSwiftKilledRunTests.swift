import Foundation
import HPL
import TestSupport
import Testing

/// A run killed midway leaves results/hpl.csv with complete rows only.
@Suite(.serialized, .timeLimit(.minutes(2))) struct HPLSwiftKilledRunTests {
  @Test func killedRunLeavesCompleteRows() async throws {
    var dat = HPLDatBuilder()
    dat.ns = Array(repeating: 800, count: 20)
    dat.pfacts = [0, 1, 2]
    dat.bcasts = [0, 1, 2, 3, 4, 5]  // 360 tests: far more than fit in the deadline, even on an idle machine
    let directory = try makeWorkingDirectory("killed")
    defer { try? FileManager.default.removeItem(at: directory) }
    try dat.text.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8)
    // 20 s: long enough for the first rows even when the whole test suite loads the machine.
    let result = try await MPIRunner(deadline: .seconds(20)).run(
      executableNamed: "hplswift", arguments: ["--quiet"], processes: 2, workingDirectory: directory.path)
    #expect(result.timedOut, "the run should still have been going: \(result)")
    let path = directory.appendingPathComponent("results/hpl.csv").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.last == "", "the file ends with a complete line")
    let (rows, warnings) = try ResultsCSV.read(path: path)
    #expect(warnings.isEmpty, "\(warnings)")
    #expect(rows.count == lines.count - 2)
    #expect(rows.count > 0 && rows.count < dat.testCount)
    #expect(rows.allSatisfy { $0.status == .passed })
  }
}
