import CNN
import CNNDistributed
import Foundation
import HPL
import JobFiles
import SuiteCore

/// How long a sweep should take, told before its first point: from the rate per rank that the
/// earlier runs in the results folder reached (results/hpl.csv for HPL, results/train.csv for
/// training), so that a user learns of a sweep of many hours before waiting for it. Once points
/// of this sweep have run, ``SweepRunner`` refines it after each from their own rates.
struct SweepEstimate: Sendable, Equatable {
  /// Above this many seconds (30 minutes) the estimate comes with a warning.
  static let warningSeconds = 1800.0
  /// Earlier runs looked at: the most recent ones, which best reflect the nodes and BLAS in use.
  static let recentRuns = 50

  /// The median rate per rank of the earlier runs, 10⁹ operations per second.
  var gflopsPerRank: Double
  /// How many earlier runs it comes from, and the file they are in.
  var runs: Int
  var source: String

  /// The rate of the recent runs recorded in `resultsFolder` for `kind`, or nil when there are
  /// none (a first sweep): unreadable files give no estimate rather than an error.
  static func fromEarlierRuns(resultsFolder: String, kind: JobFile.Kind) -> SweepEstimate? {
    let rates: [Double]
    let path = resultsFolder + (kind == .train ? "/train.csv" : "/hpl.csv")
    switch kind {
    case .hpl:
      let rows = ((try? ResultsCSV.read(path: path))?.rows ?? []).filter { $0.status == .passed }
      rates = rows.suffix(recentRuns).map { $0.gflops / Double(max(1, $0.p * $0.q)) }
    case .train:
      let records = (try? TrainingRecord.read(path: path))?.records ?? []
      rates = records.suffix(recentRuns).compactMap(trainingRate)
    }
    guard !rates.isEmpty else { return nil }
    return SweepEstimate(gflopsPerRank: rates.sorted()[rates.count / 2], runs: rates.count, source: path)
  }

  /// One training epoch's rate per rank: about three forward passes per image (as the points'
  /// operation counts are made), nil for a model this version does not know.
  static func trainingRate(_ record: TrainingRecord) -> Double? {
    guard let architecture = try? Architecture(name: record.model, layers: record.layers), record.ranks > 0 else {
      return nil
    }
    return record.imagesPerSecond * 3 * TrainingRun.forwardFLOPs(of: architecture) / Double(record.ranks) / 1e9
  }

  /// The seconds `points` should take at this rate.
  func seconds(_ points: some Collection<SweepPoint>) -> Double {
    let rate = max(gflopsPerRank, 1e-9) * 1e9
    return points.reduce(0) { $0 + $1.flops / (rate * Double(max(1, $1.ranks))) }
  }

  /// What to tell the user before the first of `points`: the estimate, and a warning above
  /// ``warningSeconds``.
  func lines(for points: [SweepPoint]) -> [String] {
    let total = seconds(points)
    var lines = [
      "estimated about \(TimeSpan.elapsed(total)) for \(points.count) point\(points.count == 1 ? "" : "s"), "
        + String(format: "at %.3g GFLOPS per rank, ", gflopsPerRank)
        + "the median of the last \(runs) run\(runs == 1 ? "" : "s") in \(source) (without start-up; "
        + "refined after each point)"
    ]
    if total > Self.warningSeconds {
      lines.append(
        "warning: this sweep is estimated to take \(TimeSpan.elapsed(total)), more than 30 minutes; "
          + "Ctrl-C stops it (points already run are kept, --resume continues)")
    }
    return lines
  }
}
