/// Where a job's ranks run, and what mpiexec needs to reach it: a real cluster through a hostfile,
/// an emulated cluster made by `clusterbench cluster up`, or this machine alone.
///
/// Every program launch goes through ``mpiexecArguments(hosts:ranksPerHost:hostfilePath:)``, an
/// argument list: nothing read from a file ever reaches a shell.
public struct LaunchTarget: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// A hostfile's hosts (MPICH syntax).
    case hostfile(path: String)
    /// The emulated cluster of that name.
    case emulated(name: String)
    /// This machine, as one node.
    case local
  }

  public var kind: Kind
  /// The nodes in order; a k-node launch uses the first k.
  public var hosts: [String]
  /// Launcher flags that come before the hostfile (`-launcher rsh -launcher-exec … -localhost …`
  /// for an emulated cluster, none otherwise).
  public var launcherArguments: [String]
  /// Environment the ranks need (`-genv` pairs), e.g. UCX settings on an emulated cluster.
  public var environment: [String: String]
  /// Cores per node when known (emulated clusters know theirs; real ones are surveyed).
  public var coresPerNode: Int?
  /// Memory per node in bytes when known.
  public var memoryPerNodeBytes: UInt64?

  public init(
    kind: Kind, hosts: [String], launcherArguments: [String] = [], environment: [String: String] = [:],
    coresPerNode: Int? = nil, memoryPerNodeBytes: UInt64? = nil
  ) {
    (self.kind, self.hosts, self.launcherArguments, self.environment) = (kind, hosts, launcherArguments, environment)
    (self.coresPerNode, self.memoryPerNodeBytes) = (coresPerNode, memoryPerNodeBytes)
  }

  /// A name for messages: the hostfile's path, `cluster NAME`, or `this machine`.
  public var label: String {
    switch kind {
    case .hostfile(let path): path
    case .emulated(let name): "emulated cluster \(name)"
    case .local: "this machine"
    }
  }

  /// The arguments after `mpiexec` that place `ranksPerHost` ranks on each of the first `hosts`
  /// nodes, given a hostfile listing those nodes at `hostfilePath` (`nil` for this machine alone):
  /// launcher flags, `-genv` pairs (sorted, so command lines are reproducible), `-f`, `-ppn`, `-n`.
  /// The program and its arguments follow.
  public func mpiexecArguments(hosts count: Int, ranksPerHost: Int, hostfilePath: String?) -> [String] {
    var arguments = launcherArguments
    for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-genv", key, value] }
    if let hostfilePath { arguments += ["-f", hostfilePath] }
    arguments += ["-ppn", String(ranksPerHost), "-n", String(count * ranksPerHost)]
    return arguments
  }
}
