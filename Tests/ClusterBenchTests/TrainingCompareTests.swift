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
    // 6000 images an epoch (1000 images/s × 6 s) over a global batch of 128: 47 steps.
    #expect(csv[2].hasPrefix("s,lenet,64,batch,synthetic:900,47,0.01,1,2,2,14.000,875.0,1.4583,0.7292,1,0.830000,"))

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
    // The run in no sweep trained 1 epoch, sweep s 2: the line names say so.
    #expect(html.contains("s · lenet · batch 64 · sync batch · 2 epoch(s), 4 rank(s): no row in"))
  }

  /// One run of `epochs` epochs in no sweep on 2 ranks of host `vm`: `steps` steps of 64 images
  /// per rank an epoch (so `steps` × 128 images), in 2 s each.
  static func append(
    _ id: String, to results: String, data: String = "synthetic:6000", steps: Int = 40, epochs: Int = 1,
    lr: Double = 0.01, ranks: Int = 2, accuracy: Double = 0.87
  ) throws {
    for epoch in 1...epochs {
      try TrainingRecord(
        timestamp: "2026-11-23T09:0\(epoch):00Z", runID: id, model: "lenet", data: data, ranks: ranks, hosts: ["vm"],
        batchPerRank: 64, sync: "batch", epoch: epoch, learningRate: lr, trainLoss: 0.5, trainAccuracy: accuracy,
        testAccuracy: accuracy, epochSeconds: 2, computeSeconds: 1.5, syncSeconds: 0.5,
        imagesPerSecond: Double(steps * 64 * ranks) / 2, blas: "ATLAS"
      ).append(to: results)
    }
  }

  @Test func runsInNoSweepOfOtherDataStepsEpochsOrRateAreNeverOneLine() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-keys-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let results = folder + "/train.csv"
    // Two repetitions of one configuration, and one run differing from it in each of data,
    // steps, epochs and learning rate.
    try Self.append("base", to: results, accuracy: 0.86)
    try Self.append("again", to: results, accuracy: 0.88)
    try Self.append("data", to: results, data: "synthetic:12000")
    try Self.append("steps", to: results, steps: 10)
    try Self.append("epochs", to: results, epochs: 2)
    try Self.append("lr", to: results, lr: 0.1)
    let comparison = try Comparison.load(resultsPath: results)
    let rows = comparison.trainingTable.rows
    #expect(
      rows.map { "\($0.key.data!) \($0.key.stepsPerEpoch!) \($0.key.epochs!) \($0.key.learningRate!) \($0.runs)" } == [
        "synthetic:12000 40 1 0.01 1", "synthetic:6000 10 1 0.01 1", "synthetic:6000 40 1 0.01 2",
        "synthetic:6000 40 1 0.1 1", "synthetic:6000 40 2 0.01 1",
      ])
    // The repetitions are one line: the median of 0.86 and 0.88.
    #expect(abs(rows[2].testAccuracy! - 0.87) < 1e-12)
    let text = comparison.trainingTable.text().split(separator: "\n").map(String.init)
    #expect(text[0].hasPrefix("sweep  model  batch  sync   data             steps/epoch    lr  nodes  ranks  epochs"))
    #expect(text[1].hasPrefix("-      lenet     64  batch  synthetic:12000           40  0.01      1      2       1"))

    // On the charts, each is a line of its own, named by what differs; the steps only where two
    // step counts met on 2 ranks.
    let html = HTMLReport(comparison: comparison).render()
    let time = try ReportTests.chart("training-time-chart", in: html)
    #expect(
      Set(ReportTests.values("data-series", of: "point", in: time)) == [
        "lenet · batch 64 · sync batch · data synthetic:12000 · 1 epoch(s) · lr 0.01",
        "lenet · batch 64 · sync batch · data synthetic:6000 · 1 epoch(s) · lr 0.01 · 10 steps/epoch",
        "lenet · batch 64 · sync batch · data synthetic:6000 · 1 epoch(s) · lr 0.01 · 40 steps/epoch",
        "lenet · batch 64 · sync batch · data synthetic:6000 · 1 epoch(s) · lr 0.1",
        "lenet · batch 64 · sync batch · data synthetic:6000 · 2 epoch(s) · lr 0.01",
      ])
  }

  @Test func anEpochOverTheWholeDataOnMoreRanksIsTheSameLine() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-lines-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let results = folder + "/train.csv"
    // 6000 images: 93 steps of 64 on 1 rank, 46 of 128 on 2, 23 of 256 on 4.
    try Self.append("one", to: results, steps: 93, ranks: 1, accuracy: 0.85)
    try Self.append("two", to: results, steps: 46, ranks: 2, accuracy: 0.86)
    try Self.append("four", to: results, steps: 23, ranks: 4, accuracy: 0.89)
    let comparison = try Comparison.load(resultsPath: results)
    let table = comparison.trainingTable
    #expect(table.rows.map { "\($0.key.ranks) \($0.key.stepsPerEpoch!)" } == ["1 93", "2 46", "4 23"])
    #expect(Set(table.rows.map { table.line(of: $0.key) }).count == 1)
    // One line, so one base for the speedup: the run on 1 rank.
    #expect(table.rows.map(\.baseRanks) == [1, 1, 1])
    // Its accuracies, 0.85 to 0.89, fill the accuracy axis, which is not 0 to 1.
    let accuracy = try ReportTests.chart("training-accuracy-chart", in: HTMLReport(comparison: comparison).render())
    #expect(
      ReportTests.tickLabels(in: accuracy, axis: "y-axis") == ["0.84", "0.85", "0.86", "0.87", "0.88", "0.89", "0.90"])
  }
}
