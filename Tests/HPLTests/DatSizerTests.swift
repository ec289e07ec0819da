import Foundation
import HPL
import HPLBenchmark
import Testing

@Suite("hplswift dat sizing")
struct DatSizerTests {
  static let gibibyte = 1 << 30

  @Test(arguments: [(0.2, 48576), (0.8, 97152)])
  func rockpro64Cluster(_ fraction: Double, _ expectedN: Int) throws {
    let plan = try DatSizer.plan(
      nodeCount: 22, memoryPerNodeBytes: 4 * Self.gibibyte, coresPerNode: 6, fraction: fraction)
    #expect(plan.ranks == 132)
    #expect(plan.nb == 192)
    #expect(plan.n == expectedN)
    #expect(plan.grid == GridShape(rows: 11, columns: 12))
    let budget = fraction * 22 * 4 * Double(Self.gibibyte)
    #expect(Double(8 * plan.n * plan.n) <= budget)
    #expect(Double(8 * (plan.n + 192) * (plan.n + 192)) > budget)
    #expect(plan.explanation.contains { $0.hasPrefix("N = \(expectedN): ") })
    #expect(plan.explanation.contains { $0.hasPrefix("P × Q = 11 × 12") })
    let input = try HPLInput.parse(contents: plan.render())
    #expect(input == plan.input)
    #expect(input.problemSizes == [expectedN] && input.blockSizes == [192])
    #expect(input.swapThreshold == 192 && input.broadcasts == [.oneRingModified])
    #expect(input.recursivePanelFactorizations == [.crout] && input.panelFactorizations == [.right])
  }

  @Test func oneNodeTwoCores() throws {
    let plan = try DatSizer.plan(
      nodeCount: 1, memoryPerNodeBytes: 4 * Self.gibibyte, coresPerNode: 2, fraction: 0.8)
    #expect(plan.grid == GridShape(rows: 1, columns: 2))
    #expect(plan.n == 20544)  // 107 · 192; 8 · 20736² > 80 % of 4 GiB
    #expect(plan.explanation[0] == "Ranks: 1 node × 2 cores = 2 ranks, one per core.")
  }

  @Test func blockSizeOverride() throws {
    let plan = try DatSizer.plan(
      nodeCount: 22, memoryPerNodeBytes: 4 * Self.gibibyte, coresPerNode: 6, fraction: 0.8, nb: 128)
    #expect(plan.nb == 128)
    #expect(plan.n == 97152)  // 759 · 128, which is also 506 · 192
    #expect(plan.input.swapThreshold == 128)
    #expect(plan.explanation.contains("NB = 128 (--nb)."))
  }

  @Test(arguments: [
    (1, 1, 1), (2, 1, 2), (4, 2, 2), (6, 2, 3), (8, 2, 4), (12, 3, 4), (16, 4, 4), (18, 3, 6),
    (24, 4, 6), (30, 5, 6), (64, 8, 8), (132, 11, 12), (13, 1, 13), (97, 1, 97),
  ])
  func gridIsNearSquareWithPNotAboveQ(_ ranks: Int, _ p: Int, _ q: Int) {
    #expect(DatSizer.grid(processCount: ranks) == GridShape(rows: p, columns: q))
  }

  @Test func primeRankCountExplainsTheFlatGrid() throws {
    let plan = try DatSizer.plan(
      nodeCount: 1, memoryPerNodeBytes: 8 * Self.gibibyte, coresPerNode: 13, fraction: 0.5)
    #expect(plan.grid == GridShape(rows: 1, columns: 13))
    #expect(
      plan.explanation.contains {
        $0.hasPrefix("P × Q = 1 × 13: 13 is prime")
          && $0.contains("With 12 ranks (some cores idle) a 3 × 4 grid")
      })
  }

  @Test func measuredNodesUseTheTightestNodePerRank() throws {
    let nodes = (1...22).map { index in
      NodeResources(
        host: String(format: "rp%02d", index), memTotalBytes: 3_977_637_888,
        memAvailableBytes: index == 7 ? 2_000_000_000 : 3_484_221_440, cores: 6)
    }
    let at20 = try DatSizer.plan(nodes: nodes, fraction: 0.2)
    // 20 %: MemTotal × 0.2 is below every MemAvailable.
    #expect(at20.matrixBudgetBytes == Int(3_977_637_888 * 0.2 * 22))
    let at80 = try DatSizer.plan(nodes: nodes, fraction: 0.8)
    // 80 %: rp07's MemAvailable (2.0 GB) is below 80 % of its MemTotal (3.18 GB).
    #expect(at80.matrixBudgetBytes == 2_000_000_000 * 22)
    #expect(at80.explanation[1].contains("rp07") && at80.explanation[1].contains("(MemAvailable)"))
    #expect(at80.n == DatSizer.largestProblemSize(budgetBytes: 44_000_000_000, nb: 192))
    #expect(at80.grid == GridShape(rows: 11, columns: 12))
  }

  @Test func heterogeneousCoresLimitByMemoryPerRank() throws {
    let nodes = [
      NodeResources(
        host: "big", memTotalBytes: 8_000_000_000, memAvailableBytes: 8_000_000_000, cores: 8),
      NodeResources(
        host: "small", memTotalBytes: 4_000_000_000, memAvailableBytes: 4_000_000_000, cores: 2),
    ]
    let plan = try DatSizer.plan(nodes: nodes, fraction: 0.5)
    // Per rank: big 0.5 GB, small 1 GB → big decides: 10 ranks × 0.5 GB.
    #expect(plan.matrixBudgetBytes == 5_000_000_000)
    #expect(plan.ranks == 10 && plan.grid == GridShape(rows: 2, columns: 5))
    #expect(plan.explanation[0].contains("(2 to 8 per node)"))
  }

  struct BadArguments: Sendable, CustomTestStringConvertible {
    var nodes = 22
    var memory = 4 << 30
    var cores = 6
    var fraction = 0.8
    var nb: Int? = nil
    var flag: String
    var testDescription: String { flag }
  }

  @Test(arguments: [
    BadArguments(nodes: 0, flag: "--nodes"),
    BadArguments(memory: 0, flag: "--memory-per-node"),
    BadArguments(cores: 0, flag: "--cores-per-node"),
    BadArguments(fraction: 0, flag: "--memory-fraction"),
    BadArguments(fraction: 80, flag: "--memory-fraction"),
    BadArguments(nb: 0, flag: "--nb"),
    BadArguments(memory: 1000, flag: "--memory-per-node"),
  ])
  func badArgumentsNameTheirFlag(_ bad: BadArguments) {
    let error = #expect(throws: DatSizerError.self) {
      try DatSizer.plan(
        nodeCount: bad.nodes, memoryPerNodeBytes: bad.memory, coresPerNode: bad.cores,
        fraction: bad.fraction, nb: bad.nb)
    }
    #expect(error?.flag == bad.flag)
    #expect(error?.description.hasPrefix(bad.flag + ": ") == true)
  }

  @Test func percentageLikeFractionGetsAHint() {
    let error = #expect(throws: DatSizerError.self) {
      try DatSizer.plan(nodeCount: 1, memoryPerNodeBytes: 1 << 30, coresPerNode: 1, fraction: 80)
    }
    #expect(
      error?.message == "value 80.0 is not in (0, 1]; 80.0 looks like a percentage: write 0.8")
  }

  @Test func memInfoAndCoresFromAProcTree() throws {
    let root = DriverFixtures.url("DatSizer/proc").path
    let memory = try MemInfo.read(procRoot: root)
    #expect(memory == MemInfo(memTotalBytes: 3_884_412 * 1024, memAvailableBytes: 3_402_560 * 1024))
    #expect(NodeResources.coreCount(procRoot: root) == 6)
    let node = try NodeResources.local(host: "rp01", procRoot: root)
    #expect(
      node
        == NodeResources(
          host: "rp01", memTotalBytes: 3_884_412 * 1024, memAvailableBytes: 3_402_560 * 1024,
          cores: 6))
  }

  @Test func memInfoWithoutMemAvailableFallsBack() {
    let info = MemInfo.parse("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 20 kB\nCached: 300 kB\n")
    #expect(info == MemInfo(memTotalBytes: 1_024_000, memAvailableBytes: 420 * 1024))
    #expect(MemInfo.parse("nothing here") == nil)
  }

  @Test func missingProcFileIsAnError() {
    #expect(throws: DatSizerError.self) { try MemInfo.read(procRoot: "/nonexistent-proc") }
  }

  @Test func localNodeReadsTheRealProc() throws {
    let node = try NodeResources.local()
    #expect(node.memTotalBytes > 0 && node.cores >= 1 && !node.host.isEmpty)
  }
}
