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
  /// The CPUs each host's lowest rank may run on (its online cores, as `nproc` counts them).
  public let cores: [String: Int]
  /// This rank's host and rank.
  public let myHost: String
  public let myRank: Int

  /// Builds the groups from every rank's `(host, pid, cores)`; `myRank` indexes `members`.
  public init(members: [(host: String, pid: Int32, cores: Int)], myRank: Int) {
    var hosts: [String] = []
    var ranks: [String: [Int]] = [:]
    var cores: [String: Int] = [:]
    for (rank, member) in members.enumerated() {
      if ranks[member.host] == nil {
        // Appended in place: `hosts + [host]` copied the list for every host (quadratic).
        hosts.append(member.host)
        cores[member.host] = member.cores
      }
      ranks[member.host, default: []].append(rank)
    }
    (self.hosts, self.ranks, self.pids, self.cores) = (hosts, ranks, members.map(\.pid), cores)
    (self.myHost, self.myRank) = (members[myRank].host, myRank)
  }

  /// Exchanges every rank's host name, process id and core count over `communicator`. Collective.
  public static func gather(
    on communicator: Communicator, hostName: String = NodeIdentity.hostName(),
    cores: Int = ProcessInfo.processInfo.activeProcessorCount
  ) throws -> NodeGroups {
    let all = try communicator.allgather("\(getpid()) \(cores) \(hostName)")
    let members = all.map { entry -> (host: String, pid: Int32, cores: Int) in
      let parts = entry.split(separator: " ", maxSplits: 2)
      return (
        host: parts.count == 3 ? String(parts[2]) : "", pid: Int32(parts.first ?? "") ?? 0,
        cores: parts.count == 3 ? Int(parts[1]) ?? 0 : 0
      )
    }
    return NodeGroups(members: members, myRank: communicator.rank)
  }

  /// The hosts that run more ranks than they have cores, in host order: each such rank waits
  /// for a core (and MPICH's busy-polling ranks slow each other down), so figures from such a
  /// run understate the hardware.
  public var oversubscribed: [(host: String, ranks: Int, cores: Int)] {
    hosts.compactMap { host in
      let (count, available) = (ranks[host]?.count ?? 0, cores[host] ?? 0)
      return available > 0 && count > available ? (host, count, available) : nil
    }
  }

  /// One warning line for ``oversubscribed`` hosts (`nil` when there are none), such as
  /// `warning: oversubscribed: node1 runs 4 ranks on 2 cores; ranks wait for cores and figures
  /// understate the hardware`.
  public var oversubscriptionWarning: String? { Self.oversubscriptionWarning(oversubscribed) }

  /// The warning line for `busy` hosts, each running more ranks than it has cores (`nil` when
  /// there are none); planners that know the ranks before launching (`submit --dry-run`,
  /// `cluster up`) say it in the same words.
  public static func oversubscriptionWarning(_ busy: [(host: String, ranks: Int, cores: Int)]) -> String? {
    guard !busy.isEmpty else { return nil }
    let listed = busy.prefix(3).map { "\($0.host) runs \($0.ranks) ranks on \($0.cores) cores" }
    let more = busy.count > 3 ? " and \(busy.count - 3) more hosts" : ""
    return "warning: oversubscribed: \(listed.joined(separator: ", "))\(more); "
      + "ranks wait for cores and figures understate the hardware"
  }

  /// Whether this rank samples its node.
  public var isLeader: Bool { ranks[myHost]?.first == myRank }

  /// The process ids of the ranks on this rank's node.
  public var myNodePIDs: [Int32] { (ranks[myHost] ?? []).map { pids[$0] } }

  /// How many ranks run on each host.
  public var ranksPerHost: [String: Int] { ranks.mapValues(\.count) }
}
