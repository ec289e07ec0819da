import ClusterBench
import Foundation
import Testing

/// Sizes given to `cluster up` and `clusterbench run` are checked against this machine and
/// against overflow before anything is built or multiplied.
struct ClusterSizeTests {
  static let gibibyte: UInt64 = 1 << 30

  @Test func aNodeGetsAtMostThisMachinesRAM() throws {
    let error = #expect(throws: ClusterError.self) {
      try ClusterSpec(nodes: 2, memoryPerNodeBytes: 16 * Self.gibibyte, hostMemoryBytes: 8 * Self.gibibyte)
    }
    #expect(
      error?.description
        == "--memory-per-node: 16.00 GiB (17179869184 bytes) is more than this machine's RAM, 8.00 GiB; give each "
        + "node at most that")
    let spec = try ClusterSpec(nodes: 2, memoryPerNodeBytes: 8 * Self.gibibyte, hostMemoryBytes: 8 * Self.gibibyte)
    #expect(spec.memoryPerNodeBytes == 8 * Self.gibibyte)
    #expect(try ClusterSpec(nodes: 2, hostMemoryBytes: 8 * Self.gibibyte).memoryPerNodeBytes == 4 * Self.gibibyte)
  }

  @Test(arguments: [
    ("1000000000000s", "--delay: '1000000000000s' is out of range (0 to 60s)"),
    ("61s", "--delay: '61s' is out of range (0 to 60s)"),
    ("2 ms", "--delay: '2 ms' is not a delay; write a number and us, ms or s, e.g. 2ms"),
  ])
  func delaysAreBounded(delay: String, expected: String) {
    let error = #expect(throws: ClusterError.self) { try ClusterSpec(nodes: 2, delay: delay) }
    #expect(error?.description == expected)
  }

  @Test func otherSizesAreRangeChecked() {
    let nodes = #expect(throws: ClusterError.self) { try ClusterSpec(nodes: Int.max) }
    #expect(nodes?.description == "--nodes: \(Int.max) is out of range: a cluster has 1 to 64 nodes")
    let rate = #expect(throws: ClusterError.self) { try LinkRate("99999999999999999999tbit") }
    #expect(rate?.description == "--bandwidth: '99999999999999999999tbit' is out of range (8kbit to 400gbit)")
  }

  @Test func runRefusesRankCountsThatWouldOverflow() {
    let target = LaunchTarget(kind: .hostfile(path: "h"), hosts: ["a", "b"])
    let perNode = #expect(throws: ClusterError.self) {
      try RunPlan(target: target, hostfilePath: "h", ranksPerNode: Int.max, command: ["prog"])
    }
    #expect(perNode?.description == "--ranks-per-node: \(Int.max) is out of range (1 to 4096)")
    let total = #expect(throws: ClusterError.self) {
      try RunPlan(target: target, hostfilePath: "h", processes: Int.max, command: ["prog"])
    }
    #expect(total?.description == "-n: \(Int.max) is out of range (1 to 268435456)")
  }
}
