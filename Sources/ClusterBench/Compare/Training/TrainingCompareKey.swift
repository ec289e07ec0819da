/// What the training view of `clusterbench compare` groups by: the sweep, the model, the batch
/// per rank, the sync mode, and where the run ran (nodes and ranks).
///
/// Keys sort by sweep (named sweeps by name, then runs in no sweep), model, batch, sync mode,
/// then ranks and nodes: each configuration's lines over the rank counts, as the paper's tables.
public struct TrainingCompareKey: Hashable, Comparable, Sendable {
  /// The sweep's name; `nil` for runs in no sweep.
  public var sweep: String?
  /// `lenet`, `mlp`, `resnet32`, …
  public var model: String
  public var batchPerRank: Int
  /// `batch`, `every:N`, `epoch` or `end`.
  public var sync: String
  public var nodes: Int
  public var ranks: Int

  public init(sweep: String?, model: String, batchPerRank: Int, sync: String, nodes: Int, ranks: Int) {
    (self.sweep, self.model, self.batchPerRank, self.sync, self.nodes, self.ranks) = (
      sweep, model, batchPerRank, sync, nodes, ranks
    )
  }

  /// The key's line on a chart against ranks: the configuration, placement aside.
  public var series: TrainingCompareKey {
    TrainingCompareKey(sweep: sweep, model: model, batchPerRank: batchPerRank, sync: sync, nodes: 0, ranks: 0)
  }

  /// `lenet · batch 64 · sync batch`, with the sweep first when `withSweep`.
  public func seriesName(withSweep: Bool) -> String {
    (withSweep ? "\(sweep ?? "no sweep") · " : "") + "\(model) · batch \(batchPerRank) · sync \(sync)"
  }

  public static func < (left: TrainingCompareKey, right: TrainingCompareKey) -> Bool {
    if left.sweep != right.sweep {
      guard let a = left.sweep else { return false }
      guard let b = right.sweep else { return true }
      return a < b
    }
    return (left.model, left.batchPerRank, left.sync, left.ranks, left.nodes)
      < (right.model, right.batchPerRank, right.sync, right.ranks, right.nodes)
  }
}
