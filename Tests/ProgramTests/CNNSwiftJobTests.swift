import Foundation
import TestSupport
import Testing

/// Training jobs run as users run them: `mpiexec -n 2 cnnswift train --job FILE`, and a sweep of
/// them with `clusterbench submit`, compared with `clusterbench compare`.
@Suite(.serialized, .timeLimit(.minutes(4))) struct CNNSwiftJobTests {
  static let sweep = """
    name: tiny-train
    kind: train
    target:
      local: true
    nodes: [1]
    ranks_per_node: [1, 2]
    telemetry: 500ms
    train:
      model: lenet
      batch: 16
      sync: [batch, end]
      epochs: 2
      data: synthetic:600
      steps: 3

    """

  static func folder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cnnswift-job-\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func rows(_ path: URL) throws -> [[String: String]] {
    let lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
  }

  @Test func aOnePointJobTrainsUnderMpiexecAndListsAreRefused() async throws {
    let folder = try Self.folder("one")
    defer { try? FileManager.default.removeItem(at: folder) }
    let one = Self.sweep.replacingOccurrences(of: "ranks_per_node: [1, 2]", with: "ranks_per_node: 2")
      .replacingOccurrences(of: "sync: [batch, end]", with: "sync: every:2")
    try one.write(to: folder.appendingPathComponent("one.yaml"), atomically: true, encoding: .utf8)
    let results = folder.appendingPathComponent("train.csv")
    let run = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift", arguments: ["train", "--job", "one.yaml", "--results", results.path], processes: 2,
      workingDirectory: folder.path)
    #expect(run.succeeded, "\(run)")
    #expect(run.standardOutput.contains("2 ranks, batch 16 per rank = global batch 32, sync every:2, 3 steps"))
    let rows = try Self.rows(results)
    #expect(rows.count == 2 && rows.allSatisfy { $0["job"] == "tiny-train" && $0["model"] == "lenet" })
    // The job's telemetry (500 ms) applies: the run's folder is beside the results.
    let runID = try #require(rows.first?["run_id"])
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs/\(runID)/memory.csv").path))

    try Self.sweep.write(to: folder.appendingPathComponent("sweep.yaml"), atomically: true, encoding: .utf8)
    let cnnswift = try MPIRunner.path(ofExecutable: "cnnswift")
    let refused = try await MPIRunner(deadline: .seconds(30)).runAlone(
      cnnswift, arguments: ["train", "--job", "sweep.yaml"], workingDirectory: folder.path)
    #expect(refused.exitStatus != 0)
    #expect(
      refused.standardError.contains(
        "--job: sweep.yaml line 11, key train.sync: 2 values make a sweep of 2 runs; run it with "
          + "`clusterbench submit sweep.yaml`"), "\(refused)")
    let both = try await MPIRunner(deadline: .seconds(30)).runAlone(
      cnnswift, arguments: ["train", "--job", "one.yaml", "--batch", "8"], workingDirectory: folder.path)
    #expect(both.exitStatus != 0)
    #expect(both.standardError.contains("--batch: the job file one.yaml gives the training settings"), "\(both)")
  }

  @Test func aTrainingSweepIsRecordedComparedAndResumed() async throws {
    let folder = try Self.folder("sweep")
    defer { try? FileManager.default.removeItem(at: folder) }
    try Self.sweep.write(to: folder.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
    let clusterbench = try MPIRunner.path(ofExecutable: "clusterbench")
    let runner = MPIRunner(deadline: .seconds(180))
    let run = try await runner.runAlone(
      clusterbench, arguments: ["submit", "tiny.yaml"], workingDirectory: folder.path)
    #expect(run.succeeded, "\(run)")
    #expect(run.standardError.contains("point 4 of 4: nodes01-ppn2-lenet-b16-sync-end-rep1"), "\(run)")

    let points = try Self.rows(folder.appendingPathComponent("results/sweeps/tiny-train/points.csv"))
    #expect(
      points.map { $0["point"]! } == [
        "nodes01-ppn1-lenet-b16-sync-batch-rep1", "nodes01-ppn2-lenet-b16-sync-batch-rep1",
        "nodes01-ppn1-lenet-b16-sync-end-rep1", "nodes01-ppn2-lenet-b16-sync-end-rep1",
      ])
    #expect(points.allSatisfy { $0["kind"] == "train" && $0["status"] == "passed" && $0["n"] == "" })
    #expect(points.allSatisfy { Double($0["images_per_second"] ?? "") ?? 0 > 0 && $0["test_accuracy"] != "" })
    // Each point's run id joins results/train.csv (two epochs each) and names its telemetry folder.
    let rows = try Self.rows(folder.appendingPathComponent("results/train.csv"))
    #expect(rows.count == 8 && rows.allSatisfy { $0["job"] == "tiny-train" })
    for point in points {
      #expect(rows.filter { $0["run_id"] == point["run_id"] }.map { $0["epoch"]! } == ["1", "2"])
      #expect(rows.first { $0["run_id"] == point["run_id"] }?["ranks"] == point["ranks"])
      #expect(
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("results/runs/\(point["run_id"]!)").path))
    }

    let compare = try await runner.runAlone(
      clusterbench, arguments: ["compare", "--sweep", "tiny-train", "--kind", "train", "--csv"],
      workingDirectory: folder.path)
    #expect(compare.succeeded, "\(compare)")
    let table = compare.standardOutput.split(separator: "\n")
    #expect(table.count == 5 && table[0].hasPrefix("sweep,model,batch_per_rank,sync,data,steps_per_epoch"))
    let columns = table[0].split(separator: ",").map(String.init)
    func cells(_ row: Int, _ names: [String]) -> [String] {
      let fields = table[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      return names.map { fields[columns.firstIndex(of: $0)!] }
    }
    let key = ["sweep", "model", "batch_per_rank", "sync", "nodes", "ranks", "epochs"]
    #expect(cells(1, key) == ["tiny-train", "lenet", "16", "batch", "1", "1", "2"])
    #expect(cells(2, key) == ["tiny-train", "lenet", "16", "batch", "1", "2", "2"])
    let text = try await runner.runAlone(
      clusterbench, arguments: ["compare", "--epochs"], workingDirectory: folder.path)
    #expect(text.succeeded && text.standardOutput.contains("Per epoch"), "\(text)")

    let resumed = try await runner.runAlone(
      clusterbench, arguments: ["submit", "tiny.yaml", "--resume"], workingDirectory: folder.path)
    #expect(resumed.succeeded && resumed.standardError.contains("0 passed, 0 failed, 4 skipped"), "\(resumed)")
  }
}
