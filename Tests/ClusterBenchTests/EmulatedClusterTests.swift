import Foundation
import SuiteCore
import TestSupport
import Testing

@testable import ClusterBench

#if canImport(Glibc)
  import Glibc
#endif

/// What the emulated-cluster tests need: root and working `ip netns`. Elsewhere they are
/// skipped (reported as skipped, never as passed).
enum EmulationHost {
  static let isRoot = geteuid() == 0

  static let hasNetworkNamespaces: Bool = {
    guard isRoot, let output = try? SystemCommand.run("ip", ["netns", "list"]) else { return false }
    return output.succeeded
  }()

  static let available = isRoot && hasNetworkNamespaces
}

/// The emulated cluster end to end: up, status, down leaving nothing behind, refusals, rollback,
/// an MPI program across three nodes whose bytes cross the veths, and real rate limits.
///
/// Each test uses its own cluster name and subnet and tears down in a `defer`.
@Suite(
  .serialized, .timeLimit(.minutes(2)),
  .enabled(if: EmulationHost.available, "needs root and `ip netns` (network namespaces) to build emulated clusters"))
struct EmulatedClusterTests {
  /// A second octet for this test process, so leftovers of an earlier crashed run never clash.
  static let octet = Int.random(in: 200...249)

  static func subnet(_ third: Int, prefix: Int = 24) throws -> IPv4Subnet {
    try IPv4Subnet("10.\(octet).\(third).0/\(prefix)")
  }

  /// A fresh cluster name: `t` and six random characters.
  static func uniqueName() -> String {
    "t" + String((0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
  }

  static func clusterbench() throws -> String { try MPIRunner.path(ofExecutable: "clusterbench") }

  /// Everything on this machine that carries the cluster's name: namespaces, interfaces,
  /// cgroup folders, its state folder. Empty once it is down.
  static func traces(of name: String) throws -> [String] {
    var found: [String] = []
    let namespaces = try SystemCommand.check("ip", ["netns", "list"]).standardOutput
    found += namespaces.split(separator: "\n").map { String($0.split(separator: " ")[0]) }.filter {
      $0.hasPrefix(name + "-")
    }
    let links = try SystemCommand.check("ip", ["-o", "link", "show"]).standardOutput
    found += links.split(separator: "\n").compactMap { line in
      let interface = line.split(separator: ":").dropFirst().first?.trimmingCharacters(in: .whitespaces) ?? ""
      return interface.hasPrefix("cb\(name)-") ? interface : nil
    }
    for root in CgroupLayout.detect()?.roots ?? []
    where FileManager.default.fileExists(atPath: "\(root)/clusterbench/\(name)") {
      found.append("\(root)/clusterbench/\(name)")
    }
    if FileManager.default.fileExists(atPath: ClusterFolders().folder(name)) {
      found.append(ClusterFolders().folder(name))
    }
    return found
  }

  static func spec(
    _ name: String, nodes: Int, subnet: IPv4Subnet, bandwidth: String? = "100mbit", shares: [Double]? = nil
  ) throws -> ClusterSpec {
    try ClusterSpec(
      name: name, nodes: nodes, coresPerNode: 1, memoryPerNodeBytes: 512 << 20,
      bandwidth: try bandwidth.map { try LinkRate($0) }, cpuShares: shares, subnet: subnet)
  }

  static func down(_ name: String) {
    _ = try? EmulatedCluster.down(name: name)
  }

  @Test func upStatusDownLeavesNothingBehind() throws {
    let name = Self.uniqueName()
    defer { Self.down(name) }
    let state = try EmulatedCluster.up(
      Self.spec(name, nodes: 3, subnet: try Self.subnet(1), shares: [1, 1, 0.25]), executable: try Self.clusterbench())
    #expect(state.complete)
    #expect(state.nodes.map(\.name) == ["\(name)-1", "\(name)-2", "\(name)-3"])
    #expect(state.nodes.map(\.address) == ["10.\(Self.octet).1.2", "10.\(Self.octet).1.3", "10.\(Self.octet).1.4"])
    #expect(state.bridgeAddress == "10.\(Self.octet).1.1")

    let status = try EmulatedCluster.status(name: name)
    #expect(status.isIntact, "\(status.missing)")
    let text = status.render(folders: ClusterFolders())
    #expect(text.contains("intact") && text.contains("\(name)-3") && text.contains("0.25 cores"), "\(text)")
    #expect(status.nodes.allSatisfy { $0.traffic != nil })

    // The limits are the kernel's, not just the state file's.
    let layout = try #require(CgroupLayout.detect())
    if layout.version == .v1 {
      let quota = try String(
        contentsOfFile: "\(layout.roots[0])/clusterbench/\(name)/\(name)-3/cpu.cfs_quota_us", encoding: .utf8)
      #expect(quota.trimmingCharacters(in: .whitespacesAndNewlines) == "25000")
      let memory = try String(
        contentsOfFile: "\(layout.roots[1])/clusterbench/\(name)/\(name)-1/memory.limit_in_bytes", encoding: .utf8)
      #expect(memory.trimmingCharacters(in: .whitespacesAndNewlines) == String(512 << 20))
    }
    let qdisc = try SystemCommand.check("tc", ["-n", "\(name)-2", "qdisc", "show", "dev", "eth0"]).standardOutput
    #expect(qdisc.contains("tbf") && qdisc.contains("100Mbit"), "\(qdisc)")
    let hostfile = try String(contentsOfFile: EmulatedCluster.hostfilePath(name: name), encoding: .utf8)
    #expect(hostfile == "\(name)-1\n\(name)-2\n\(name)-3\n")

    let target = try EmulatedCluster.launchTarget(name: name)
    #expect(target.kind == .emulated(name: name))
    #expect(target.hosts == state.nodes.map(\.name))
    #expect(
      target.launcherArguments == [
        "-launcher", "rsh", "-launcher-exec", ClusterFolders().launcher(name), "-localhost", state.bridgeAddress,
      ])
    #expect(target.coresPerNode == 1 && target.memoryPerNodeBytes == 512 << 20)
    #expect(FileManager.default.isExecutableFile(atPath: ClusterFolders().launcher(name)))
    #expect(try Self.traces(of: name).count == 3 + 4 + 2 + 1)  // namespaces, interfaces, cgroups, folder

    try EmulatedCluster.down(name: name)
    #expect(try Self.traces(of: name) == [])
    #expect(!EmulatedCluster.names().contains(name))
  }

  @Test func refusesANameOrSubnetInUse() throws {
    let name = Self.uniqueName()
    let other = Self.uniqueName()
    defer {
      Self.down(name)
      Self.down(other)
    }
    let clusterbench = try Self.clusterbench()
    try EmulatedCluster.up(Self.spec(name, nodes: 1, subnet: try Self.subnet(2)), executable: clusterbench)

    #expect {
      try EmulatedCluster.up(Self.spec(name, nodes: 2, subnet: try Self.subnet(3)), executable: clusterbench)
    } throws: { error in
      let error = error as? ClusterError
      return error?.flag == "--name" && error?.message.contains("already exists") == true
    }
    for overlapping in [try Self.subnet(2), try IPv4Subnet("10.\(Self.octet).0.0/16")] {
      #expect {
        try EmulatedCluster.up(Self.spec(other, nodes: 1, subnet: overlapping), executable: clusterbench)
      } throws: { error in
        let error = error as? ClusterError
        return error?.flag == "--subnet" && error?.message.contains("in use by emulated cluster \(name)") == true
      }
      #expect(try Self.traces(of: other) == [])
    }
    // This machine's own networks are taken too (its default route aside).
    let routes = try SystemCommand.check("ip", ["-4", "route", "show"]).standardOutput
    if let line = routes.split(separator: "\n").first(where: { !$0.hasPrefix("default") }),
      let network = IPv4Subnet.containing(String(line.split(separator: " ")[0])), network.isPrivate,
      network.prefixLength <= 30
    {
      #expect(throws: ClusterError.self) {
        try EmulatedCluster.up(Self.spec(other, nodes: 1, subnet: network), executable: clusterbench)
      }
    }
    #expect(try EmulatedCluster.status(name: name).isIntact)
  }

  @Test func rollsBackAFailureMidway() throws {
    let clusterbench = try Self.clusterbench()
    // Steps: bridge, 2 cluster cgroups (v1), then per node namespace, veth, links up, 2 cgroups.
    for failAfter in [0, 1, 4, 7, 10, 12] {
      let name = Self.uniqueName()
      defer { Self.down(name) }
      #expect {
        try EmulatedCluster.up(
          Self.spec(name, nodes: 2, subnet: try Self.subnet(4)), executable: clusterbench, folders: ClusterFolders(),
          failAfterSteps: failAfter)
      } throws: { error in
        (error as? ClusterError)?.message.contains("injected failure") == true
          && (error as? ClusterError)?.message.contains("everything made so far was removed") == true
      }
      #expect(try Self.traces(of: name) == [], "after failing at step \(failAfter + 1)")
    }
  }

  /// An `up` killed midway (SIGTERM, no chance to roll back) leaves a record from which
  /// `down` removes everything it had made.
  @Test func downRemovesWhatAKilledUpLeft() async throws {
    let name = Self.uniqueName()
    defer { Self.down(name) }
    let killer = MPIRunner(deadline: .milliseconds(120))
    let result = try await killer.runAlone(
      try Self.clusterbench(),
      arguments: ["cluster", "up", "--nodes", "30", "--name", name, "--subnet", try Self.subnet(8).description])
    if result.timedOut {
      #expect(try !EmulatedCluster.status(name: name).isIntact)
    }
    #expect(try !Self.traces(of: name).isEmpty)
    try EmulatedCluster.down(name: name)
    #expect(try Self.traces(of: name) == [])
  }

  /// `clusterbench run --cluster` with mpi-selftest on 3 nodes: exit 0, every rank on its own
  /// node (host name), and the bytes went through every node's link. Then the first 2 nodes
  /// through a subset hostfile, as the sweep writes it.
  @Test func runsMPIAcrossThreeNodesThroughTheLinks() async throws {
    let name = Self.uniqueName()
    defer { Self.down(name) }
    let clusterbench = try Self.clusterbench()
    let selftest = try MPIRunner.path(ofExecutable: "mpi-selftest")
    try EmulatedCluster.up(
      Self.spec(name, nodes: 3, subnet: try Self.subnet(5), bandwidth: "1gbit"), executable: clusterbench)
    let runner = MPIRunner(deadline: .seconds(40))

    let names = try await runner.runAlone(clusterbench, arguments: ["run", "--cluster", name, "--", "hostname"])
    #expect(names.succeeded, "\(names)")
    #expect(names.outputLines.filter { !$0.isEmpty }.sorted() == ["\(name)-1", "\(name)-2", "\(name)-3"], "\(names)")

    let before = try EmulatedCluster.traffic(name: name)
    let result = try await runner.runAlone(clusterbench, arguments: ["run", "--cluster", name, "--", selftest])
    let after = try EmulatedCluster.traffic(name: name)
    #expect(result.succeeded, "\(result)")
    #expect(result.standardOutput.contains("on 3 ranks"), "\(result)")
    #expect(result.standardOutput.contains("rank 0 on \(name)-1"), "\(result)")
    for (earlier, later) in zip(before, after) {
      let grown = later.since(earlier)
      print(
        "runsMPIAcrossThreeNodesThroughTheLinks: \(grown.node) received \(grown.receivedBytes) B, sent \(grown.transmittedBytes) B"
      )
      // mpi-selftest moves about 2.5 MB through each node's link; shared memory would leave ~0.
      #expect(grown.receivedBytes > 500_000 && grown.transmittedBytes > 500_000, "\(grown)")
    }

    let subset = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-hostfile").path
    defer { try? FileManager.default.removeItem(atPath: subset) }
    try "\(name)-1:1\n\(name)-2:1\n".write(toFile: subset, atomically: true, encoding: .utf8)
    let target = try EmulatedCluster.launchTarget(name: name)
    let two = try await runner.runAlone(
      MPIRunner.defaultLauncher,
      arguments: target.mpiexecArguments(hosts: 2, ranksPerHost: 1, hostfilePath: subset) + [selftest])
    #expect(two.succeeded, "\(two)")
    #expect(two.standardOutput.contains("on 2 ranks"), "\(two)")
  }

  /// The links are really limited: a TCP stream between two nodes runs near 100 Mbit/s on a
  /// 100mbit cluster and several times faster on a 1gbit one.
  @Test func bandwidthShapingIsReal() throws {
    let slow = Self.uniqueName()
    let fast = Self.uniqueName()
    defer {
      Self.down(slow)
      Self.down(fast)
    }
    let clusterbench = try Self.clusterbench()
    try EmulatedCluster.up(
      Self.spec(slow, nodes: 2, subnet: try Self.subnet(6), bandwidth: "100mbit"), executable: clusterbench)
    try EmulatedCluster.up(
      Self.spec(fast, nodes: 2, subnet: try Self.subnet(7), bandwidth: "1gbit"), executable: clusterbench)
    let slowRate = try LinkProbe.bitsPerSecond(cluster: slow, bytes: 10_000_000)
    let fastRate = try LinkProbe.bitsPerSecond(cluster: fast, bytes: 40_000_000)
    print(
      "bandwidthShapingIsReal: 100mbit link \(Int(slowRate / 1e6)) Mbit/s, 1gbit link \(Int(fastRate / 1e6)) Mbit/s")
    #expect(slowRate > 70e6 && slowRate < 110e6, "100mbit link measured \(slowRate / 1e6) Mbit/s")
    #expect(fastRate > 4 * slowRate, "1gbit link \(fastRate / 1e6) Mbit/s vs 100mbit \(slowRate / 1e6) Mbit/s")
  }
}

/// The emulated cluster's input checks and `clusterbench run`'s command lines: no root needed.
struct EmulatedClusterInputTests {
  @Test func checksItsInput() throws {
    #expect(throws: ClusterError.self) { try ClusterNaming("Emu") }
    #expect(throws: ClusterError.self) { try ClusterNaming("toolongname") }
    #expect(throws: ClusterError.self) { try ClusterNaming("a;b") }
    #expect(throws: ClusterError.self) { try IPv4Subnet("10.213.0.1/24") }
    #expect(throws: ClusterError.self) { try IPv4Subnet("8.8.8.0/24") }
    #expect(throws: ClusterError.self) { try LinkRate("100mbps") }
    #expect(try LinkRate("1.5Gbit").bitsPerSecond == 1_500_000_000)
    #expect(try LinkRate("100mbit").description == "100mbit")
    #expect(throws: ClusterError.self) { try ClusterSpec(nodes: 4, cpuShares: [1, 1]) }
    #expect(throws: ClusterError.self) { try ClusterSpec(nodes: 300, subnet: try IPv4Subnet("10.1.0.0/24")) }
    #expect(
      LauncherWrapper.unquoted(["\"/usr/bin/hydra_pmi_proxy\"", "--control-port", "\"$HOME\"", "a b"]) == [
        "/usr/bin/hydra_pmi_proxy", "--control-port", "\"$HOME\"", "a b",
      ])
  }

  static let cluster = LaunchTarget(
    kind: .emulated(name: "emu"), hosts: ["emu-1", "emu-2", "emu-3", "emu-4"],
    launcherArguments: ["-launcher", "rsh", "-launcher-exec", "/w", "-localhost", "10.213.0.1"],
    environment: ["UCX_NET_DEVICES": "eth0"], coresPerNode: 2)

  @Test func runPlansTheMpiexecCommandLine() throws {
    let all = try RunPlan(target: Self.cluster, hostfilePath: "/h", command: ["prog", "-x"])
    #expect(
      all.arguments == [
        "-launcher", "rsh", "-launcher-exec", "/w", "-localhost", "10.213.0.1", "-genv", "UCX_NET_DEVICES", "eth0",
        "-f", "/h", "-ppn", "2", "-n", "8", "prog", "-x",
      ])
    let two = try RunPlan(target: Self.cluster, hostfilePath: "/h", nodes: 2, processes: 3, command: ["prog"])
    #expect(Array(two.arguments.suffix(7)) == ["-hosts", "emu-1,emu-2", "-ppn", "2", "-n", "3", "prog"])
    #expect(!two.arguments.contains("-f"))
    let local = try RunPlan(
      target: LaunchTarget(kind: .local, hosts: []), hostfilePath: nil, command: ["p"], availableCPUs: 2)
    #expect(local.arguments == ["-n", "2", "p"])
    #expect(throws: ClusterError.self) {
      try RunPlan(target: Self.cluster, hostfilePath: "/h", nodes: 5, command: ["p"])
    }
    #expect(throws: ClusterError.self) {
      try RunPlan(target: Self.cluster, hostfilePath: "/h", ranksPerNode: 1, processes: 5, command: ["p"])
    }
    #expect(throws: ClusterError.self) { try RunPlan(target: Self.cluster, hostfilePath: "/h", command: []) }
  }
}

/// Measures a link by streaming bytes over TCP from node 2 to node 1 of a cluster, each end on
/// a thread inside its node's network namespace.
enum LinkProbe {
  static func bitsPerSecond(cluster: String, bytes: Int) throws -> Double {
    let state = try EmulatedCluster.state(name: cluster)
    let (receiver, sender) = (state.nodes[0], state.nodes[1])
    let port: UInt16 = 41_000
    let listening = DispatchSemaphore(value: 0)
    let received = ResultBox<Double, ClusterError>()
    let done = DispatchSemaphore(value: 0)
    Thread {
      defer { done.signal() }
      received.set(
        Result { () throws(ClusterError) -> Double in
          try LinuxNamespaces.enterNetworkNamespace(receiver.name)
          let server = try Socket.listen(address: receiver.address, port: port)
          defer { close(server) }
          listening.signal()
          let connection = accept(server, nil, nil)
          guard connection >= 0 else { throw ClusterError("accept: \(String(cString: strerror(errno)))") }
          defer { close(connection) }
          var buffer = [UInt8](repeating: 0, count: 1 << 16)
          var total = 0
          var started: ContinuousClock.Instant?
          while true {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { break }
            if started == nil { started = .now }
            total += count
          }
          let elapsed = ContinuousClock.now - (started ?? .now)
          let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
          return Double(total * 8) / seconds
        })
    }.start()
    listening.wait()
    try LinuxNamespaces.run(inNetworkNamespace: sender.name) { () throws(ClusterError) in
      let socket = try Socket.connect(address: receiver.address, port: port)
      defer { close(socket) }
      let chunk = [UInt8](repeating: 7, count: 1 << 16)
      var sent = 0
      while sent < bytes {
        let count = write(socket, chunk, min(chunk.count, bytes - sent))
        guard count > 0 else { throw ClusterError("write: \(String(cString: strerror(errno)))") }
        sent += count
      }
    }
    done.wait()
    return try ClusterError.result(of: received)
  }
}

/// Plain IPv4 TCP sockets for ``LinkProbe``.
enum Socket {
  static func address(_ text: String, port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    inet_pton(AF_INET, text, &address.sin_addr)
    return address
  }

  static func listen(address text: String, port: UInt16) throws(ClusterError) -> Int32 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var yes: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = address(text, port: port)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, Glibc.listen(descriptor, 1) == 0 else {
      close(descriptor)
      throw ClusterError("listen on \(text):\(port): \(String(cString: strerror(errno)))")
    }
    return descriptor
  }

  static func connect(address text: String, port: UInt16) throws(ClusterError) -> Int32 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = address(text, port: port)
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(descriptor)
      throw ClusterError("connect to \(text):\(port): \(String(cString: strerror(errno)))")
    }
    return descriptor
  }
}
