import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Starts a command on a node of an emulated cluster (`clusterbench cluster exec NAME HOST
/// COMMAND...`, which the launcher wrapper runs for hydra) by turning this process into it:
///
/// 1. joins the node's cgroups (its CPU quota and memory limit then bind the command and every
///    process it starts);
/// 2. enters the node's network namespace, then takes a mount and a UTS namespace of its own;
/// 3. remounts `/sys` (so `/sys/class/net` shows the node's interfaces, as `ip netns exec` does),
///    binds the node's boot id over `/proc/sys/kernel/random/boot_id` and the cluster's hosts
///    file over `/etc/hosts`, and sets the host name to the node's;
/// 4. `exec`s the command (looked up on `PATH`).
///
/// The boot id matters: UCX takes processes with the same boot id for processes on the same
/// machine and connects them through shared memory, which would bypass the links and their
/// shaping. With one boot id per node, ranks on one node still share memory and ranks on
/// different nodes talk TCP through their veths, as on a real cluster.
public enum NodeExec {
  /// Replaces this process with `command` running on node `node` of cluster `cluster`; returns
  /// only by throwing.
  public static func exec(
    cluster: String, node: String, command: [String], folders: ClusterFolders = ClusterFolders()
  ) throws(ClusterError) -> Never {
    guard geteuid() == 0 else { throw ClusterError.needsRoot("running a command on an emulated node") }
    guard ClusterNaming.isValidName(cluster) else {
      throw ClusterError(flag: "NAME", "'\(cluster)' is not a cluster name")
    }
    let state = try folders.load(cluster)
    guard let entry = state.nodes.first(where: { $0.name == node }) else {
      throw ClusterError(
        flag: "HOST",
        "'\(node)' is not a node of cluster \(cluster) (its nodes: \(state.nodes.map(\.name).joined(separator: " ")))")
    }
    var words = LauncherWrapper.unquoted(command)
    if words.first == "--" { words.removeFirst() }
    guard let program = words.first, !program.isEmpty else {
      throw ClusterError(flag: "COMMAND", "no command to run on \(node)")
    }

    try state.cgroups.join("\(ClusterNaming.cgroupFolder(cluster))/\(node)", pid: getpid())
    try LinuxNamespaces.enterNetworkNamespace(node)
    try LinuxNamespaces.unshare(LinuxNamespaces.newMount | LinuxNamespaces.newUTS, what: "mount and UTS")
    // Slave propagation: this machine's later mounts still reach the node, the node's never leak out.
    try mountOrThrow(nil, "/", nil, UInt(MS_REC | MS_SLAVE), "make / a slave mount")
    if umount2("/sys", Int32(MNT_DETACH)) == 0 {
      try mountOrThrow(node, "/sys", "sysfs", 0, "mount the node's /sys")
    }
    try mountOrThrow(
      folders.bootIDFile(cluster, node: entry.name), "/proc/sys/kernel/random/boot_id", nil, UInt(MS_BIND),
      "bind the node's boot id")
    try mountOrThrow(folders.hostsFile(cluster), "/etc/hosts", nil, UInt(MS_BIND), "bind the cluster's /etc/hosts")
    guard sethostname(node, node.utf8.count) == 0 else {
      throw ClusterError("cannot set the host name to \(node): \(String(cString: strerror(errno)))")
    }

    let arguments = words.map { strdup($0) } + [nil]
    execvp(program, arguments)
    let reason = String(cString: strerror(errno))
    throw ClusterError(flag: "COMMAND", "cannot run '\(program)' on \(node): \(reason)")
  }

  private static func mountOrThrow(
    _ source: String?, _ target: String, _ type: String?, _ flags: UInt, _ what: String
  ) throws(ClusterError) {
    guard mount(source, target, type, flags, nil) == 0 else {
      throw ClusterError("cannot \(what) (\(target)): \(String(cString: strerror(errno)))")
    }
  }
}
