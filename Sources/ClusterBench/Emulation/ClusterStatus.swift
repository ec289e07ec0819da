import Foundation
import SuiteCore

#if canImport(Glibc)
  import Glibc
#endif

/// What `clusterbench cluster status` reports about one emulated cluster: its nodes with their
/// addresses and limits, the traffic each node's link has carried, and every recorded object
/// that no longer exists (a namespace deleted by hand, a qdisc removed, a reboot).
public struct ClusterStatus: Sendable {
  /// One node's view.
  public struct NodeStatus: Sendable {
    public var node: ClusterState.Node
    /// The node's link counters, when its namespace can be entered.
    public var traffic: NodeTraffic?
    /// Processes running on the node now.
    public var processes: Int
  }

  public var state: ClusterState
  public var nodes: [NodeStatus]
  /// What should exist and does not, e.g. `network namespace emu-2`, `tbf on cbemu-1`.
  public var missing: [String]

  /// Whether everything the cluster needs exists and `up` finished.
  public var isIntact: Bool { missing.isEmpty && state.complete }

  /// Inspects the cluster recorded in `state`.
  public init(state: ClusterState, folders: ClusterFolders) {
    self.state = state
    var missing = state.resources.filter { !ClusterTeardown.exists($0) }.map(\.description)
    let files =
      [folders.hostfile(state.name), folders.launcher(state.name), folders.hostsFile(state.name)]
      + state.nodes.map { folders.bootIDFile(state.name, node: $0.name) }
    missing += files.filter { !FileManager.default.fileExists(atPath: $0) }.map { "file \($0)" }
    if state.bandwidthBitsPerSecond != nil {
      for node in state.nodes {
        if !Self.isShaped(namespace: nil, device: node.hostVeth) {
          missing.append("rate limit (tbf) on \(node.hostVeth)")
        }
        // Entering a namespace needs root; without it only this machine's end can be checked.
        if Self.canEnterNamespaces, !Self.isShaped(namespace: node.name, device: ClusterNaming.nodeInterface) {
          missing.append("rate limit (tbf) on \(node.name)'s \(ClusterNaming.nodeInterface)")
        }
      }
    }
    self.missing = missing
    nodes = state.nodes.map { node in
      let traffic =
        FileManager.default.fileExists(atPath: "\(LinuxNamespaces.namespaceFolder)/\(node.name)")
        ? try? NodeTraffic.read(node: node.name) : nil
      return NodeStatus(
        node: node, traffic: traffic, processes: ClusterTeardown.processes(on: node.name, of: state).count)
    }
  }

  /// Whether this process may enter the nodes' namespaces (read their counters and qdiscs).
  static var canEnterNamespaces: Bool { geteuid() == 0 }

  private static func isShaped(namespace: String?, device: String) -> Bool {
    let arguments = (namespace.map { ["-n", $0] } ?? []) + ["qdisc", "show", "dev", device]
    guard let output = try? SystemCommand.run("tc", arguments), output.succeeded else { return false }
    return output.standardOutput.contains("tbf")
  }

  /// The report as text: a summary line, one line per node, problems, and how to use it.
  public func render(folders: ClusterFolders) -> String {
    let verdict =
      !state.complete
      ? "INCOMPLETE (`up` did not finish; `clusterbench cluster down \(state.name)` removes it)"
      : missing.isEmpty ? "intact" : "DAMAGED (`clusterbench cluster down \(state.name)` removes the rest)"
    var text = "cluster \(state.name): \(state.nodes.count) nodes on \(state.subnet), bridge \(state.bridge) "
    text += "\(state.bridgeAddress), links \(state.bandwidthDescription)"
    if let delay = state.delay { text += " + \(delay) delay" }
    text += ", cgroup v\(state.cgroupVersion.rawValue), made \(state.created): \(verdict)\n"
    let header = ["node", "address", "cpu", "memory", "link", "received", "sent", "processes"]
    var rows = [header]
    for status in nodes {
      let node = status.node
      let cores = Double(node.cpuQuotaMicroseconds) / Double(CgroupLayout.periodMicroseconds)
      rows.append([
        node.name, node.address, String(format: "%.2f cores", cores), ByteSize.describe(Int(node.memoryLimitBytes)),
        state.bandwidthDescription, status.traffic.map { ByteSize.describe(Int($0.receivedBytes)) } ?? "-",
        status.traffic.map { ByteSize.describe(Int($0.transmittedBytes)) } ?? "-", String(status.processes),
      ])
    }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
      let cells = row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
      text += "  " + cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
    }
    for item in missing { text += "  missing: \(item)\n" }
    if !Self.canEnterNamespaces { text += "  (run as root to see the nodes' traffic and their own rate limits)\n" }
    text += "  hostfile \(folders.hostfile(state.name)), launcher \(folders.launcher(state.name))\n"
    text += "  use: clusterbench run --cluster \(state.name) -- PROGRAM ARGS...\n"
    return text
  }
}
