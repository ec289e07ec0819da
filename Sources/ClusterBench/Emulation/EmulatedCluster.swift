import Foundation
import SuiteCore

#if canImport(Glibc)
  import Glibc
#endif

/// Emulated clusters: N nodes on this machine, each a network namespace with its own host name,
/// address, boot id, CPU quota and memory limit, joined by a bridge through rate-limited veth
/// pairs, and reached by mpiexec through a launcher wrapper. See `clusterbench cluster --help`.
///
/// Everything here is what the `cluster` commands do; the sweep and `clusterbench run` reach a
/// cluster through ``launchTarget(name:folders:)``.
public enum EmulatedCluster {
  /// Builds the cluster `spec` describes (needs root). The launcher wrapper runs `executable`
  /// (`clusterbench`; by default the running program). On failure everything made is removed.
  @discardableResult
  public static func up(
    _ spec: ClusterSpec, executable: String? = nil, folders: ClusterFolders = ClusterFolders()
  ) throws(ClusterError) -> ClusterState {
    try up(spec, executable: executable, folders: folders, failAfterSteps: nil)
  }

  /// ``up(_:executable:folders:)`` that fails on purpose after `failAfterSteps` steps (tests).
  static func up(
    _ spec: ClusterSpec, executable: String?, folders: ClusterFolders, failAfterSteps: Int?
  ) throws(ClusterError) -> ClusterState {
    let program = executable ?? ExecutablePath.current
    let builder = ClusterBuilder(spec: spec, folders: folders, executable: program, failAfterSteps: failAfterSteps)
    return try builder.build()
  }

  /// Removes the cluster `name` and everything made for it (needs root): stops processes still
  /// running on its nodes, deletes its namespaces, interfaces, qdiscs and cgroups, and its
  /// folder. Works on a cluster whose `up` failed or was killed midway.
  /// - Returns: how many processes had to be stopped.
  @discardableResult
  public static func down(name: String, folders: ClusterFolders = ClusterFolders()) throws(ClusterError) -> Int {
    guard geteuid() == 0 else { throw ClusterError.needsRoot("removing an emulated cluster") }
    guard ClusterNaming.isValidName(name) else { throw ClusterError(flag: "NAME", "'\(name)' is not a cluster name") }
    let lock = try folders.lock()
    defer { withExtendedLifetime(lock) {} }
    guard FileManager.default.fileExists(atPath: folders.folder(name)) else {
      throw ClusterError(flag: "NAME", "no emulated cluster named '\(name)' (`clusterbench cluster status` lists them)")
    }
    let teardown = ClusterTeardown(folders: folders)
    guard FileManager.default.fileExists(atPath: folders.stateFile(name)) else {
      // `up` was stopped before it recorded anything: nothing but the folder exists.
      try? FileManager.default.removeItem(atPath: folders.folder(name))
      return 0
    }
    let state = try folders.load(name)
    let stopped = teardown.processes(state).count
    let leftovers = teardown.remove(state)
    guard leftovers.isEmpty else {
      throw ClusterError("could not remove everything of cluster \(name): " + leftovers.joined(separator: "; "))
    }
    return stopped
  }

  /// The names of the emulated clusters on this machine.
  public static func names(folders: ClusterFolders = ClusterFolders()) -> [String] { folders.names() }

  /// The cluster's recorded state (`state.json`).
  public static func state(name: String, folders: ClusterFolders = ClusterFolders()) throws(ClusterError)
    -> ClusterState
  {
    guard ClusterNaming.isValidName(name) else { throw ClusterError(flag: "NAME", "'\(name)' is not a cluster name") }
    return try folders.load(name)
  }

  /// Inspects the cluster: what exists, its nodes' traffic and processes.
  public static func status(name: String, folders: ClusterFolders = ClusterFolders()) throws(ClusterError)
    -> ClusterStatus
  {
    ClusterStatus(state: try state(name: name, folders: folders), folders: folders)
  }

  /// Each node's link counters, read inside its namespace (needs root).
  public static func traffic(name: String, folders: ClusterFolders = ClusterFolders()) throws(ClusterError)
    -> [NodeTraffic]
  {
    let state = try state(name: name, folders: folders)
    var result: [NodeTraffic] = []
    for node in state.nodes { result.append(try NodeTraffic.read(node: node.name)) }
    return result
  }

  /// The hostfile listing the cluster's nodes, one per line, in order. A file listing the first
  /// k of them works just as well: the wrapper accepts any node of the cluster.
  public static func hostfilePath(name: String, folders: ClusterFolders = ClusterFolders()) -> String {
    folders.hostfile(name)
  }

  /// How mpiexec reaches the cluster: the nodes in order, hydra's rsh launcher with the
  /// cluster's wrapper and `-localhost` set to the bridge's address (the proxies in the
  /// namespaces connect back to mpiexec there), `UCX_NET_DEVICES=eth0` (the node's link), and
  /// the nodes' cores and memory. Use it with ``hostfilePath(name:folders:)`` or a hostfile
  /// listing the first k nodes.
  public static func launchTarget(name: String, folders: ClusterFolders = ClusterFolders()) throws(ClusterError)
    -> LaunchTarget
  {
    let state = try state(name: name, folders: folders)
    guard state.complete else {
      throw ClusterError(
        "cluster \(name) is incomplete (its `up` did not finish); remove it with `clusterbench cluster down \(name)`")
    }
    let launcher = folders.launcher(name)
    guard FileManager.default.isExecutableFile(atPath: launcher) else {
      throw ClusterError(
        "cluster \(name) has no launcher wrapper at \(launcher); `clusterbench cluster status \(name)`")
    }
    return LaunchTarget(
      kind: .emulated(name: name), hosts: state.nodes.map(\.name),
      launcherArguments: ["-launcher", "rsh", "-launcher-exec", launcher, "-localhost", state.bridgeAddress],
      environment: ["UCX_NET_DEVICES": ClusterNaming.nodeInterface], coresPerNode: state.coresPerNode,
      memoryPerNodeBytes: state.memoryPerNodeBytes)
  }
}
