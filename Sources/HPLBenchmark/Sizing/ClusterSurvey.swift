import MPI
import Telemetry

/// What every node of an MPI launch offers, for sizing HPL.dat from the cluster itself: each rank
/// reads its node's /proc, and rank 0 keeps one entry per host name (the first rank's; the name
/// is ``NodeIdentity/hostName(_:)``'s, so `CLUSTERBENCH_HOSTNAME` overrides it).
public enum ClusterSurvey {
  /// One `NodeResources` per distinct host, in order of first rank, on rank 0 (empty elsewhere).
  /// Collective over `communicator`. A rank that cannot read /proc reports zeros, and the
  /// sizing then names that host.
  public static func gather(on communicator: Communicator, procRoot: String = "/proc") throws -> [NodeResources] {
    let host = NodeIdentity.hostName()
    let mine =
      (try? NodeResources.local(host: host, procRoot: procRoot))
      ?? NodeResources(host: host, memTotalBytes: 0, memAvailableBytes: 0, cores: 0)
    let numbers = try communicator.gather(
      [Int64(mine.memTotalBytes), Int64(mine.memAvailableBytes), Int64(mine.cores)], root: 0)
    let names = try communicator.gather(host, root: 0)
    guard let numbers, let names else { return [] }
    var seen = Set<String>()
    var nodes: [NodeResources] = []
    for rank in 0..<communicator.size {
      let host = names[rank]
      guard seen.insert(host).inserted else { continue }
      nodes.append(
        NodeResources(
          host: host, memTotalBytes: Int(numbers[rank * 3]), memAvailableBytes: Int(numbers[rank * 3 + 1]),
          cores: Int(numbers[rank * 3 + 2])))
    }
    return nodes
  }
}
