import Foundation
import MPI
import Telemetry

/// The ranks of a communicator grouped into nodes by the host name each reports
/// (``NodeIdentity/hostName(_:)``, so `CLUSTERBENCH_HOSTNAME` makes one machine several nodes).
///
/// The lowest rank of each node is its leader: the one rank there that samples the node.
public struct NodeGroups: Sendable, Equatable {
  /// Host names in the order of their lowest rank.
  public let hosts: [String]
  /// The ranks on each host, ascending.
  public let ranks: [String: [Int]]
  /// The process id of every rank, in rank order.
  public let pids: [Int32]
  /// This rank's host and rank.
  public let myHost: String
  public let myRank: Int

  /// Builds the groups from every rank's `(host, pid)`; `myRank` indexes `members`.
  public init(members: [(host: String, pid: Int32)], myRank: Int) {
    var hosts: [String] = []
    var ranks: [String: [Int]] = [:]
    for (rank, member) in members.enumerated() {
      if ranks[member.host] == nil { hosts.append(member.host) }
      ranks[member.host, default: []].append(rank)
    }
    (self.hosts, self.ranks, self.pids) = (hosts, ranks, members.map(\.pid))
    (self.myHost, self.myRank) = (members[myRank].host, myRank)
  }

  /// Exchanges every rank's host name and process id over `communicator`. Collective.
  public static func gather(on communicator: Communicator, hostName: String = NodeIdentity.hostName())
    throws -> NodeGroups
  {
    let all = try communicator.allgather("\(getpid()) \(hostName)")
    let members = all.map { entry -> (host: String, pid: Int32) in
      let parts = entry.split(separator: " ", maxSplits: 1)
      return (host: parts.count == 2 ? String(parts[1]) : "", pid: Int32(parts.first ?? "") ?? 0)
    }
    return NodeGroups(members: members, myRank: communicator.rank)
  }

  /// Whether this rank samples its node.
  public var isLeader: Bool { ranks[myHost]?.first == myRank }

  /// The process ids of the ranks on this rank's node.
  public var myNodePIDs: [Int32] { (ranks[myHost] ?? []).map { pids[$0] } }

  /// How many ranks run on each host.
  public var ranksPerHost: [String: Int] { ranks.mapValues(\.count) }
}
