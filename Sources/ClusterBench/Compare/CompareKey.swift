/// What `clusterbench compare` groups by: the sweep, the memory fraction and the node count.
///
/// Keys sort by sweep (named sweeps by name, then results in no sweep), then memory fraction
/// (unknown last), then nodes, which is the order of the table's rows.
public struct CompareKey: Hashable, Comparable, Sendable {
  /// The sweep's name; `nil` for results in no sweep.
  public var sweep: String?
  /// The share of memory N was sized for; `nil` when unknown.
  public var memoryFraction: Double?
  public var nodes: Int

  public init(sweep: String?, memoryFraction: Double?, nodes: Int) {
    (self.sweep, self.memoryFraction, self.nodes) = (sweep, memoryFraction, nodes)
  }

  /// The key of `result`.
  public init(_ result: ResultsCatalog.Result) {
    self.init(sweep: result.sweep, memoryFraction: result.memoryFraction, nodes: result.nodes)
  }

  /// The key of a sweep's point.
  public init(_ point: ResultsCatalog.Point) {
    self.init(sweep: point.sweep, memoryFraction: point.record.memoryFraction, nodes: point.record.nodes)
  }

  /// The key's line on a chart of GFLOPS against nodes: the sweep and fraction, nodes aside.
  public var series: CompareKey { CompareKey(sweep: sweep, memoryFraction: memoryFraction, nodes: 0) }

  /// The key of the one-node point of the same sweep and fraction, the base of the speedup.
  public var oneNode: CompareKey { CompareKey(sweep: sweep, memoryFraction: memoryFraction, nodes: 1) }

  /// `0.8` as `80 %`, `0.125` as `12.5 %`; `-` when unknown.
  public static func percentText(_ fraction: Double?) -> String {
    guard let fraction else { return "-" }
    let percent = (fraction * 1000).rounded() / 10
    return percent == percent.rounded() ? "\(Int(percent)) %" : "\(percent) %"
  }

  public static func < (left: CompareKey, right: CompareKey) -> Bool {
    if left.sweep != right.sweep {
      guard let a = left.sweep else { return false }
      guard let b = right.sweep else { return true }
      return a < b
    }
    if left.memoryFraction != right.memoryFraction {
      guard let a = left.memoryFraction else { return false }
      guard let b = right.memoryFraction else { return true }
      return a < b
    }
    return left.nodes < right.nodes
  }
}
