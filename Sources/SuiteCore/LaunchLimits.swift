/// The largest clusters the suite plans for. Node and rank counts from input (hostfiles, job
/// files, flags) are checked against these before any arithmetic, so that a typo such as
/// `nodes: "1-1000000000"` is a message, not a billion-entry list or an overflow trap; their
/// products (ranks = nodes × ranks per node) stay far inside `Int`.
public enum LaunchLimits {
  /// The most nodes a sweep, hostfile or run uses.
  public static let maximumNodes = 65_536
  /// The most ranks on one node (a hostfile's `host:N`, `ranks_per_node`, `--ranks-per-node`).
  public static let maximumRanksPerNode = 4096
}
