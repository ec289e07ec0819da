import Foundation
import HPL
import TestSupport
import Testing

/// hplswift launched with mpiexec on 1 to 4 ranks: every panel factorisation, broadcast, swap
/// algorithm, storage form and look-ahead depth must give the serial LU's solution and PASS.
@Suite(.serialized, .timeLimit(.minutes(5))) struct HPLSwiftVariantTests {
  static let runner = MPIRunner(deadline: .seconds(240))

  /// x of the serial reference LU for the benchmark's matrix of order n.
  static func referenceSolution(n: Int) -> [Double] {
    let generator = RandomMatrix(order: n)
    var a: [Double] = []
    for j in 0..<n { for i in 0..<n { a.append(generator.entry(row: i, column: j)) } }
    return SerialLU(order: n, matrix: a).solve((0..<n).map { generator.entry(row: $0, column: n) })
  }

  /// Runs hplswift on `dat` and checks the report, the exit status and every solution.
  static func runAndCheck(_ dat: HPLDatBuilder, processes: Int, name: String) async throws {
    let directory = try makeWorkingDirectory(name)
    defer { try? FileManager.default.removeItem(at: directory) }
    try dat.text.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8)
    let result = try await runner.run(
      executableNamed: "hplswift", arguments: ["--write-solution", "x", "--quiet"], processes: processes,
      workingDirectory: directory.path)
    #expect(result.succeeded, "\(result)")
    let passed = result.outputLines.filter { $0.hasSuffix("PASSED") }.count
    #expect(
      passed == dat.testCount, "\(name): \(passed) of \(dat.testCount) PASSED\n\(result.standardOutput.suffix(3000))")
    #expect(!result.standardOutput.contains("FAILED"))
    let n = dat.ns[0]
    let reference = referenceSolution(n: n)
    for test in 1...dat.testCount {
      let path = directory.appendingPathComponent("x/solution-\(test).txt").path
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        Issue.record("\(name): no solution file for test \(test)")
        continue
      }
      let x = text.split(separator: "\n").compactMap { Double($0) }
      #expect(
        isApproximatelyEqual(x, reference, relativeTolerance: 1e-8, absoluteTolerance: 1e-10), "\(name) test \(test)")
    }
  }

  /// Every PFACT × RFACT × BCAST × DEPTH on the two 2-rank grids (216 tests, one launch).
  @Test func factorisationsBroadcastsAndDepthsOnTwoRanks() async throws {
    var dat = HPLDatBuilder()
    dat.ns = [37]
    dat.nbs = [4]
    dat.grids = [(1, 2), (2, 1)]
    dat.pfacts = [0, 1, 2]
    dat.rfacts = [0, 1, 2]
    dat.nbmins = [2]
    dat.bcasts = [0, 1, 2, 3, 4, 5]
    dat.depths = [0, 1, 2]
    try await Self.runAndCheck(dat, processes: 2, name: "variants-2")
  }

  /// `mpiexec -n 4 hplswift` with a 2×2 grid and with a 1×3 grid (rank 3 idles for it).
  @Test func fourRanksTwoByTwoAndOneByThree() async throws {
    var dat = HPLDatBuilder()
    dat.ns = [200]
    dat.nbs = [16]
    dat.grids = [(2, 2), (1, 3)]
    try await Self.runAndCheck(dat, processes: 4, name: "grids-4")
  }

  /// Trailing matrices wider than one update block (2048 columns) on several process rows, with
  /// each swap algorithm: the blocked update must match the unblocked one (checked through the
  /// residual, as a serial reference at this size is too slow for a debug build).
  @Test(arguments: [0, 1])
  func updatesWiderThanOneBlock(swap: Int) async throws {
    var dat = HPLDatBuilder()
    dat.ns = [2300]
    dat.nbs = [32]
    dat.grids = [(2, 1), (3, 1)]
    dat.swap = swap
    let directory = try makeWorkingDirectory("wide-\(swap)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try dat.text.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8)
    let result = try await Self.runner.run(
      executableNamed: "hplswift", arguments: ["--quiet"], processes: 3, workingDirectory: directory.path)
    #expect(result.succeeded, "\(result)")
    #expect(result.outputLines.filter { $0.hasSuffix("PASSED") }.count == 2, "\(result.standardOutput)")
  }

  /// Every broadcast topology along rows of 3 and 4 process columns, with look-ahead.
  @Test(arguments: [3, 4])
  func broadcastsOnWiderRows(processes: Int) async throws {
    var dat = HPLDatBuilder()
    dat.ns = [45]
    dat.nbs = [3]
    dat.grids = [(1, processes)]
    dat.bcasts = [0, 1, 2, 3, 4, 5]
    dat.depths = [0, 1]
    try await Self.runAndCheck(dat, processes: processes, name: "bcast-\(processes)")
  }

  /// Each swap algorithm (mix on both sides of its threshold), both storage forms of L1 and U and
  /// both equilibration settings, on grids with 2, 3 and 4 process rows.
  @Test(arguments: [
    (0, 0, 0, 1), (0, 1, 1, 0), (1, 0, 1, 1), (1, 1, 0, 0), (1, 0, 0, 0), (2, 0, 0, 1), (2, 1, 1, 1), (2, 0, 1, 0),
  ])
  func swapsAndStorageForms(swap: Int, l1: Int, u: Int, equilibration: Int) async throws {
    var dat = HPLDatBuilder()
    dat.ns = [43]
    dat.nbs = [4]
    dat.grids = [(2, 1), (3, 1), (4, 1), (2, 2)]
    dat.swap = swap
    dat.swapThreshold = 6
    dat.l1 = l1
    dat.u = u
    dat.equilibration = equilibration
    dat.pmap = equilibration  // column-major mapping too
    try await Self.runAndCheck(dat, processes: 4, name: "swap-\(swap)-\(l1)\(u)\(equilibration)")
  }
}
