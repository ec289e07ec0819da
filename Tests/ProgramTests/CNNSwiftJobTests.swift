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

  /// A detector of our own, in darknet's cfg format: `train` must refuse it (its output is not class scores).
  static let detectorConfig = """
    [net]
    width=32
    height=32
    channels=3

    [convolutional]
    filters=12
    size=3
    stride=2
    pad=1
    activation=leaky

    [convolutional]
    filters=30
    size=1
    stride=1
    pad=1
    activation=linear

    [region]
    anchors=1,1, 2,2, 3,3, 4,4, 5,5
    classes=1
    num=5

    """

  @Test func aModelFileTrainsResumesAndSweepsLikeAPreset() async throws {
    let folder = try Self.folder("file")
    defer { try? FileManager.default.removeItem(at: folder) }
    let cnnswift = try MPIRunner.path(ofExecutable: "cnnswift")
    let runner = MPIRunner(deadline: .seconds(120))
    let exported = try await runner.runAlone(
      cnnswift, arguments: ["export", "--model", "lenet", "--seed", "4", "--onnx", "lenet.onnx"],
      workingDirectory: folder.path)
    #expect(exported.succeeded, "\(exported)")
    // Two epochs straight, and one epoch then --resume, give the same saved model.
    let training = ["train", "--model-file", "lenet.onnx", "--data", "synthetic:600", "--batch", "32", "--quiet"]
    let straight = try await runner.run(
      executableNamed: "cnnswift",
      arguments: training + ["--epochs", "2", "--checkpoint-dir", "a", "--save", "straight.cnn", "--results", "a.csv"],
      processes: 2, workingDirectory: folder.path)
    #expect(straight.succeeded, "\(straight)")
    #expect(straight.standardOutput.contains("lenet for 1×28×28 inputs and 10 classes from lenet.onnx on synthetic"))
    for epochs in ["1", "2"] {
      let part = try await runner.run(
        executableNamed: "cnnswift",
        arguments: training + [
          "--epochs", epochs, "--checkpoint-dir", "b", "--resume", "--save", "resumed.cnn", "--results", "b.csv",
        ], processes: 2, workingDirectory: folder.path)
      #expect(part.succeeded, "\(part)")
    }
    let straightBytes = try Data(contentsOf: folder.appendingPathComponent("straight.cnn"))
    #expect(straightBytes == (try Data(contentsOf: folder.appendingPathComponent("resumed.cnn"))))
    let rows = try Self.rows(folder.appendingPathComponent("a.csv"))
    #expect(rows.count == 2 && rows.allSatisfy { $0["model"] == "lenet.onnx" && $0["layers"] == "" }, "\(rows)")
    // A resumed run must train the same model file.
    let other = try await runner.run(
      executableNamed: "cnnswift",
      arguments: ["train", "--model", "lenet", "--data", "synthetic:600", "--batch", "32", "--epochs", "3"]
        + ["--checkpoint-dir", "a", "--resume", "--results", "c.csv"], processes: 2, workingDirectory: folder.path)
    #expect(other.exitStatus == 1)
    #expect(other.standardError.contains("written by a run with --model lenet.onnx; this run has --model lenet"))

    try Self.detectorConfig.write(to: folder.appendingPathComponent("detector.cfg"), atomically: true, encoding: .utf8)
    let refusals = [
      (["--model-file", "detector.cfg"], "--model-file detector.cfg: holds detector for 3×32×32 inputs"),
      (["--model-file", "lenet.onnx", "--model", "mlp"], "give either --model-file or --model"),
      (["--model-file", "missing.onnx"], "missing.onnx: no such file"),
    ]
    for (arguments, expected) in refusals {
      let refused = try await runner.run(
        executableNamed: "cnnswift", arguments: ["train", "--data", "synthetic:600"] + arguments, processes: 2,
        workingDirectory: folder.path)
      #expect(refused.exitStatus != 0 && refused.standardError.contains(expected), "\(refused)")
    }

    let sweep = Self.sweep.replacingOccurrences(of: "model: lenet", with: "model: [lenet.onnx, mlp]")
      .replacingOccurrences(of: "sync: [batch, end]", with: "sync: batch")
      .replacingOccurrences(of: "ranks_per_node: [1, 2]", with: "ranks_per_node: 2")
    try sweep.write(to: folder.appendingPathComponent("files.yaml"), atomically: true, encoding: .utf8)
    let clusterbench = try MPIRunner.path(ofExecutable: "clusterbench")
    let submitted = try await MPIRunner(deadline: .seconds(180)).runAlone(
      clusterbench, arguments: ["submit", "files.yaml"], workingDirectory: folder.path)
    #expect(submitted.succeeded, "\(submitted)")
    let points = try Self.rows(folder.appendingPathComponent("results/sweeps/tiny-train/points.csv"))
    #expect(
      points.map { $0["point"]! } == [
        "nodes01-lenet-onnx-b16-sync-batch-rep1", "nodes01-mlp-b16-sync-batch-rep1",
      ], "\(points)")
    #expect(points.allSatisfy { $0["status"] == "passed" } && points.first?["model"] == "lenet.onnx", "\(points)")
    let compare = try await runner.runAlone(
      clusterbench, arguments: ["compare", "--sweep", "tiny-train", "--kind", "train", "--csv"],
      workingDirectory: folder.path)
    #expect(compare.succeeded && compare.standardOutput.contains("tiny-train,lenet.onnx,16,batch"), "\(compare)")
    let report = try await runner.runAlone(
      clusterbench, arguments: ["report", "--out", "report.html"], workingDirectory: folder.path)
    #expect(report.succeeded, "\(report)")
    let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("lenet.onnx"))
  }
}
