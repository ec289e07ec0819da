import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Removes an emulated cluster (`clusterbench cluster down`, and `up`'s rollback): stops the
/// processes still running on its nodes, removes every recorded object in the reverse order of
/// making (a missing one is fine: `up` may have stopped before making it), then the cluster's
/// files, and reports whatever is still there.
struct ClusterTeardown {
  var folders: ClusterFolders

  /// Removes everything `state` records, then its folder. Returns what could not be removed
  /// (empty when nothing is left).
  func remove(_ state: ClusterState) -> [String] {
    let stopped = stopProcesses(state)
    if stopped > 0 { waitForExit(state) }
    var leftovers: [String] = []
    for resource in state.resources.reversed() {
      if let problem = remove(resource) { leftovers.append(problem) }
    }
    // The shared parent is nobody's in particular: removed once the last cluster is gone.
    for root in state.cgroupRoots { rmdir("\(root)/clusterbench") }
    do {
      if FileManager.default.fileExists(atPath: folders.folder(state.name)) {
        try FileManager.default.removeItem(atPath: folders.folder(state.name))
      }
    } catch {
      leftovers.append("\(folders.folder(state.name)) (\(ClusterError.reason(error)))")
    }
    return leftovers
  }

  /// Whether `resource` still exists.
  static func exists(_ resource: ClusterState.Resource) -> Bool {
    switch resource.kind {
    case .namespace: FileManager.default.fileExists(atPath: "\(LinuxNamespaces.namespaceFolder)/\(resource.name)")
    case .link: FileManager.default.fileExists(atPath: "/sys/class/net/\(resource.name)")
    case .cgroup: FileManager.default.fileExists(atPath: resource.name)
    }
  }

  private func remove(_ resource: ClusterState.Resource) -> String? {
    guard Self.exists(resource) else { return nil }
    switch resource.kind {
    case .namespace, .link:
      let arguments =
        resource.kind == .namespace ? ["netns", "delete", resource.name] : ["link", "delete", resource.name]
      // A veth end disappears with its namespace, so it may be gone by the time it is reached.
      if let output = try? SystemCommand.run("ip", arguments), !output.succeeded, Self.exists(resource) {
        return "\(resource) (\(output.failureDescription))"
      }
    case .cgroup:
      // A cgroup whose last process just exited can be busy for a moment.
      for _ in 0..<50 {
        if rmdir(resource.name) == 0 || errno == ENOENT { return nil }
        usleep(20_000)
      }
      return "\(resource) (\(String(cString: strerror(errno))))"
    }
    return nil
  }

  /// Sends SIGKILL to every process in a node's namespace or cgroups; returns how many.
  private func stopProcesses(_ state: ClusterState) -> Int {
    let pids = processes(state)
    for pid in pids { kill(pid, SIGKILL) }
    return pids.count
  }

  private func waitForExit(_ state: ClusterState) {
    for _ in 0..<100 where !processes(state).isEmpty { usleep(20_000) }
  }

  /// The processes running on the cluster's nodes (see ``processes(on:of:)``).
  func processes(_ state: ClusterState) -> [Int32] {
    var pids = Set<Int32>()
    for node in state.nodes { pids.formUnion(Self.processes(on: node.name, of: state)) }
    pids.remove(getpid())
    return pids.sorted()
  }

  /// The processes running on node `node`: in its network namespace (`ip netns pids`) or its
  /// cgroups.
  static func processes(on node: String, of state: ClusterState) -> Set<Int32> {
    var pids = Set(state.cgroups.processes("\(ClusterNaming.cgroupFolder(state.name))/\(node)"))
    if FileManager.default.fileExists(atPath: "\(LinuxNamespaces.namespaceFolder)/\(node)"),
      let output = try? SystemCommand.run("ip", ["netns", "pids", node])
    {
      pids.formUnion(output.standardOutput.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) })
    }
    return pids
  }
}
