import Foundation
import Telemetry

/// The bytes and packets a node's link carried, as the node itself counts them: its
/// namespace's `/proc/net/dev` line for `eth0`. Traffic between ranks on different nodes
/// crosses these links (and their shaping); shared memory between nodes would not show here.
public struct NodeTraffic: Sendable, Equatable {
  public var node: String
  public var receivedBytes: UInt64
  public var transmittedBytes: UInt64
  public var receivedPackets: UInt64
  public var transmittedPackets: UInt64

  public init(
    node: String, receivedBytes: UInt64, transmittedBytes: UInt64, receivedPackets: UInt64, transmittedPackets: UInt64
  ) {
    (self.node, self.receivedBytes, self.transmittedBytes) = (node, receivedBytes, transmittedBytes)
    (self.receivedPackets, self.transmittedPackets) = (receivedPackets, transmittedPackets)
  }

  /// What each counter grew by since `earlier` (the same node's reading).
  public func since(_ earlier: NodeTraffic) -> NodeTraffic {
    NodeTraffic(
      node: node, receivedBytes: NetDevLine.counterDelta(from: earlier.receivedBytes, to: receivedBytes),
      transmittedBytes: NetDevLine.counterDelta(from: earlier.transmittedBytes, to: transmittedBytes),
      receivedPackets: NetDevLine.counterDelta(from: earlier.receivedPackets, to: receivedPackets),
      transmittedPackets: NetDevLine.counterDelta(from: earlier.transmittedPackets, to: transmittedPackets))
  }

  /// Reads node `node`'s counters from inside its network namespace.
  public static func read(node: String) throws(ClusterError) -> NodeTraffic {
    try LinuxNamespaces.run(inNetworkNamespace: node) { () throws(ClusterError) -> NodeTraffic in
      // thread-self, not self: /proc/self/net follows the main thread's namespace.
      let path = "/proc/thread-self/net/dev"
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ClusterError("cannot read \(path) in network namespace \(node)")
      }
      let table: NetDev
      do { table = try NetDev(parsing: text, path: path) } catch { throw ClusterError("\(error)") }
      guard let line = table[interface: ClusterNaming.nodeInterface] else {
        throw ClusterError("node \(node) has no \(ClusterNaming.nodeInterface) interface")
      }
      return NodeTraffic(
        node: node, receivedBytes: line.receiveBytes, transmittedBytes: line.transmitBytes,
        receivedPackets: line.receivePackets, transmittedPackets: line.transmitPackets)
    }
  }
}
