import Foundation
import TestSupport
import Testing

/// Time-series training as users run it: `mpiexec -n 2 cnnswift train --model fcn --data DIR/NAME` on `.ts`
/// files (our own: rising and falling ramps with noise, and cases of unequal length).
@Suite(.serialized, .timeLimit(.minutes(4))) struct CNNSwiftTimeSeriesTests {
  /// `DIR/Ramps_TRAIN.ts` and `DIR/Ramps_TEST.ts`: class `up` rises and `down` falls, `length` values each
  /// (the last test case shorter by `shorten`).
  static func rampFiles(in folder: URL, cases: Int, length: Int, shorten: Int = 0) throws {
    var generator = SystemRandomNumberGenerator()
    for (part, count) in [("TRAIN", cases), ("TEST", cases / 2)] {
      var text = "@problemName Ramps\n@univariate true\n@equalLength false\n@classLabel true up down\n@data\n"
      for i in 0..<count {
        let up = i % 2 == 0
        let n = part == "TEST" && i == count - 1 ? length - shorten : length
        let values = (0..<n).map { t in
          let ramp = Double(t) / Double(length) * 2 - 1
          return String(format: "%.4f", (up ? ramp : -ramp) + Double.random(in: -0.05...0.05, using: &generator))
        }
        text += values.joined(separator: ",") + ":" + (up ? "up" : "down") + "\n"
      }
      try text.write(to: folder.appendingPathComponent("Ramps_\(part).ts"), atomically: true, encoding: .utf8)
    }
  }

  @Test func fcnTrainsOnTwoRanksFromTsFiles() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cnnswift-ts-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Self.rampFiles(in: folder, cases: 32, length: 40)
    let results = folder.appendingPathComponent("train.csv")
    let run = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--model", "fcn", "--data", folder.appendingPathComponent("Ramps").path, "--epochs", "4", "--batch",
        "8", "--results", results.path, "--quiet", "--save", folder.appendingPathComponent("fcn.cnn").path,
      ], processes: 2, workingDirectory: folder.path)
    #expect(run.succeeded, "\(run)")
    #expect(
      run.standardOutput.contains("Ramps (")
        && run.standardOutput.contains("32 train, 16 test, 1 dimension of 40 values, 2 classes"))
    #expect(run.standardOutput.contains("the 2 ranks hold identical weights"))
    let lines = try String(contentsOf: results, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 5)
    // The saved model classifies the test file on 2 ranks; the predictions carry the file's class names.
    let predictions = folder.appendingPathComponent("predictions.csv")
    let infer = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift",
      arguments: [
        "infer", "--model-file", folder.appendingPathComponent("fcn.cnn").path, "--data",
        folder.appendingPathComponent("Ramps").path, "--predictions", predictions.path, "--latency-images", "0",
      ], processes: 2, workingDirectory: folder.path)
    #expect(infer.succeeded, "\(infer)")
    let rows = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    #expect(rows.first == ["index", "label", "predicted", "confidence", "label_name", "predicted_name"])
    #expect(rows.count == 17 && rows.dropFirst().allSatisfy { $0[4] == ["up", "down"][Int($0[1])!] })
    #expect(rows.dropFirst().allSatisfy { $0[5] == ["up", "down"][Int($0[2])!] })
  }

  @Test func aTrainingJobTakesATsDataSetAndItsPreparation() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cnnswift-ts-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Self.rampFiles(in: folder, cases: 8, length: 20, shorten: 5)
    let job = { (padding: String) in
      "name: ramps\nkind: train\ntarget:\n  local: true\nnodes: [1]\nranks_per_node: 2\ntrain:\n  model: fcn\n"
        + "  batch: 4\n  epochs: 2\n  data: Ramps\n  pad_series: \(padding)\n"
    }
    try job("true").write(to: folder.appendingPathComponent("ramps.yaml"), atomically: true, encoding: .utf8)
    let results = folder.appendingPathComponent("train.csv")
    let run = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift", arguments: ["train", "--job", "ramps.yaml", "--results", results.path, "--quiet"],
      processes: 2, workingDirectory: folder.path)
    #expect(run.succeeded, "\(run)")
    #expect(try String(contentsOf: results, encoding: .utf8).split(separator: "\n").count == 3)
    try job("maybe").write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    let bad = try await MPIRunner(deadline: .seconds(60)).run(
      executableNamed: "cnnswift", arguments: ["train", "--job", "bad.yaml", "--results", results.path], processes: 2,
      workingDirectory: folder.path)
    #expect(!bad.succeeded && bad.standardError.contains("pad_series") && bad.standardError.contains("true or false"))
  }

  @Test func unequalLengthsAreRefusedOnEveryRankUnlessPadded() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cnnswift-ts-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Self.rampFiles(in: folder, cases: 8, length: 20, shorten: 5)
    let data = folder.appendingPathComponent("Ramps").path
    let arguments = ["train", "--model", "fcn", "--data", data, "--epochs", "1", "--batch", "4", "--quiet"]
    let refused = try await MPIRunner(deadline: .seconds(60)).run(
      executableNamed: "cnnswift", arguments: arguments + ["--results", folder.appendingPathComponent("a.csv").path],
      processes: 2, workingDirectory: folder.path)
    #expect(!refused.succeeded)
    #expect(refused.standardError.contains("Ramps_TEST.ts: cases of 15 to 20 values"))
    #expect(refused.standardError.contains("pass --pad-series"))
    let padded = try await MPIRunner(deadline: .seconds(60)).run(
      executableNamed: "cnnswift",
      arguments: arguments + ["--pad-series", "--results", folder.appendingPathComponent("b.csv").path], processes: 2,
      workingDirectory: folder.path)
    #expect(padded.succeeded, "\(padded)")
  }
}
