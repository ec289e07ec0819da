import CNNDistributed
import ClusterBench
import Foundation
import Testing

/// results/train.csv with the per-node columns (ranks_per_node, cores_per_node) and files written
/// before them: both read, through TrainingRecord and the compare view built on it.
struct TrainingRecordColumnsTests {
  static let oldHeader =
    "timestamp,run_id,job,model,layers,data,ranks,hosts,batch_per_rank,global_batch,sync,epoch,learning_rate,"
    + "train_loss,train_accuracy,test_accuracy,epoch_seconds,compute_seconds,sync_seconds,images_per_second,syncs,"
    + "sync_bytes_per_rank,peak_rss_bytes,blas"
  static let oldRow =
    "2026-11-23T08:00:00Z,old,,lenet,,synthetic:900,2,vm,64,128,batch,1,0.01,1.000000,0.800000,0.800000,10.000,"
    + "7.500,2.500,600.0,10,1000000,52428800,ATLAS"

  @Test func newRowsRecordRanksAndCoresPerNodeAndOldFilesStillRead() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-columns-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let new = folder.appendingPathComponent("new/train.csv").path
    let record = TrainingRecord(
      timestamp: "2026-11-23T08:00:00Z", runID: "new", model: "lenet", data: "synthetic:900", ranks: 5,
      hosts: ["a", "b"], batchPerRank: 64, sync: "batch", epoch: 1, learningRate: 0.01, trainLoss: 1,
      trainAccuracy: 0.8, testAccuracy: 0.8, epochSeconds: 10, computeSeconds: 7.5, syncSeconds: 2.5,
      imagesPerSecond: 600, blas: "ATLAS", ranksPerNode: [3, 2], coresPerNode: [2, 4])
    try record.append(to: new)
    let text = try String(contentsOfFile: new, encoding: .utf8)
    #expect(text.hasPrefix(Self.oldHeader + ",ranks_per_node,cores_per_node\n"))
    #expect(text.hasSuffix(",ATLAS,3;2,2;4\n"))
    let read = try TrainingRecord.read(path: new)
    #expect(read.records == [record] && read.warnings.isEmpty, "\(read.warnings)")

    let old = folder.appendingPathComponent("train.csv").path
    try (Self.oldHeader + "\n" + Self.oldRow + "\n").write(toFile: old, atomically: true, encoding: .utf8)
    let before = try TrainingRecord.read(path: old)
    #expect(before.warnings.isEmpty && before.records.count == 1, "\(before.warnings)")
    #expect(before.records.first?.ranksPerNode == [] && before.records.first?.coresPerNode == [])
    #expect(before.records.first?.imagesPerSecond == 600)
    let comparison = try Comparison.load(resultsPath: folder.appendingPathComponent("hpl.csv").path)
    #expect(comparison.trainingTable.rows.count == 1 && comparison.warnings.isEmpty, "\(comparison.warnings)")
  }
}
