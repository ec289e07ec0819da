import CNNDistributed
import Foundation
import SuiteCore

/// results/train.csv joined with the training sweeps' `points.csv` files by run id: each training
/// run with its epochs, its sweep, node count and ranks per node, and its telemetry folder.
///
/// A run launched by a sweep point takes the point's node count; any other run counts its
/// distinct hosts as nodes. Broken rows of any file are left out with a warning naming the file
/// and line.
public struct TrainingCatalog: Sendable {
  /// One training run: its rows of results/train.csv, by epoch.
  public struct Run: Sendable, Equatable {
    public var runID: String
    public var key: TrainingCompareKey
    /// The rows, sorted by epoch (a resumed run's repeated epochs: the last row of each).
    public var epochs: [TrainingRecord]
    /// Its telemetry folder, when one exists.
    public var telemetryFolder: String?

    /// The last epoch's row.
    public var last: TrainingRecord { epochs[epochs.count - 1] }
    /// The run's wall time: the sum of its epochs' seconds.
    public var seconds: Double { epochs.reduce(0) { $0 + $1.epochSeconds } }
    /// Training images of all ranks per second over the whole run.
    public var imagesPerSecond: Double { TrainingRecord.imagesPerSecond(over: epochs) ?? 0 }
    /// The share of the ranks' time spent in synchronization, 0–1.
    public var syncShare: Double {
      let busy = epochs.reduce(0) { $0 + $1.computeSeconds + $1.syncSeconds }
      return busy > 0 ? epochs.reduce(0) { $0 + $1.syncSeconds } / busy : 0
    }
  }

  /// The training results file's name in the results folder.
  public static let fileName = "train.csv"

  /// The training results file read (`train.csv` beside the HPL results).
  public var resultsPath: String
  /// The runs, in order of their first row.
  public var runs: [Run]
  /// The training sweeps' points, sweeps sorted by name, points in file order.
  public var points: [ResultsCatalog.Point]
  /// Broken rows and unreadable files, each naming the file (and line).
  public var warnings: [String]

  public init(resultsPath: String, runs: [Run], points: [ResultsCatalog.Point], warnings: [String] = []) {
    (self.resultsPath, self.runs, self.points, self.warnings) = (resultsPath, runs, points, warnings)
  }

  /// Reads `resultsPath` (a missing file is no training result, not an error) and keeps the runs
  /// of `points` (already read with the HPL ones) or, without a chosen `sweep`, every run.
  /// `telemetryFolder` finds a run's folder.
  public static func load(
    resultsPath: String, points: [ResultsCatalog.Point], sweep: String?,
    telemetryFolder: (String, SweepPointRecord?) -> String?
  ) -> TrainingCatalog {
    var warnings: [String] = []
    var records: [TrainingRecord] = []
    if FileManager.default.fileExists(atPath: resultsPath) {
      do {
        let read = try TrainingRecord.read(path: resultsPath)
        (records, warnings) = (read.records, read.warnings)
      } catch {
        warnings.append(error.description)
      }
    }
    var pointOfRun: [String: ResultsCatalog.Point] = [:]
    for point in points where !point.record.runID.isEmpty && pointOfRun[point.record.runID] == nil {
      pointOfRun[point.record.runID] = point
    }
    var order: [String] = []
    var rowsOfRun: [String: [Int: TrainingRecord]] = [:]
    for record in records {
      if rowsOfRun[record.runID] == nil { order.append(record.runID) }
      rowsOfRun[record.runID, default: [:]][record.epoch] = record
    }
    var runs: [Run] = []
    for runID in order {
      let point = pointOfRun[runID]
      if sweep != nil && point == nil { continue }
      let epochs = rowsOfRun[runID]!.values.sorted { $0.epoch < $1.epoch }
      let first = epochs[0]
      let nodes = point?.record.nodes ?? max(1, Set(first.hosts).count)
      let key = TrainingCompareKey(
        sweep: point?.sweep, model: first.modelLabel, batchPerRank: first.batchPerRank, sync: first.sync,
        data: first.data, stepsPerEpoch: Self.stepsPerEpoch(first), epochs: epochs[epochs.count - 1].epoch,
        learningRate: first.learningRate, nodes: nodes, ranks: first.ranks)
      runs.append(
        Run(runID: runID, key: key, epochs: epochs, telemetryFolder: telemetryFolder(runID, point?.record)))
    }
    return TrainingCatalog(resultsPath: resultsPath, runs: runs, points: points, warnings: warnings)
  }

  /// The training steps of `record`'s epoch: its images (images/s × seconds) over the global
  /// batch, every step taking a full batch on every rank. train.csv has no steps column, and
  /// `--steps` changes what an epoch measures as much as the data does; the figures are rounded
  /// in the file (images/s to 0.1, seconds to 1 ms), far less than half a step for any epoch
  /// longer than a few milliseconds. `nil` when the row has no time or no batch.
  public static func stepsPerEpoch(_ record: TrainingRecord) -> Int? {
    let (batch, overflow) = record.batchPerRank.multipliedReportingOverflow(by: record.ranks)
    guard !overflow, batch > 0, record.epochSeconds > 0 else { return nil }
    let steps = (record.imagesPerSecond * record.epochSeconds / Double(batch)).rounded()
    return steps >= 1 && steps < 1e15 ? Int(steps) : nil
  }

  /// The runs as the telemetry reader takes them.
  public var catalogRuns: [CatalogRun] {
    runs.map { run in
      CatalogRun(
        runID: run.runID, key: CompareKey(sweep: run.key.sweep, memoryFraction: nil, nodes: run.key.nodes),
        telemetryFolder: run.telemetryFolder, time: UTCTimestamp.seconds(run.last.timestamp))
    }
  }
}
