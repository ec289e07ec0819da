import ClusterRun
import Foundation
import SuiteCore

/// What `clusterbench cluster up` is asked to build: how many nodes, their cores, memory, CPU
/// shares and links, the cluster's name and its private subnet. Every value is checked here,
/// before anything is created.
public struct ClusterSpec: Sendable, Equatable {
  public var naming: ClusterNaming
  public var nodeCount: Int
  /// Cores each node has; its CPU quota is `coresPerNode × cpuShares[i]` CPUs.
  public var coresPerNode: Int
  /// Each node's hard memory limit.
  public var memoryPerNodeBytes: UInt64
  /// The rate of each node's link, both directions; `nil` leaves links unshaped.
  public var bandwidth: LinkRate?
  /// A one-way delay for each link, in `tc` syntax (`2ms`); needs the kernel's netem qdisc.
  public var delay: String?
  /// The fraction of its cores each node may use, one per node, in (0, 1].
  public var cpuShares: [Double]
  public var subnet: IPv4Subnet

  /// The subnet used when none is given.
  public static let defaultSubnet = "10.213.0.0/24"
  /// The name used when none is given.
  public static let defaultName = "emu"

  /// The longest `--delay`: a minute per direction is already far beyond any real link.
  public static let maximumDelaySeconds = 60.0

  /// Checks and completes a request. `coresPerNode` defaults to this machine's CPUs divided by
  /// the nodes (at least 1), `memoryPerNodeBytes` to its memory divided by the nodes, and
  /// `cpuShares` to 1 for every node; one share applies to every node. A node's memory limit
  /// above `hostMemoryBytes` (this machine's RAM) is refused: the limit could never bind, and
  /// sizing N from it would make HPL swap or be killed.
  public init(
    name: String = ClusterSpec.defaultName, nodes: Int, coresPerNode: Int? = nil, memoryPerNodeBytes: UInt64? = nil,
    bandwidth: LinkRate? = nil, delay: String? = nil, cpuShares: [Double]? = nil,
    subnet: IPv4Subnet? = nil, hostMemoryBytes: UInt64 = ProcessInfo.processInfo.physicalMemory
  ) throws(ClusterError) {
    naming = try ClusterNaming(name)
    guard (1...ClusterNaming.maximumNodes).contains(nodes) else {
      throw ClusterError(
        flag: "--nodes", "\(nodes) is out of range: a cluster has 1 to \(ClusterNaming.maximumNodes) nodes")
    }
    nodeCount = nodes
    let cpus = ProcessInfo.processInfo.activeProcessorCount
    self.coresPerNode = coresPerNode ?? max(1, cpus / nodes)
    guard (1...1024).contains(self.coresPerNode) else {
      throw ClusterError(flag: "--cores-per-node", "\(self.coresPerNode) is out of range (1 to 1024)")
    }
    self.memoryPerNodeBytes = memoryPerNodeBytes ?? (hostMemoryBytes / UInt64(nodes)) / 1_048_576 * 1_048_576
    guard self.memoryPerNodeBytes >= 64 << 20 else {
      throw ClusterError(flag: "--memory-per-node", "\(self.memoryPerNodeBytes) bytes is too little (at least 64MiB)")
    }
    guard self.memoryPerNodeBytes <= hostMemoryBytes else {
      throw ClusterError(
        flag: "--memory-per-node",
        "\(ByteSize.describeExactly(Int(clamping: self.memoryPerNodeBytes))) is more than this "
          + "machine's RAM, \(ByteSize.describe(Double(hostMemoryBytes))); give each node at most that")
    }
    self.bandwidth = bandwidth
    if let delay {
      let number = delay.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
      let unit = delay.dropFirst(number.count)
      let scale: [Substring: Double] = ["us": 1e-6, "ms": 1e-3, "s": 1]
      guard let value = Double(number), let unitScale = scale[unit] else {
        throw ClusterError(flag: "--delay", "'\(delay)' is not a delay; write a number and us, ms or s, e.g. 2ms")
      }
      guard value * unitScale <= Self.maximumDelaySeconds else {
        throw ClusterError(flag: "--delay", "'\(delay)' is out of range (0 to 60s)")
      }
    }
    self.delay = delay
    let shares = cpuShares ?? [1]
    guard shares.count == 1 || shares.count == nodes else {
      throw ClusterError(
        flag: "--cpu-share", "\(shares.count) values for \(nodes) nodes; give one value for all or one per node")
    }
    guard shares.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
      throw ClusterError(
        flag: "--cpu-share", "every share must be above 0 and at most 1 (a fraction of the node's cores)")
    }
    self.cpuShares = shares.count == 1 ? Array(repeating: shares[0], count: nodes) : shares
    if let subnet { self.subnet = subnet } else { self.subnet = try IPv4Subnet(Self.defaultSubnet) }
    guard self.subnet.usableAddresses >= nodes + 1 else {
      throw ClusterError(
        flag: "--subnet",
        "\(self.subnet) has room for \(self.subnet.usableAddresses) addresses; \(nodes) nodes and the bridge need "
          + "\(nodes + 1)")
    }
  }

  /// Parses `--cpu-share`: one number, or a comma-separated list with one per node
  /// (`1,1,1,0.25`).
  public static func parseCPUShares(_ text: String) throws(ClusterError) -> [Double] {
    let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
      Double($0.trimmingCharacters(in: .whitespaces))
    }
    guard !values.isEmpty, !values.contains(nil) else {
      throw ClusterError(flag: "--cpu-share", "'\(text)' is not a list of numbers such as 1,1,1,0.25")
    }
    return values.map { $0! }
  }

  /// The bridge's address: the subnet's first.
  public var bridgeAddress: String { subnet.address(1) }

  /// Node `index`'s address (1-based): the subnet's `index + 1`-th.
  public func nodeAddress(_ index: Int) -> String { subnet.address(index + 1) }
}

extension ClusterSpec {
  /// The warning `cluster up` prints when the ranks the cluster will host by default (one per
  /// core of every node, as `clusterbench run` and job files place them) exceed this machine's
  /// CPUs, which all the nodes share; `nil` when they fit. Says what the user can do.
  public func oversubscriptionWarning(hostCPUs: Int = ProcessInfo.processInfo.activeProcessorCount) -> String? {
    let (ranks, overflow) = nodeCount.multipliedReportingOverflow(by: coresPerNode)
    guard overflow || ranks > hostCPUs,
      let warning = NodeGroups.oversubscriptionWarning([(host: "this machine", ranks: ranks, cores: hostCPUs)])
    else { return nil }
    return warning + " (\(nodeCount) nodes × \(coresPerNode) cores, one rank per core, share its \(hostCPUs) CPUs); "
      + "use fewer --nodes or --cores-per-node (\(hostCPUs) cores in all), or run fewer ranks on it "
      + "(clusterbench run -n \(hostCPUs), or ranks_per_node in a job file)"
  }
}
