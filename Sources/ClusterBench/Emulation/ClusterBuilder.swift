import CSVFiles
import Files
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Builds an emulated cluster (`clusterbench cluster up`): checks that its name, interfaces,
/// namespaces, cgroups and subnet are free, then makes the bridge, one namespace, veth pair,
/// token-bucket pair and cgroup per node, and the files mpiexec needs.
///
/// Each object is recorded in `state.json` before it is made, so whatever happens (an error, a
/// crash, a kill) `cluster down` knows everything that may exist; on an error `up` itself removes
/// all of it and the folder before it reports the error.
final class ClusterBuilder {
  var spec: ClusterSpec
  var folders: ClusterFolders
  /// The `clusterbench` executable the launcher wrapper runs.
  var executable: String
  /// For tests: fail on purpose after this many steps, to prove the rollback.
  var failAfterSteps: Int?

  private var steps = 0

  init(spec: ClusterSpec, folders: ClusterFolders, executable: String, failAfterSteps: Int? = nil) {
    (self.spec, self.folders, self.executable, self.failAfterSteps) = (spec, folders, executable, failAfterSteps)
  }

  /// Builds the cluster and returns its state; on failure removes everything made and throws.
  func build() throws(ClusterError) -> ClusterState {
    guard geteuid() == 0 else { throw ClusterError.needsRoot("building an emulated cluster") }
    for tool in ["ip", "tc"] where SystemCommand.path(of: tool) == nil {
      throw ClusterError("'\(tool)' is not installed; install iproute2 (apt-get install iproute2)")
    }
    guard let cgroups = CgroupLayout.detect() else {
      throw ClusterError(
        "no cgroup controllers for CPU and memory under /sys/fs/cgroup (neither v1 cpu+memory hierarchies nor v2 "
          + "with cpu and memory); node limits need them")
    }
    let lock = try folders.lock()
    defer { withExtendedLifetime(lock) {} }
    try checkFree(cgroups: cgroups)
    var state = initialState(cgroups: cgroups)
    do {
      try FileManager.default.createDirectory(
        atPath: folders.folder(spec.naming.name) + "/boot-id", withIntermediateDirectories: true)
    } catch {
      throw ClusterError("cannot create \(folders.folder(spec.naming.name)): \(ClusterError.reason(error))")
    }
    do throws(ClusterError) {
      try folders.save(state)
      try make(&state, cgroups: cgroups)
      state.complete = true
      try folders.save(state)
      return state
    } catch {
      let leftovers = ClusterTeardown(folders: folders).remove(state)
      var message = error.message + "; everything made so far was removed"
      if !leftovers.isEmpty { message = error.message + "; could not remove: " + leftovers.joined(separator: ", ") }
      throw ClusterError(flag: error.flag, message)
    }
  }

  // MARK: - Checks

  /// Refuses a name, namespace, interface, cgroup or subnet that is already taken.
  private func checkFree(cgroups: CgroupLayout) throws(ClusterError) {
    let naming = spec.naming
    let name = naming.name
    if FileManager.default.fileExists(atPath: folders.folder(name)) {
      throw ClusterError(
        flag: "--name",
        "an emulated cluster named '\(name)' already exists (`clusterbench cluster status \(name)`); "
          + "choose another --name or remove it with `clusterbench cluster down \(name)`")
    }
    let interfaces = [naming.bridge] + (1...spec.nodeCount).map(naming.hostVeth)
    for interface in interfaces where FileManager.default.fileExists(atPath: "/sys/class/net/\(interface)") {
      throw ClusterError(flag: "--name", "interface \(interface) already exists; choose another --name")
    }
    for node in (1...spec.nodeCount).map(naming.node)
    where FileManager.default.fileExists(atPath: "\(LinuxNamespaces.namespaceFolder)/\(node)") {
      throw ClusterError(flag: "--name", "network namespace \(node) already exists; choose another --name")
    }
    for folder in cgroups.folders(naming.cgroupFolder) where FileManager.default.fileExists(atPath: folder) {
      throw ClusterError(flag: "--name", "cgroup \(folder) already exists; choose another --name")
    }
    let taken = try takenSubnets()
    if let clash = taken.first(where: { $0.subnet.overlaps(spec.subnet) }) {
      let free = Self.freeSubnet(like: spec.subnet, avoiding: taken.map(\.subnet))
      throw ClusterError(
        flag: "--subnet",
        "\(spec.subnet) overlaps \(clash.subnet), in use by \(clash.user)"
          + (free.map { "; choose another, e.g. --subnet \($0)" } ?? ""))
    }
  }

  /// The subnets in use: other emulated clusters' and every address and route of this machine's
  /// namespace (the default route excepted).
  private func takenSubnets() throws(ClusterError) -> [(subnet: IPv4Subnet, user: String)] {
    var taken: [(IPv4Subnet, String)] = []
    for other in folders.names() {
      if let state = try? folders.load(other), let subnet = IPv4Subnet.containing(state.subnet) {
        taken.append((subnet, "emulated cluster \(other)"))
      }
    }
    let addresses = try SystemCommand.check("ip", ["-4", "-o", "address", "show"]).standardOutput
    for line in addresses.split(separator: "\n") {
      let words = line.split(separator: " ")
      if let at = words.firstIndex(of: "inet"), at + 1 < words.count,
        let subnet = IPv4Subnet.containing(String(words[at + 1]))
      {
        taken.append((subnet, "interface \(words.count > 1 ? String(words[1]) : "?") of this machine"))
      }
    }
    let routes = try SystemCommand.check("ip", ["-4", "route", "show"]).standardOutput
    for line in routes.split(separator: "\n") {
      guard let first = line.split(separator: " ").first, first != "default" else { continue }
      let text = first.contains("/") ? String(first) : "\(first)/32"
      if let subnet = IPv4Subnet.containing(text) { taken.append((subnet, "a route of this machine (\(line))")) }
    }
    return taken
  }

  /// The first subnet of the same size after `wanted` that overlaps none of `taken`.
  static func freeSubnet(like wanted: IPv4Subnet, avoiding taken: [IPv4Subnet]) -> IPv4Subnet? {
    let size = UInt32(1) << UInt32(32 - wanted.prefixLength)
    var network = wanted.network
    for _ in 0..<256 {
      network = network &+ size
      let candidate = IPv4Subnet(network: network, prefixLength: wanted.prefixLength)
      if candidate.isPrivate, !taken.contains(where: { $0.overlaps(candidate) }) { return candidate }
    }
    return nil
  }

  // MARK: - Making

  private func initialState(cgroups: CgroupLayout) -> ClusterState {
    let naming = spec.naming
    let nodes = (1...spec.nodeCount).map { index in
      ClusterState.Node(
        name: naming.node(index), address: spec.nodeAddress(index), hostVeth: naming.hostVeth(index),
        cpuShare: spec.cpuShares[index - 1],
        cpuQuotaMicroseconds: CgroupLayout.quotaMicroseconds(
          cores: spec.coresPerNode, share: spec.cpuShares[index - 1]),
        memoryLimitBytes: spec.memoryPerNodeBytes, bootID: UUID().uuidString.lowercased())
    }
    return ClusterState(
      name: naming.name, created: ISO8601DateFormatter().string(from: Date()), complete: false,
      subnet: spec.subnet.description, bridge: naming.bridge, bridgeAddress: spec.bridgeAddress,
      coresPerNode: spec.coresPerNode, memoryPerNodeBytes: spec.memoryPerNodeBytes,
      bandwidthBitsPerSecond: spec.bandwidth?.bitsPerSecond, delay: spec.delay, cgroupVersion: cgroups.version,
      cgroupRoots: cgroups.roots, executable: executable, nodes: nodes, resources: [])
  }

  /// Records `resource` in the state file, then lets `create` make it.
  private func make(
    _ resource: ClusterState.Resource, in state: inout ClusterState, _ create: () throws(ClusterError) -> Void
  ) throws(ClusterError) {
    state.resources.append(resource)
    try folders.save(state)
    try step()
    try create()
  }

  /// One step done; throws the injected failure when a test asked for it here.
  private func step() throws(ClusterError) {
    steps += 1
    if let failAfterSteps, steps > failAfterSteps {
      throw ClusterError("injected failure after \(failAfterSteps) steps (a test of the rollback)")
    }
  }

  private func make(_ state: inout ClusterState, cgroups: CgroupLayout) throws(ClusterError) {
    let naming = spec.naming
    let prefix = spec.subnet.prefixLength
    try make(.init(.link, naming.bridge), in: &state) { () throws(ClusterError) in
      try SystemCommand.check("ip", ["link", "add", naming.bridge, "type", "bridge"])
    }
    try SystemCommand.check("ip", ["address", "add", "\(spec.bridgeAddress)/\(prefix)", "dev", naming.bridge])
    try SystemCommand.check("ip", ["link", "set", naming.bridge, "up"])

    try makeCgroupParents(&state, cgroups: cgroups)
    for (offset, node) in state.nodes.enumerated() {
      try makeNode(node, index: offset + 1, in: &state, cgroups: cgroups, prefix: prefix)
    }
    try writeFiles(state)
  }

  private func makeCgroupParents(_ state: inout ClusterState, cgroups: CgroupLayout) throws(ClusterError) {
    // The shared `clusterbench` folder is not recorded: other clusters may use it. `down`
    // removes it when it is empty.
    for folder in cgroups.folders("clusterbench") { try makeFolder(folder) }
    for folder in cgroups.folders(spec.naming.cgroupFolder) {
      try make(.init(.cgroup, folder), in: &state) { () throws(ClusterError) in try makeFolder(folder) }
    }
    try cgroups.prepareParents(["clusterbench", spec.naming.cgroupFolder])
  }

  private func makeNode(
    _ node: ClusterState.Node, index: Int, in state: inout ClusterState, cgroups: CgroupLayout, prefix: Int
  ) throws(ClusterError) {
    let eth = ClusterNaming.nodeInterface
    try make(.init(.namespace, node.name), in: &state) { () throws(ClusterError) in
      try SystemCommand.check("ip", ["netns", "add", node.name])
    }
    try make(.init(.link, node.hostVeth), in: &state) { () throws(ClusterError) in
      try SystemCommand.check(
        "ip", ["link", "add", node.hostVeth, "type", "veth", "peer", "name", eth, "netns", node.name])
    }
    try SystemCommand.check("ip", ["link", "set", node.hostVeth, "master", spec.naming.bridge, "up"])
    try SystemCommand.check("ip", ["-n", node.name, "address", "add", "\(node.address)/\(prefix)", "dev", eth])
    try SystemCommand.check("ip", ["-n", node.name, "link", "set", eth, "up"])
    try SystemCommand.check("ip", ["-n", node.name, "link", "set", "lo", "up"])
    try step()
    try shape(node)

    let relative = "\(spec.naming.cgroupFolder)/\(node.name)"
    for folder in cgroups.folders(relative) {
      try make(.init(.cgroup, folder), in: &state) { () throws(ClusterError) in try makeFolder(folder) }
    }
    try cgroups.limit(relative, quotaMicroseconds: node.cpuQuotaMicroseconds, memoryBytes: node.memoryLimitBytes)
  }

  /// Shapes both directions of the node's link: its `eth0` (what it sends) and this machine's
  /// veth end (what it receives), so each node has a full-duplex link of the given rate.
  private func shape(_ node: ClusterState.Node) throws(ClusterError) {
    let ends: [(namespace: [String], device: String)] = [
      ([], node.hostVeth), (["-n", node.name], ClusterNaming.nodeInterface),
    ]
    for end in ends {
      let target = end.namespace + ["qdisc", "add", "dev", end.device]
      if let delay = spec.delay {
        let netem = try SystemCommand.run("tc", target + ["root", "handle", "1:", "netem", "delay", delay])
        guard netem.succeeded else {
          let unknown = netem.standardError.contains("unknown") || netem.standardError.contains("No such file")
          throw ClusterError(
            flag: "--delay",
            unknown
              ? "unsupported on this machine: the kernel has no netem qdisc (tc: "
                + "\(netem.standardError.trimmingCharacters(in: .whitespacesAndNewlines))); leave --delay out"
              : netem.failureDescription)
        }
        if let rate = spec.bandwidth {
          try SystemCommand.check("tc", target + ["parent", "1:1", "handle", "10:"] + rate.tbfArguments)
        }
      } else if let rate = spec.bandwidth {
        try SystemCommand.check("tc", target + ["root", "handle", "1:"] + rate.tbfArguments)
      }
    }
  }

  private func writeFiles(_ state: ClusterState) throws(ClusterError) {
    let name = state.name
    let hostfile = state.nodes.map { $0.name + "\n" }.joined()
    var hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
    hosts += "\(state.bridgeAddress)\t\(name)-bridge\n"
    hosts += state.nodes.map { "\($0.address)\t\($0.name)\n" }.joined()
    try writeFile(hostfile, to: folders.hostfile(name))
    try writeFile(hosts, to: folders.hostsFile(name))
    for node in state.nodes {
      try writeFile(node.bootID + "\n", to: folders.bootIDFile(name, node: node.name))
    }
    try writeFile(
      LauncherWrapper.script(cluster: name, executable: executable), to: folders.launcher(name), mode: 0o755)
  }

  private func writeFile(_ text: String, to path: String, mode: Int = 0o644) throws(ClusterError) {
    do { try AtomicFile.write(text, to: path) } catch { throw ClusterError(error.description) }
    do { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path) } catch {
      throw ClusterError("cannot write \(path): \(ClusterError.reason(error))")
    }
  }

  private func makeFolder(_ path: String) throws(ClusterError) {
    guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
      throw ClusterError("cannot create cgroup \(path): \(String(cString: strerror(errno)))")
    }
  }
}
