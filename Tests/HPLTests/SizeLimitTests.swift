import Foundation
import HPL
import HPLBenchmark
import Testing

/// Sizes from input checked before use: the per-rank matrix against each host's memory, NB > N
/// clamped as xhpl does, `hplswift dat` arithmetic without overflow, and the run estimate.
@Suite("Size limits")
struct SizeLimitTests {
  static let gibibyte = 1 << 30

  static func test(n: Int, nb: Int = 192, rows: Int = 1, columns: Int = 1) -> TestParameters {
    TestParameters(n: n, nb: nb, rows: rows, columns: columns)
  }

  // MARK: - Per-rank matrix against the host's memory

  /// Both ranks on one host need 74.51 GiB in all: the second test is named with each rank's
  /// largest part, the host's sum and its memory.
  @Test func ranksSharingAHostAreSummed() {
    let check = MatrixMemoryCheck(hosts: ["a", "a"], memory: [64 * Self.gibibyte, 64 * Self.gibibyte])
    let tests = [Self.test(n: 1000, columns: 2), Self.test(n: 100_000, columns: 2)]
    let excess = check.firstExcess(in: tests)
    #expect(excess?.testNumber == 2 && excess?.largestRankBytes == 40_064_800_000)
    #expect(
      excess?.description
        == "test 2 of 2 (N=100000 NB=192 P=1 Q=2): each rank's part of the matrix takes up to "
        + "37.31 GiB (40064800000 bytes), and the 2 ranks on a need 74.51 GiB (80000800000 bytes) "
        + "in all, more than its 64.00 GiB (68719476736 bytes) of physical memory (MemTotal); "
        + "lower N (`hplswift dat` sizes N from memory)")
    // The same test on two such hosts fits; a host of unknown memory is not judged.
    #expect(MatrixMemoryCheck(hosts: ["a", "b"], memory: check.memory).firstExcess(in: tests) == nil)
    #expect(MatrixMemoryCheck(hosts: ["a", "a"], memory: [0, 0]).firstExcess(in: tests) == nil)
  }

  @Test func oneRankOnAHostAndSizesBeyondAnInt() {
    let check = MatrixMemoryCheck(hosts: ["vm"], memory: [24 * Self.gibibyte])
    #expect(
      check.firstExcess(in: [Self.test(n: 100_000, nb: 4)])?.description
        == "test 1 of 1 (N=100000 NB=4 P=1 Q=1): the matrix part of the 1 rank on vm takes "
        + "74.51 GiB (80000800000 bytes), more than its 24.00 GiB (25769803776 bytes) of physical "
        + "memory (MemTotal); lower N (`hplswift dat` sizes N from memory)")
    let largest = check.firstExcess(in: [Self.test(n: Int(Int32.max), nb: 4)])
    #expect(largest?.hostBytes == Int.max)
    #expect(largest?.description.contains("takes more than 9223372036854775807 bytes") == true)
    var aligned = Self.test(n: 100, nb: 4)
    aligned.alignment = Int(Int32.max)  // a leading dimension of 2³¹ doubles per column
    #expect(check.firstExcess(in: [aligned])?.hostBytes == 1_735_166_786_776)
  }

  /// Only the grid's ranks count: a 1 × 1 grid on a 2-rank launch loads rank 0 alone, so the
  /// small host of rank 1 matters only for the 1 × 2 grid.
  @Test func ranksOutsideTheGridNeedNothing() {
    let check = MatrixMemoryCheck(hosts: ["a", "b"], memory: [40 * Self.gibibyte, Self.gibibyte])
    #expect(check.firstExcess(in: [Self.test(n: 70_000)]) == nil)
    let excess = check.firstExcess(in: [Self.test(n: 70_000), Self.test(n: 70_000, columns: 2)])
    #expect(excess?.testNumber == 2 && excess?.host == "b" && excess?.ranksOnHost == 1)
  }

  // MARK: - NB larger than N

  /// xhpl deals [A|b] with NB and factorises panels of min(NB, N − j) columns; N + 1 deals the
  /// same, while NB = N would put b alone in process column 1.
  @Test func blockSizeAboveNIsClampedToNPlusOne() {
    #expect(Self.test(n: 30, nb: 40).distributionBlockSize == 31)
    #expect(Self.test(n: 30, nb: Int(Int32.max)).distributionBlockSize == 31)
    #expect(Self.test(n: 30, nb: 30).distributionBlockSize == 30)
    #expect(Self.test(n: 0, nb: 5).distributionBlockSize == 1)
    let grid = GridShape(rows: 1, columns: 2)
    func bytes(_ nb: Int, column: Int) -> Int? {
      DistributedMatrix.storageBytes(order: 30, blockSize: nb, grid: grid, row: 0, column: column, alignment: 8)
    }
    #expect(bytes(40, column: 0) == bytes(31, column: 0) && bytes(40, column: 1) == bytes(31, column: 1))
    #expect(bytes(31, column: 1) == 8 && bytes(30, column: 1) == 40 * 8)
  }

  // MARK: - hplswift dat

  struct Extreme: Sendable, CustomTestStringConvertible {
    var nodes = 2
    var cores = 2
    var nb: Int? = nil
    var flag: String
    var message: String
    var testDescription: String { message }
  }

  /// Each is refused with its flag; before, each trapped on an overflow.
  @Test(arguments: [
    Extreme(
      nodes: Int.max / 2, cores: 4, flag: "--nodes",
      message: "--nodes: 4611686018427387903 nodes × 4 cores (--cores-per-node) is more than "
        + "2147483647 ranks, the most MPI can number (a C int)"),
    Extreme(
      cores: Int.max, flag: "--nodes",
      message: "--nodes: 2 nodes × 9223372036854775807 cores (--cores-per-node) is more than "
        + "2147483647 ranks, the most MPI can number (a C int)"),
    Extreme(
      nb: 1 << 40, flag: "--nb",
      message: "--nb: value 1099511627776 is larger than 2147483647, the limit of xhpl's C int"),
    Extreme(
      nb: Int(Int32.max), flag: "--memory-per-node",
      message: "--memory-per-node: 6.40 GiB for the matrix is less than one 2147483647 × "
        + "2147483647 block (34359738336.00 GiB); give more memory, a larger --memory-fraction or "
        + "a smaller --nb"),
  ])
  func extremeSizingValuesNameTheirFlag(_ bad: Extreme) {
    let error = #expect(throws: DatSizerError.self) {
      try DatSizer.plan(
        nodeCount: bad.nodes, memoryPerNodeBytes: 4 * Self.gibibyte, coresPerNode: bad.cores,
        fraction: 0.8, nb: bad.nb)
    }
    #expect(error?.flag == bad.flag)
    #expect(error?.description == bad.message)
  }

  @Test func largestProblemSizeNeverOverflows() {
    #expect(DatSizer.largestProblemSize(budgetBytes: Int.max, nb: Int(Int32.max)) == 0)
    let n = DatSizer.largestProblemSize(budgetBytes: Int.max, nb: 1)
    #expect(DatSizer.matrixBytes(n)! <= Int.max && DatSizer.matrixBytes(n + 1) == nil)
    #expect(DatSizer.matrixBytes(Int(Int32.max)) == nil)
  }

  @Test func clusterCommandDescribesNoMoreThanTheNode() {
    let node = NodeResources(host: "vm", memTotalBytes: 25_275_990_016, memAvailableBytes: 0, cores: 2)
    #expect(
      DatSizer.clusterCommand(like: node, nodes: 4)
        == "hplswift dat --nodes 4 --memory-per-node 23.54GiB --cores-per-node 2")
    let small = NodeResources(host: "pi", memTotalBytes: 536_870_911, memAvailableBytes: 0, cores: 4)
    #expect(
      DatSizer.clusterCommand(like: small, nodes: 2)
        == "hplswift dat --nodes 2 --memory-per-node 511MiB --cores-per-node 4")
  }

  // MARK: - Run estimate

  @Test func estimateIsTheOperationCountOverTheRate() {
    let estimate = RunEstimate(tests: [Self.test(n: 10_000, columns: 2)], gflopsPerRank: 5)
    #expect(abs(estimate.totalSeconds - 66.681_666_7) < 1e-3)
    #expect(
      estimate.lines
        == [
          "estimated 1m7s for 1 test at the dgemm rate of this machine's ranks (5.00 GFLOPS per "
            + "rank, measured just now); the LU runs somewhat below that rate, so expect more"
        ])
  }

  @Test func estimatesAboveThirtyMinutesWarn() {
    let estimate = RunEstimate(
      tests: [Self.test(n: 100_000, columns: 2), Self.test(n: 1000, columns: 2)], gflopsPerRank: 5)
    #expect(estimate.seconds.count == 2)
    #expect(estimate.lines.count == 2)
    #expect(estimate.lines[0].hasPrefix("estimated 18h31m8s for 2 tests at"))
    #expect(
      estimate.lines[1]
        == "warning: this run is estimated to take 18h31m8s, more than 30 minutes; stop it now "
        + "(Ctrl-C) if that is not what you meant, or lower N")
  }

  /// Small runs are not measured at all: the estimate must cost nothing where it tells nothing.
  @Test func smallRunsAreNotEstimated() {
    #expect(!RunEstimate.isWorthEstimating([Self.test(n: 41, nb: 5, columns: 2)]))
    #expect(!RunEstimate.isWorthEstimating(Array(repeating: Self.test(n: 500), count: 1000)))
    #expect(RunEstimate.isWorthEstimating([Self.test(n: 10_000)]))
  }
}
