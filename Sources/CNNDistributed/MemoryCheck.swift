import ClusterRun
import Telemetry

/// The one check of a size against the memory this node has available (`MemAvailable` of
/// /proc/meminfo), made before the allocation, so that a batch, a data set or a model too large
/// for a node ends in a message instead of the kernel's out-of-memory killer.
public enum MemoryCheck {
  /// Why `bytes` do not fit in this node's available memory, or nil (also when /proc/meminfo
  /// cannot be read): `WHAT needs about 3000 MiB EACH, but node1 has 900 MiB available`.
  public static func problem(_ bytes: Int, for what: String, each: String) -> String? {
    guard let meminfo = try? ProcFS.fromEnvironment().meminfo(), let available = meminfo.memAvailableBytes,
      bytes > Int(clamping: available)
    else { return nil }
    return "\(what) needs about \(bytes >> 20) MiB \(each), but \(NodeIdentity.hostName()) has "
      + "\(available >> 20) MiB available"
  }
}
