import CSVFiles
import Foundation
import Telemetry

/// The training view of `clusterbench compare`: time and accuracy against ranks for each model,
/// batch and sync mode (the paper's Tables 1 and 2, sync against async as Fig. 3a), and with
/// ``epochText()`` the accuracy after each epoch (its Table 4).
public struct TrainingCompareTable: Sendable, Equatable {
  public var rows: [TrainingCompareRow]
  /// The runs behind the rows, for the per-epoch view.
  public var runs: [TrainingCatalog.Run]
  /// Each row's line on a chart against ranks (see ``line(of:)``).
  public var lines: [TrainingCompareKey: TrainingCompareKey] = [:]

  public init(catalog: TrainingCatalog, telemetry: TelemetryDigests) {
    var groups: [TrainingCompareKey: [TrainingCatalog.Run]] = [:]
    for run in catalog.runs { groups[run.key, default: []].append(run) }
    let pointCounts = Self.pointCounts(catalog, runKeys: groups.keys.sorted())
    let keys = Set(groups.keys).union(pointCounts.keys).sorted()
    var rows = keys.map { key in
      Self.row(
        key, runs: groups[key] ?? [], counts: pointCounts[key], telemetry: telemetry,
        resultsPath: catalog.resultsPath)
    }
    let lines = Self.lines(rows.map(\.key))
    Self.addSpeedups(&rows, lines: lines)
    self.rows = rows
    self.lines = lines
    runs = catalog.runs
  }

  /// How many of a line's sweep points there were, how many failed, and how many ended in each status.
  private typealias PointCounts = (all: Int, failed: Int, notes: [String: Int])

  /// The sweep points of each line (see ``key(of:keyOfRun:runKeys:)``).
  private static func pointCounts(
    _ catalog: TrainingCatalog, runKeys: [TrainingCompareKey]
  ) -> [TrainingCompareKey: PointCounts] {
    var pointCounts: [TrainingCompareKey: PointCounts] = [:]
    let keyOfRun = Dictionary(catalog.runs.map { ($0.runID, $0.key) }, uniquingKeysWith: { first, _ in first })
    for point in catalog.points {
      guard let key = Self.key(of: point, keyOfRun: keyOfRun, runKeys: runKeys) else { continue }
      var counts = pointCounts[key] ?? (0, 0, [:])
      counts.all += 1
      if point.record.status != .passed {
        counts.failed += 1
        counts.notes[point.record.status.rawValue, default: 0] += 1
      }
      pointCounts[key] = counts
    }
    return pointCounts
  }

  /// The row of line `key`: medians over its `runs`, its points' `counts`, its telemetry, and notes
  /// on what is missing.
  private static func row(
    _ key: TrainingCompareKey, runs: [TrainingCatalog.Run], counts: PointCounts?, telemetry: TelemetryDigests,
    resultsPath: String
  ) -> TrainingCompareRow {
    var row = TrainingCompareRow(key: key)
    row.runs = runs.count
    (row.points, row.failedPoints) = (counts?.all ?? 0, counts?.failed ?? 0)
    if !runs.isEmpty {
      row.epochs = runs.map { $0.last.epoch }.max()
      row.seconds = Self.median(runs.map(\.seconds))
      row.imagesPerSecond = Self.median(runs.map(\.imagesPerSecond))
      row.testAccuracy = Self.median(runs.compactMap { $0.last.testAccuracy })
      row.trainLoss = Self.median(runs.map { $0.last.trainLoss })
      row.syncShare = Self.median(runs.map(\.syncShare))
      let epochRows = runs.flatMap(\.epochs)
      row.syncsPerEpoch = epochRows.reduce(0) { $0 + Double($1.syncs) } / Double(epochRows.count)
      row.syncBytesPerRankPerEpoch =
        epochRows.reduce(0) { $0 + Double($1.syncBytesPerRank) } / Double(epochRows.count)
      row.peakRSSBytes = epochRows.map(\.peakRSSBytes).max()
    }
    let withTelemetry = runs.map(\.runID).filter { telemetry.runs[$0] != nil }
    row.telemetryRuns = withTelemetry.count
    let group = telemetry.summary(of: withTelemetry)
    (row.temperatureMaxCelsius, row.temperatureMeanCelsius) = (
      group.temperatureMaxCelsius, group.temperatureMeanCelsius
    )
    (row.jobRSSPeakBytes, row.memUsedPeakBytes) = (group.jobResidentPeakBytes, group.memUsedPeakBytes)
    if runs.isEmpty { row.notes.append("no row in \(resultsPath)") }
    if let counts, counts.failed > 0 {
      let text = counts.notes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
      row.notes.append("failed points: \(text)")
    }
    if !runs.isEmpty && row.testAccuracy == nil { row.notes.append("no test set: accuracy unknown") }
    if !runs.isEmpty && withTelemetry.isEmpty { row.notes.append("no telemetry") }
    return row
  }

  /// Speedup and efficiency of each row over the same line on the fewest ranks.
  private static func addSpeedups(
    _ rows: inout [TrainingCompareRow], lines: [TrainingCompareKey: TrainingCompareKey]
  ) {
    for index in rows.indices {
      guard let rate = rows[index].imagesPerSecond else { continue }
      let line = lines[rows[index].key]
      let base = rows.filter { lines[$0.key] == line && $0.imagesPerSecond != nil }
        .min { $0.key.ranks < $1.key.ranks }
      guard let base, let baseRate = base.imagesPerSecond, baseRate > 0 else { continue }
      rows[index].baseRanks = base.key.ranks
      rows[index].speedup = rate / baseRate
      rows[index].efficiency = rate / baseRate * Double(base.key.ranks) / Double(rows[index].key.ranks)
    }
  }

  /// The line of `key` on a chart against ranks, and the base of its speedup: its ``TrainingCompareKey/series``,
  /// or with the steps per epoch kept when runs of the same series took different steps on the same ranks
  /// (`--steps` given to some), so that a line never holds two points at one rank count.
  public func line(of key: TrainingCompareKey) -> TrainingCompareKey { lines[key] ?? key.series }

  private static func lines(_ keys: [TrainingCompareKey]) -> [TrainingCompareKey: TrainingCompareKey] {
    var stepsAt: [TrainingCompareKey: [Int: Set<Int?>]] = [:]
    for key in keys { stepsAt[key.series, default: [:]][key.ranks, default: []].insert(key.stepsPerEpoch) }
    var lines: [TrainingCompareKey: TrainingCompareKey] = [:]
    for key in keys {
      var line = key.series
      if stepsAt[line]!.values.contains(where: { $0.count > 1 }) { line.stepsPerEpoch = key.stepsPerEpoch }
      lines[key] = line
    }
    return lines
  }

  /// The line of a sweep's point: its run's, or for a point without rows in train.csv (it failed
  /// before an epoch ended) the first run line it may belong to (the point does not record the
  /// data, steps or learning rate), else a line of its own with the data and learning rate of
  /// the sweep's other runs of the configuration.
  private static func key(
    of point: ResultsCatalog.Point, keyOfRun: [String: TrainingCompareKey], runKeys: [TrainingCompareKey]
  ) -> TrainingCompareKey? {
    guard let training = point.record.training else { return nil }
    if let key = keyOfRun[point.record.runID] { return key }
    var key = TrainingCompareKey(
      sweep: point.sweep, model: training.modelLabel, batchPerRank: training.batchPerRank, sync: training.sync,
      epochs: training.epochs, nodes: point.record.nodes, ranks: point.record.ranks)
    if let same = runKeys.first(where: { $0.matches(key) }) { return same }
    // On other ranks: the sweep's data and learning rate are those of its other points.
    if let sibling = runKeys.first(where: { $0.series.matches(key.series) }) {
      (key.data, key.learningRate) = (sibling.data, sibling.learningRate)
    }
    return key
  }

  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }

  // MARK: - Rendering

  /// The column titles of the table, for the terminal and the report.
  public static let header = [
    "sweep", "model", "batch", "sync", "data", "steps/epoch", "lr", "nodes", "ranks", "epochs", "seconds", "images/s",
    "speedup", "efficiency", "test acc", "loss", "sync share", "syncs/epoch", "sync MB/rank/epoch", "rank peak RSS",
    "job RSS/node", "node used", "max °C", "runs", "failed points", "note",
  ]

  /// A row's cells under ``header``: rounded figures, `-` for unknown values.
  public static func cells(_ row: TrainingCompareRow) -> [String] {
    [
      row.key.sweep ?? "-", row.key.model, String(row.key.batchPerRank), row.key.sync, row.key.data ?? "-",
      row.key.stepsPerEpoch.map(String.init) ?? "-", row.key.learningRate.map(TrainingCompareKey.rateText) ?? "-",
      String(row.key.nodes), String(row.key.ranks), row.epochs.map(String.init) ?? "-",
      CompareTable.format(row.seconds, "%.1f"),
      CompareTable.format(row.imagesPerSecond, "%.0f"), CompareTable.format(row.speedup, "%.2f"),
      CompareTable.format(row.efficiency.map { $0 * 100 }, "%.0f %%"), CompareTable.format(row.testAccuracy, "%.4f"),
      CompareTable.format(row.trainLoss, "%.4f"), CompareTable.format(row.syncShare.map { $0 * 100 }, "%.0f %%"),
      CompareTable.format(row.syncsPerEpoch, "%.0f"),
      CompareTable.format(row.syncBytesPerRankPerEpoch.map { $0 / 1e6 }, "%.2f"),
      row.peakRSSBytes.map { TelemetrySummary.humanBytes(UInt64(max(0, $0))) } ?? "-",
      row.jobRSSPeakBytes.map(TelemetrySummary.humanBytes) ?? "-",
      row.memUsedPeakBytes.map(TelemetrySummary.humanBytes) ?? "-",
      CompareTable.format(row.temperatureMaxCelsius, "%.1f"), String(row.runs),
      row.points == 0 ? "-" : "\(row.failedPoints)/\(row.points)", row.notes.joined(separator: "; "),
    ]
  }

  /// The table for a terminal, with notes explaining the derived columns after it.
  public func text() -> String {
    var table = TextTable(header: Self.header, leftAligned: [0, 1, 3, 4, Self.header.count - 1])
    table.rows = rows.map(Self.cells)
    return table.render() + """

      seconds, images/s, test acc, loss: a run's wall time, training images of all ranks per second, and test accuracy
      and training loss after its last epoch (medians over the line's runs). speedup: images/s over the same model,
      batch and sync on the fewest ranks; efficiency: speedup × those ranks / ranks. sync share: the ranks' time spent
      synchronizing. sync MB: what a rank sent (and received) per epoch. rank peak RSS: the largest of any rank (VmHWM).
      job RSS/node: the most resident memory the run's ranks held together on one node; node used: the most memory
      (MemTotal − MemAvailable) one node used, the job's and everything else's. steps/epoch: images per epoch / global
      batch; lr: the first epoch's learning rate. Runs differing in any of sweep to epochs and lr are separate lines.

      """
  }

  /// Test accuracy and cumulative time after each epoch, one line per configuration and epoch
  /// (medians over the line's runs): the paper's Table 4.
  public func epochText() -> String {
    var table = TextTable(
      header: [
        "sweep", "model", "batch", "sync", "data", "steps/epoch", "lr", "ranks", "epoch", "elapsed s", "test acc",
        "loss", "images/s",
      ],
      leftAligned: [0, 1, 3, 4])
    for (key, epochs) in epochSeries() {
      for point in epochs {
        table.rows.append([
          key.sweep ?? "-", key.model, String(key.batchPerRank), key.sync, key.data ?? "-",
          key.stepsPerEpoch.map(String.init) ?? "-", key.learningRate.map(TrainingCompareKey.rateText) ?? "-",
          String(key.ranks), String(point.epoch),
          String(format: "%.1f", point.elapsedSeconds), CompareTable.format(point.testAccuracy, "%.4f"),
          String(format: "%.4f", point.trainLoss), String(format: "%.0f", point.imagesPerSecond),
        ])
      }
    }
    return table.render()
  }

  /// One epoch of a configuration, medians over its runs.
  public struct EpochPoint: Sendable, Equatable {
    public var epoch: Int
    /// Seconds from the start of the run to the end of this epoch.
    public var elapsedSeconds: Double
    public var testAccuracy: Double?
    public var trainLoss: Double
    public var imagesPerSecond: Double
  }

  /// Each group's epochs, groups in table order.
  public func epochSeries() -> [(key: TrainingCompareKey, epochs: [EpochPoint])] {
    var runsOfKey: [TrainingCompareKey: [TrainingCatalog.Run]] = [:]
    for run in runs { runsOfKey[run.key, default: []].append(run) }
    return rows.compactMap { row in
      guard let runs = runsOfKey[row.key] else { return nil }
      let last = runs.map { $0.last.epoch }.max()!
      let points: [EpochPoint] = (1...last).compactMap { epoch in
        var elapsed: [Double] = []
        var accuracy: [Double] = []
        var loss: [Double] = []
        var rate: [Double] = []
        for run in runs {
          guard let index = run.epochs.firstIndex(where: { $0.epoch == epoch }) else { continue }
          // Epochs before a resumed run's first recorded one are unknown: elapsed counts what was recorded.
          elapsed.append(run.epochs[...index].reduce(0) { $0 + $1.epochSeconds })
          if let value = run.epochs[index].testAccuracy { accuracy.append(value) }
          loss.append(run.epochs[index].trainLoss)
          rate.append(run.epochs[index].imagesPerSecond)
        }
        guard !elapsed.isEmpty else { return nil }
        return EpochPoint(
          epoch: epoch, elapsedSeconds: Self.median(elapsed)!, testAccuracy: Self.median(accuracy),
          trainLoss: Self.median(loss)!, imagesPerSecond: Self.median(rate)!)
      }
      return (row.key, points)
    }
  }

  /// The columns of ``csv()``, in order.
  ///
  /// | column | unit |
  /// |---|---|
  /// | `sweep` | the sweep; empty for runs in no sweep |
  /// | `model`, `batch_per_rank`, `sync` | the configuration (`resnet32`: ResNet of 32 layers) |
  /// | `data` | the training data, as train.csv's `data` column (`fashion-mnist`, `synthetic:6000`, a folder) |
  /// | `steps_per_epoch` | training steps per epoch: images per epoch / (batch_per_rank × ranks) |
  /// | `learning_rate` | the learning rate of a run's first epoch |
  /// | `nodes`, `ranks` | where it ran (a run in no sweep: its distinct hosts as nodes) |
  /// | `epochs` | the epochs each run of the line recorded (runs of other epoch counts are other lines) |
  /// | `seconds` | seconds, a run's wall time (sum of its epochs), median over runs |
  /// | `images_per_second` | training images of all ranks per second over a run, median |
  /// | `speedup` | images_per_second / that of the same model, batch and sync on `base_ranks` ranks, 4 decimals |
  /// | `efficiency` | speedup × base_ranks / ranks, 0–1, 4 decimals |
  /// | `base_ranks` | the fewest ranks of the configuration (1 when run on one) |
  /// | `test_accuracy`, `train_loss` | after a run's last epoch (0–1; nats), medians |
  /// | `sync_share` | share of the ranks' time spent synchronizing, 0–1, median |
  /// | `syncs_per_epoch` | synchronizations per epoch, mean |
  /// | `sync_bytes_per_rank_per_epoch` | bytes a rank sent (and as many received) per epoch, mean |
  /// | `peak_rss_bytes` | bytes, the largest peak resident memory of any rank |
  /// | `temp_max_celsius`, `temp_mean_celsius` | °C from the runs' telemetry (as the HPL view) |
  /// | `job_rss_peak_bytes` | bytes, the most resident memory the run's ranks held together on one node (telemetry) |
  /// | `mem_used_peak_bytes` | bytes, the most memory (MemTotal − MemAvailable) one node used (telemetry) |
  /// | `runs`, `telemetry_runs` | runs of the line, and those with a telemetry folder |
  /// | `points`, `failed_points` | sweep points recorded, and those `failed`, `timeout` or `error` |
  /// | `note` | what is missing or failed, `; `-separated |
  public static let csvColumns = [
    "sweep", "model", "batch_per_rank", "sync", "data", "steps_per_epoch", "learning_rate", "nodes", "ranks", "epochs",
    "seconds", "images_per_second", "speedup", "efficiency", "base_ranks", "test_accuracy", "train_loss", "sync_share",
    "syncs_per_epoch", "sync_bytes_per_rank_per_epoch", "peak_rss_bytes", "temp_max_celsius", "temp_mean_celsius",
    "job_rss_peak_bytes", "mem_used_peak_bytes", "runs", "telemetry_runs", "points", "failed_points", "note",
  ]

  /// The table as CSV (RFC 4180, `\n` line ends): the header of ``csvColumns``, exact figures.
  public func csv() -> String {
    var lines = [CSVFile.line(Self.csvColumns)]
    func number(_ value: Double?, _ format: String = "%.4f") -> String { CompareTable.format(value, format, empty: "") }
    for row in rows {
      lines.append(
        CSVFile.line([
          row.key.sweep ?? "", row.key.model, String(row.key.batchPerRank), row.key.sync, row.key.data ?? "",
          row.key.stepsPerEpoch.map(String.init) ?? "", row.key.learningRate.map(TrainingCompareKey.rateText) ?? "",
          String(row.key.nodes), String(row.key.ranks), row.epochs.map(String.init) ?? "", number(row.seconds, "%.3f"),
          number(row.imagesPerSecond, "%.1f"), number(row.speedup), number(row.efficiency),
          row.baseRanks.map(String.init) ?? "", number(row.testAccuracy, "%.6f"), number(row.trainLoss, "%.6f"),
          number(row.syncShare), number(row.syncsPerEpoch, "%.2f"), number(row.syncBytesPerRankPerEpoch, "%.0f"),
          row.peakRSSBytes.map(String.init) ?? "", number(row.temperatureMaxCelsius, "%.2f"),
          number(row.temperatureMeanCelsius, "%.2f"), row.jobRSSPeakBytes.map { String($0) } ?? "",
          row.memUsedPeakBytes.map { String($0) } ?? "",
          String(row.runs), String(row.telemetryRuns), String(row.points), String(row.failedPoints),
          row.notes.joined(separator: "; "),
        ]))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
