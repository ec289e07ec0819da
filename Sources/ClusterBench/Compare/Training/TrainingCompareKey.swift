import Foundation

/// What the training view of `clusterbench compare` groups by: everything that changes what a
/// run measured (the sweep, the model and its depth, the batch per rank, the sync mode, the
/// training data, the steps per epoch, the epochs, the learning rate) and where it ran (nodes and
/// ranks). Runs that differ in any of these are never one line, in a sweep or out of one.
///
/// Keys sort by sweep (named sweeps by name, then runs in no sweep), model, batch, sync mode,
/// data, epochs, learning rate, then ranks, nodes and steps: each configuration's lines over the
/// rank counts, as the paper's tables. An unknown value (a sweep point without a row in
/// train.csv) sorts last.
public struct TrainingCompareKey: Hashable, Comparable, Sendable {
  /// The sweep's name; `nil` for runs in no sweep.
  public var sweep: String?
  /// `lenet`, `mlp`, `resnet32`, …
  public var model: String
  public var batchPerRank: Int
  /// `batch`, `every:N`, `epoch` or `end`.
  public var sync: String
  /// The `data` column of train.csv (`fashion-mnist`, `synthetic:6000`, a folder); `nil` when unknown.
  public var data: String?
  /// Training steps per epoch (images per epoch / global batch); `nil` when unknown. An epoch over
  /// the whole data set takes fewer steps on more ranks, so a chart's line over ranks
  /// (``series``) leaves it aside; ``TrainingCompareTable/line(of:)`` keeps it where two step
  /// counts meet at one rank count.
  public var stepsPerEpoch: Int?
  /// The epochs a run recorded (its last epoch); `nil` when unknown.
  public var epochs: Int?
  /// The learning rate of a run's first epoch; `nil` when unknown.
  public var learningRate: Double?
  public var nodes: Int
  public var ranks: Int

  public init(
    sweep: String?, model: String, batchPerRank: Int, sync: String, data: String? = nil, stepsPerEpoch: Int? = nil,
    epochs: Int? = nil, learningRate: Double? = nil, nodes: Int, ranks: Int
  ) {
    (self.sweep, self.model, self.batchPerRank, self.sync, self.nodes, self.ranks) = (
      sweep, model, batchPerRank, sync, nodes, ranks
    )
    (self.data, self.stepsPerEpoch, self.epochs, self.learningRate) = (data, stepsPerEpoch, epochs, learningRate)
  }

  /// The key's line on a chart against ranks: the configuration, placement and steps aside.
  public var series: TrainingCompareKey {
    var key = self
    (key.nodes, key.ranks, key.stepsPerEpoch) = (0, 0, nil)
    return key
  }

  /// Whether `other` may be the same configuration as this key, a value unknown to either aside
  /// (a sweep point without results against a run of the sweep).
  func matches(_ other: TrainingCompareKey) -> Bool {
    func agree<T: Equatable>(_ a: T?, _ b: T?) -> Bool { a == nil || b == nil || a == b }
    return sweep == other.sweep && model == other.model && batchPerRank == other.batchPerRank && sync == other.sync
      && nodes == other.nodes && ranks == other.ranks && agree(data, other.data)
      && agree(stepsPerEpoch, other.stepsPerEpoch) && agree(epochs, other.epochs)
      && agree(learningRate, other.learningRate)
  }

  /// `lenet · batch 64 · sync batch`, with the sweep first when `withSweep`.
  public func seriesName(withSweep: Bool) -> String {
    (withSweep ? "\(sweep ?? "no sweep") · " : "") + "\(model) · batch \(batchPerRank) · sync \(sync)"
  }

  /// A name for each key's line: ``seriesName(withSweep:)``, with the sweep when `keys` span
  /// several, and each of data, steps, epochs and learning rate that differs between them, so that
  /// two lines never share a name.
  public static func seriesNames(_ keys: [TrainingCompareKey]) -> [TrainingCompareKey: String] {
    let severalSweeps = Set(keys.map(\.sweep)).count > 1
    let parts: [(TrainingCompareKey) -> String?] = [
      { $0.data.map { "data \($0)" } }, { $0.epochs.map { "\($0) epoch(s)" } },
      { $0.learningRate.map { "lr \(Self.rateText($0))" } }, { $0.stepsPerEpoch.map { "\($0) steps/epoch" } },
    ]
    let varying = parts.filter { part in Set(keys.map(part)).count > 1 }
    var names: [TrainingCompareKey: String] = [:]
    for key in keys {
      names[key] = ([key.seriesName(withSweep: severalSweeps)] + varying.compactMap { $0(key) })
        .joined(separator: " · ")
    }
    return names
  }

  /// `0.01`, `0.1`, `1e-05`: the shortest text that reads back as the rate.
  public static func rateText(_ rate: Double) -> String { String(Float(rate)) }

  public static func < (left: TrainingCompareKey, right: TrainingCompareKey) -> Bool {
    if left.sweep != right.sweep { return Self.ascending(left.sweep, right.sweep) }
    if (left.model, left.batchPerRank, left.sync) != (right.model, right.batchPerRank, right.sync) {
      return (left.model, left.batchPerRank, left.sync) < (right.model, right.batchPerRank, right.sync)
    }
    if left.data != right.data { return Self.ascending(left.data, right.data) }
    if left.epochs != right.epochs { return Self.ascending(left.epochs, right.epochs) }
    if left.learningRate != right.learningRate { return Self.ascending(left.learningRate, right.learningRate) }
    if (left.ranks, left.nodes) != (right.ranks, right.nodes) {
      return (left.ranks, left.nodes) < (right.ranks, right.nodes)
    }
    return Self.ascending(left.stepsPerEpoch, right.stepsPerEpoch)
  }

  /// Known values in order, unknown last.
  private static func ascending<T: Comparable>(_ a: T?, _ b: T?) -> Bool {
    guard let a else { return false }
    guard let b else { return true }
    return a < b
  }
}
