import Foundation
import HPL
import TestSupport
import Testing

/// `hplswift dat` as a user runs it: the file it writes parses, is sized as the issue says, and
/// bad flags name themselves.
@Suite(.serialized, .timeLimit(.minutes(2))) struct HPLSwiftDatTests {
  static let runner = MPIRunner(deadline: .seconds(60))

  @Test(arguments: [(0.8, 97152), (0.2, 48576)])
  func rockCNNClusterAtBothMemoryFractions(fraction: Double, expectedN: Int) async throws {
    let directory = try makeWorkingDirectory("dat")
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try await Self.runner.run(
      executableNamed: "hplswift",
      arguments: [
        "dat", "--nodes", "22", "--memory-per-node", "4GiB", "--cores-per-node", "6", "--memory-fraction",
        String(fraction), "-o", "HPL.dat",
      ], processes: 1, workingDirectory: directory.path)
    #expect(result.succeeded, "\(result)")
    let input = try HPLInput.read(path: directory.appendingPathComponent("HPL.dat").path)
    #expect(input.problemSizes == [expectedN])
    #expect(input.blockSizes == [192])
    #expect(input.grids == [GridShape(rows: 11, columns: 12)])
    #expect(8 * expectedN * expectedN <= Int(fraction * 22 * 4 * 1_073_741_824))
    #expect(result.standardOutput.contains("N"), "it explains its choice")
  }

  @Test func fromClusterReadsEveryNode() async throws {
    let directory = try makeWorkingDirectory("dat-cluster")
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try await Self.runner.run(
      executableNamed: "hplswift", arguments: ["dat", "--from-cluster", "--memory-fraction", "0.2", "-o", "HPL.dat"],
      processes: 2, workingDirectory: directory.path)
    #expect(result.succeeded, "\(result)")
    let input = try HPLInput.read(path: directory.appendingPathComponent("HPL.dat").path)
    #expect(input.problemSizes[0] > 0 && input.problemSizes[0] % input.blockSizes[0] == 0)
    // Both ranks run on this one machine: one node, sized from its memory.
    let memory = try MemInfo.read()
    let budget = min(Double(memory.memTotalBytes) * 0.2, Double(memory.memAvailableBytes))
    #expect(Double(8 * input.problemSizes[0] * input.problemSizes[0]) <= budget)
  }

  @Test(arguments: [
    (["dat", "--nodes", "0", "--memory-per-node", "4GiB", "--cores-per-node", "6"], "--nodes"),
    (["dat", "--nodes", "2", "--memory-per-node", "lots", "--cores-per-node", "6"], "--memory-per-node"),
    (
      ["dat", "--nodes", "2", "--memory-per-node", "4GiB", "--cores-per-node", "6", "--memory-fraction", "80"],
      "--memory-fraction"
    ),
    (["dat", "--nodes", "2"], "--memory-per-node"),
  ])
  func badFlagsNameTheFlag(arguments: [String], flag: String) async throws {
    let result = try await Self.runner.run(executableNamed: "hplswift", arguments: arguments, processes: 1)
    #expect(result.exitStatus != 0 && result.exitStatus != nil, "\(result)")
    #expect(result.standardError.contains(flag), "\(result)")
  }
}
