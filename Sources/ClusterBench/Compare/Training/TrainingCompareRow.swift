/// One line of the training view of `clusterbench compare`: a configuration (model, batch, sync
/// mode) on a number of nodes and ranks, its runs' time and accuracy, how it scales, and what its
/// runs' telemetry shows. With several runs (repetitions), figures are their medians.
public struct TrainingCompareRow: Sendable, Equatable {
  public var key: TrainingCompareKey
  /// The group's runs in results/train.csv.
  public var runs: Int
  /// The sweep points recorded for the group, and those that did not pass.
  public var points: Int
  public var failedPoints: Int
  /// The most epochs a run of the group recorded.
  public var epochs: Int?
  /// Wall time of a run (sum of its epochs), seconds.
  public var seconds: Double?
  /// Training images of all ranks per second over a run.
  public var imagesPerSecond: Double?
  /// ``imagesPerSecond`` over that of the same configuration on the fewest ranks (1 when present).
  public var speedup: Double?
  /// ``speedup`` × base ranks / ranks: 1 is perfect scaling.
  public var efficiency: Double?
  /// The ranks of the base of ``speedup``.
  public var baseRanks: Int?
  /// After a run's last epoch, 0–1.
  public var testAccuracy: Double?
  /// The training loss of a run's last epoch, nats.
  public var trainLoss: Double?
  /// The share of the ranks' time spent synchronizing, 0–1.
  public var syncShare: Double?
  /// Synchronizations per epoch.
  public var syncsPerEpoch: Double?
  /// Bytes a rank sent (and received) for synchronization per epoch.
  public var syncBytesPerRankPerEpoch: Double?
  /// The largest peak resident memory of any rank, bytes.
  public var peakRSSBytes: Int?
  /// From telemetry: the hottest reading, the mean node temperature.
  public var temperatureMaxCelsius: Double?
  public var temperatureMeanCelsius: Double?
  /// From telemetry, the job's own memory: the most resident memory the run's ranks held together
  /// on one node, bytes.
  public var jobRSSPeakBytes: UInt64?
  /// From telemetry: the most memory (MemTotal − MemAvailable) one node used, the job's and
  /// everything else's, bytes.
  public var memUsedPeakBytes: UInt64?
  /// The group's runs with a telemetry folder.
  public var telemetryRuns: Int
  /// What is missing or went wrong, in a few words each.
  public var notes: [String]

  public init(key: TrainingCompareKey) {
    self.key = key
    (runs, points, failedPoints, telemetryRuns, notes) = (0, 0, 0, 0, [])
  }
}
