import Foundation
import SuiteCore

/// The mpiexec command line of `clusterbench run`: where the ranks go (an emulated cluster, a
/// hostfile's hosts, or this machine), how many per node, and the program.
public struct RunPlan: Sendable, Equatable {
  /// MPICH's launcher: `/usr/bin/mpiexec.mpich` (never Open MPI's), else `mpiexec`.
  public var launcher: String
  /// Everything after the launcher, program included.
  public var arguments: [String]
  /// Nodes used and ranks in all.
  public var nodes: Int
  public var processes: Int

  /// Plans a run of `command` on `target`.
  ///
  /// - Parameters:
  ///   - target: where to run; `hostfilePath` is its hostfile (`nil` for this machine).
  ///   - nodes: use the first `nodes` hosts (default: all); more than the target has is an error.
  ///   - ranksPerNode: ranks on each node; with `processes` too, `processes` must fit.
  ///   - processes: ranks in all; without `ranksPerNode` they are spread evenly (hydra fills
  ///     each node with ⌈processes / nodes⌉ in order).
  ///   - Without either, each node runs as many ranks as it has cores (`coresPerNode`, 1 when
  ///     unknown), and this machine alone as many as it has CPUs (`availableCPUs`).
  public init(
    target: LaunchTarget, hostfilePath: String?, nodes: Int? = nil, ranksPerNode: Int? = nil, processes: Int? = nil,
    command: [String], availableCPUs: Int = ProcessInfo.processInfo.activeProcessorCount
  ) throws(ClusterError) {
    launcher = Self.defaultLauncher
    guard !command.isEmpty else { throw ClusterError(flag: "PROGRAM", "no program to run; put it after '--'") }
    // Bounded first, so that ranks per node × nodes cannot overflow.
    let maximumRanks = LaunchLimits.maximumNodes * LaunchLimits.maximumRanksPerNode
    if let ranksPerNode, !(1...LaunchLimits.maximumRanksPerNode).contains(ranksPerNode) {
      throw ClusterError(
        flag: "--ranks-per-node", "\(ranksPerNode) is out of range (1 to \(LaunchLimits.maximumRanksPerNode))")
    }
    if let processes, !(1...maximumRanks).contains(processes) {
      throw ClusterError(flag: "-n", "\(processes) is out of range (1 to \(maximumRanks))")
    }
    if case .local = target.kind {
      if let nodes, nodes != 1 {
        throw ClusterError(flag: "--nodes", "this machine is one node; use --cluster or --hostfile for \(nodes)")
      }
      let count = processes ?? ranksPerNode ?? availableCPUs
      if let processes, let ranksPerNode, processes > ranksPerNode {
        throw ClusterError(flag: "-n", "\(processes) ranks do not fit in 1 node × \(ranksPerNode)")
      }
      (self.nodes, self.processes) = (1, count)
      arguments = target.environment.sorted { $0.key < $1.key }.flatMap { ["-genv", $0.key, $0.value] }
      arguments += ["-n", String(count)] + command
      return
    }
    let available = target.hosts.count
    let count = nodes ?? available
    guard (1...available).contains(count) else {
      throw ClusterError(flag: "--nodes", "\(count) is out of range: \(target.label) has \(available) nodes")
    }
    let perNode: Int
    let total: Int
    switch (ranksPerNode, processes) {
    case (let r?, let n?):
      guard n <= r * count else {
        throw ClusterError(flag: "-n", "\(n) ranks do not fit in \(count) nodes × \(r) ranks per node")
      }
      (perNode, total) = (r, n)
    case (let r?, nil): (perNode, total) = (r, r * count)
    case (nil, let n?): (perNode, total) = ((n + count - 1) / count, n)
    case (nil, nil):
      let r = target.coresPerNode ?? 1
      (perNode, total) = (r, r * count)
    }
    (self.nodes, self.processes) = (count, total)
    // The first `count` hosts: the whole hostfile, or -hosts for a prefix (no file to clean up).
    let all = count == available
    var list = target.mpiexecArguments(hosts: count, ranksPerHost: perNode, hostfilePath: all ? hostfilePath : nil)
    list[list.count - 1] = String(total)
    if !all || hostfilePath == nil {
      list.insert(contentsOf: ["-hosts", target.hosts.prefix(count).joined(separator: ",")], at: list.count - 4)
    }
    arguments = list + command
  }

  /// The launcher and its arguments.
  public var commandLine: [String] { [launcher] + arguments }

  /// `/usr/bin/mpiexec.mpich` when it exists, else `mpiexec` (looked up on `PATH`).
  public static var defaultLauncher: String {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/mpiexec.mpich") ? "/usr/bin/mpiexec.mpich" : "mpiexec"
  }
}
