import HPL
import MPI
import SuiteCore

/// Whether every test's matrix fits the physical memory of the hosts its ranks run on.
///
/// Checked for all tests before the first one allocates: a part of [A|b] larger than a node's
/// RAM either fails late (after earlier tests ran for hours), pushes the node into swap, or
/// — with memory overcommit — is granted and later killed by the OOM killer. Every rank holds the
/// same hosts and memory figures (gathered once), so every rank reaches the same verdict without
/// another collective and the run ends on all of them at once. xhpl has no such check; it only
/// skips a test whose `malloc` fails.
public struct MatrixMemoryCheck: Sendable {
  /// The host of every rank of the world, in rank order.
  public var hosts: [String]
  /// The physical memory (`MemTotal`) of every rank's host in bytes, in rank order; 0 when
  /// unknown (that host is not checked).
  public var memory: [Int]

  public init(hosts: [String], memory: [Int]) {
    self.hosts = hosts
    self.memory = memory
  }

  /// A test whose matrix does not fit one host.
  public struct Excess: Sendable, Equatable, CustomStringConvertible {
    /// The test's number in run order, from 1.
    public var testNumber: Int
    /// How many tests the run has.
    public var testCount: Int
    public var test: TestParameters
    /// The host that cannot hold its ranks' parts.
    public var host: String
    /// The test's ranks on that host.
    public var ranksOnHost: Int
    /// The largest part of one of those ranks, bytes (`Int.max`: more than an `Int` counts).
    public var largestRankBytes: Int
    /// The parts of all of them, bytes (`Int.max`: more than an `Int` counts).
    public var hostBytes: Int
    /// The host's physical memory, bytes.
    public var memoryBytes: Int

    /// `test 1 of 1 (N=100000 NB=192 P=1 Q=1): the matrix part of the 1 rank on vm takes
    /// 74.51 GiB (80000800000 bytes), more than its 23.54 GiB (…) of physical memory …`.
    public var description: String {
      let test = "test \(testNumber) of \(testCount) (N=\(test.n) NB=\(test.nb) P=\(test.rows) Q=\(test.columns))"
      let need =
        ranksOnHost == 1
        ? "the matrix part of the 1 rank on \(host) takes \(ByteSize.describeExactly(hostBytes))"
        : "each rank's part of the matrix takes up to \(ByteSize.describeExactly(largestRankBytes)), and the "
          + "\(ranksOnHost) ranks on \(host) need \(ByteSize.describeExactly(hostBytes)) in all"
      return "\(test): \(need), more than its \(ByteSize.describeExactly(memoryBytes)) of physical memory "
        + "(MemTotal); lower N (`hplswift dat` sizes N from memory)"
    }
  }

  /// The first test, in run order, whose ranks on some host need more bytes for their parts of
  /// [A|b] than the host has; nil when every test fits.
  public func firstExcess(in tests: [TestParameters]) -> Excess? {
    var verdicts: [Shape: Excess?] = [:]
    for (index, test) in tests.enumerated() {
      let shape = Shape(test)
      if verdicts[shape] == nil { verdicts[shape] = excess(for: test) }
      if var excess = verdicts[shape]! {
        (excess.testNumber, excess.testCount, excess.test) = (index + 1, tests.count, test)
        return excess
      }
    }
    return nil
  }

  /// What decides a test's per-rank bytes.
  private struct Shape: Hashable {
    var n, blockSize, rows, columns, alignment: Int
    var mapping: ProcessMapping
    init(_ test: TestParameters) {
      (n, blockSize, rows, columns) = (test.n, test.distributionBlockSize, test.rows, test.columns)
      (alignment, mapping) = (test.alignment, test.processMapping)
    }
  }

  /// The first host, in order of its lowest rank, that cannot hold its ranks' parts of `test`.
  private func excess(for test: TestParameters) -> Excess? {
    let grid = test.grid
    let (processCount, overflow) = test.rows.multipliedReportingOverflow(by: test.columns)
    let used = overflow ? hosts.count : min(processCount, hosts.count)
    var order: [String] = []
    var load: [String: (ranks: Int, bytes: Int, largest: Int, memory: Int)] = [:]
    for rank in 0..<used {
      let position = ProcessGrid.position(
        ofRank: rank, rows: test.rows, columns: test.columns,
        order: test.processMapping == .rowMajor ? .rowMajor : .columnMajor)
      let bytes =
        DistributedMatrix.storageBytes(
          order: test.n, blockSize: test.distributionBlockSize, grid: grid, row: position.row,
          column: position.column, alignment: test.alignment) ?? Int.max
      let host = hosts[rank]
      if load[host] == nil {
        order.append(host)
        load[host] = (0, 0, 0, memory[rank])
      }
      let (sum, sumOverflow) = load[host]!.bytes.addingReportingOverflow(bytes)
      load[host]!.ranks += 1
      load[host]!.bytes = sumOverflow ? Int.max : sum
      load[host]!.largest = max(load[host]!.largest, bytes)
    }
    for host in order {
      let entry = load[host]!
      guard entry.memory > 0, entry.bytes > entry.memory else { continue }
      return Excess(
        testNumber: 0, testCount: 0, test: test, host: host, ranksOnHost: entry.ranks,
        largestRankBytes: entry.largest, hostBytes: entry.bytes, memoryBytes: entry.memory)
    }
    return nil
  }
}
