import Foundation
import HPL
import HPLBenchmark
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

  /// Values whose arithmetic overflowed (a trap before) are refused with their flag.
  @Test(arguments: [
    (
      ["--nodes", "4611686018427387904", "--memory-per-node", "4GiB", "--cores-per-node", "4"],
      "--nodes: 4611686018427387904 nodes × 4 cores (--cores-per-node) is more than 2147483647 ranks"
    ),
    (
      ["--nodes", "2", "--memory-per-node", "4GiB", "--cores-per-node", "2", "--nb", "1099511627776"],
      "--nb: value 1099511627776 is larger than 2147483647"
    ),
    (
      ["--nodes", "2", "--memory-per-node", "4GiB", "--cores-per-node", "2", "--nb", "2147483647"],
      "--memory-per-node: 6.40 GiB for the matrix is less than one 2147483647 × 2147483647 block"
    ),
  ])
  func extremeValuesAreRefusedNotTrapped(arguments: [String], expected: String) async throws {
    let result = try await Self.runner.run(executableNamed: "hplswift", arguments: ["dat"] + arguments, processes: 1)
    #expect(result.exitStatus == 1, "\(result)")
    #expect(result.standardError.contains(expected), "\(result)")
    #expect(!result.standardError.contains("Fatal error"))
  }

  /// Sized for this machine, it also says how to size a cluster of such nodes, with this
  /// machine's memory (rounded down) and cores rather than example values.
  @Test func thisMachineAloneHintsAtAClusterOfSuchNodes() async throws {
    let directory = try makeWorkingDirectory("dat-local")
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try await Self.runner.run(
      executableNamed: "hplswift", arguments: ["dat", "-o", "HPL.dat"], processes: 1,
      workingDirectory: directory.path)
    #expect(result.succeeded, "\(result)")
    let memory = try MemInfo.read().memTotalBytes
    let gibibytes = String(format: "%.2f", (Double(memory) / 1_073_741_824 * 100).rounded(.down) / 100)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    #expect(
      result.standardOutput.contains(
        "say 4: hplswift dat --nodes 4 --memory-per-node \(gibibytes)GiB --cores-per-node \(cores) -o HPL.dat"),
      "\(result)")
  }
}
