import CNNDistributed
import ClusterBench
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The training view of compare and report, on results written here: a sweep's runs on 1 and 2
/// ranks (the 2-rank point twice), a failed 4-rank point, and a run in no sweep.
struct TrainingCompareTests {
  /// A results folder with train.csv and sweeps/s/points.csv, and no hpl.csv.
  static func fixture() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-compare-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let results = folder.appendingPathComponent("train.csv").path
    func run(_ id: String, ranks: Int, hosts: [String], seconds: Double, rate: Double, accuracies: [Double]) throws {
      for (index, accuracy) in accuracies.enumerated() {
        try TrainingRecord(
          timestamp: "2026-11-23T08:0\(index):00Z", runID: id, job: "s", model: "lenet", data: "synthetic:900",
          ranks: ranks, hosts: hosts, batchPerRank: 64, sync: "batch", epoch: index + 1, learningRate: 0.01,
          trainLoss: 1.0 / Double(index + 1), trainAccuracy: accuracy, testAccuracy: accuracy, epochSeconds: seconds,
          computeSeconds: seconds * 0.75, syncSeconds: seconds * 0.25, imagesPerSecond: rate,
          syncs: ranks > 1 ? 10 : 0, syncBytesPerRank: ranks > 1 ? 1_000_000 : 0, peakRSSBytes: 50 << 20,
          blas: "ATLAS"
        ).append(to: results)
      }
    }
    try run("r1", ranks: 1, hosts: ["vm"], seconds: 10, rate: 600, accuracies: [0.8, 0.85])
    try run("r2", ranks: 2, hosts: ["vm"], seconds: 6, rate: 1000, accuracies: [0.79, 0.84])
    try run("r3", ranks: 2, hosts: ["vm"], seconds: 8, rate: 750, accuracies: [0.78, 0.82])
    try run("solo", ranks: 4, hosts: ["a", "b"], seconds: 5, rate: 1200, accuracies: [0.7])
    let sweep = folder.appendingPathComponent("sweeps/s")
    try FileManager.default.createDirectory(at: sweep, withIntermediateDirectories: true)
    let points = [("r1", 1, 1, SweepPointRecord.Status.passed), ("r2", 1, 2, .passed), ("r3", 1, 2, .passed)]
      .enumerated().map { index, point in
        SweepPointRecord(
          job: "s", point: "p\(index)", nodes: point.1, ranksPerNode: point.2,
          training: .init(model: "lenet", layers: nil, batchPerRank: 64, sync: "batch", epochs: 2), repetition: 1,
          status: point.3, exitStatus: 0, started: "2026-11-23T08:00:00Z", seconds: 20, runID: point.0,
          hosts: ["vm"])
      }
    let failed = SweepPointRecord(
      job: "s", point: "p4", nodes: 1, ranksPerNode: 4,
      training: .init(model: "lenet", layers: nil, batchPerRank: 64, sync: "batch", epochs: 2), repetition: 1,
      status: .timeout, exitStatus: nil, started: "2026-11-23T08:10:00Z", seconds: 99, runID: "r4", hosts: ["vm"])
    try SweepPointRecord.append(points + [failed], to: sweep.appendingPathComponent("points.csv").path)
    return folder.path
  }

  @Test func groupsRunsByConfigurationAndRanks() throws {
    let folder = try Self.fixture()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // No hpl.csv: the training results alone are compared, without a warning about it.
    let comparison = try Comparison.load(resultsPath: folder + "/hpl.csv")
    #expect(comparison.table.rows.isEmpty && comparison.warnings.isEmpty, "\(comparison.warnings)")
    let rows = comparison.trainingTable.rows
    #expect(rows.map { "\($0.key.sweep ?? "-") \($0.key.ranks)" } == ["s 1", "s 2", "s 4", "- 4"])
    let (one, two, four, solo) = (rows[0], rows[1], rows[2], rows[3])
    #expect(one.seconds == 20 && one.imagesPerSecond == 600 && one.testAccuracy == 0.85 && one.speedup == 1)
    // Two runs on 2 ranks: medians of 12 s and 16 s, 1000 and 750 images/s, 0.84 and 0.82.
    #expect(two.runs == 2 && two.seconds == 14 && two.imagesPerSecond == 875)
    #expect(abs(two.testAccuracy! - 0.83) < 1e-12 && two.baseRanks == 1)
    #expect(abs(two.speedup! - 875.0 / 600) < 1e-12 && abs(two.efficiency! - 875.0 / 1200) < 1e-12)
    #expect(two.syncShare == 0.25 && two.syncsPerEpoch == 10 && two.syncBytesPerRankPerEpoch == 1_000_000)
    #expect(two.peakRSSBytes == 50 << 20 && two.notes == ["no telemetry"])
    #expect(four.runs == 0 && four.failedPoints == 1 && four.imagesPerSecond == nil)
    #expect(four.notes == ["no row in \(folder)/train.csv", "failed points: 1 timeout"])
    // A run in no sweep counts its distinct hosts as nodes.
    #expect(solo.key.nodes == 2 && solo.speedup == 1 && solo.epochs == 1)

    let epochs = comparison.trainingTable.epochSeries()
    let twoRanks = try #require(epochs.first { $0.key.ranks == 2 })
    #expect(twoRanks.epochs.map(\.elapsedSeconds) == [7, 14] && twoRanks.epochs.map(\.testAccuracy) == [0.785, 0.83])

    let csv = comparison.trainingTable.csv().split(separator: "\n")
    #expect(csv[0] == TrainingCompareTable.csvColumns.joined(separator: ","))
    #expect(csv[2].hasPrefix("s,lenet,64,batch,1,2,2,14.000,875.0,1.4583,0.7292,1,0.830000,"))

    let only = try Comparison.load(resultsPath: folder + "/train.csv", sweep: "s")
    #expect(only.trainingTable.rows.count == 3)
  }

  @Test func theReportDrawsTimeAndAccuracyAgainstRanks() throws {
    let folder = try Self.fixture()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let html = HTMLReport(comparison: try Comparison.load(resultsPath: folder + "/hpl.csv", timeline: true)).render()
    // No HPL results: no GFLOPS chart and no HPL table, the training charts and table instead.
    #expect(!html.contains("id=\"gflops-chart\"") && !html.contains("id=\"compare-table\""))
    for id in HTMLReport.trainingChartIDs { #expect(html.contains("<svg id=\"\(id)\""), "\(id)") }
    #expect(html.contains("<table id=\"training-table\">"))
    #expect(html.components(separatedBy: "<tr data-ranks=").count == 5)
    let parser = XMLParser(data: Data(html.utf8))
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    // Time against ranks: 1 and 2 ranks for sweep s, 4 for the run in no sweep; the failed 4-rank
    // point of s has no value, and a note.
    let time = try ReportTests.chart("training-time-chart", in: html)
    #expect(ReportTests.values("data-x", of: "point", in: time) == ["1", "2", "4"])
    #expect(ReportTests.values("data-y", of: "point", in: time) == ["20", "14", "5"])
    let epochs = try ReportTests.chart("training-epochs-chart", in: html)
    #expect(ReportTests.values("data-x", of: "point", in: epochs) == ["1", "2", "1", "2", "1"])
    #expect(html.contains("s · lenet · batch 64 · sync batch, 4 rank(s): no row in"))
  }
}
