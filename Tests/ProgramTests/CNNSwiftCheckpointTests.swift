import CNN
import Foundation
import TestSupport
import Testing

/// `cnnswift train --checkpoint-dir/--resume/--save` and `cnnswift infer`, really launched under mpiexec.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CNNSwiftCheckpointTests {
  /// 600 synthetic images on 2 ranks at batch 32: 9 steps per epoch, so `every:4` averages in mid-epoch and the
  /// ranks carry different weights and velocities across the epoch's end.
  static let training = ["train", "--model", "lenet", "--data", "synthetic:600", "--batch", "32"]

  static func train(_ arguments: [String], in folder: URL, processes: Int = 2) async throws -> MPIRunResult {
    try await MPIRunner(deadline: .seconds(100)).run(
      executableNamed: "cnnswift",
      arguments: training + arguments + ["--results", folder.appendingPathComponent("train.csv").path],
      processes: processes, workingDirectory: folder.path)
  }

  static func infer(_ arguments: [String], in folder: URL, processes: Int) async throws -> MPIRunResult {
    try await MPIRunner(deadline: .seconds(100)).run(
      executableNamed: "cnnswift", arguments: ["infer"] + arguments, processes: processes,
      workingDirectory: folder.path)
  }

  static func bytes(_ folder: URL, _ name: String) throws -> Data {
    try Data(contentsOf: folder.appendingPathComponent(name))
  }

  @Test(arguments: ["batch", "every:4"])
  func oneEpochThenResumeSavesTheSameModelAsTwoEpochs(sync: String) async throws {
    let folder = try CNNSwiftProgramTests.folder("resume")
    defer { try? FileManager.default.removeItem(at: folder) }
    let whole = try await Self.train(
      ["--sync", sync, "--epochs", "2", "--checkpoint-dir", "whole", "--save", "whole.cnn"], in: folder)
    #expect(whole.succeeded, "\(whole)")
    #expect(whole.standardOutput.contains("cnnswift: saved the model to whole.cnn"), "\(whole)")
    let first = try await Self.train(["--sync", sync, "--epochs", "1", "--checkpoint-dir", "parts"], in: folder)
    #expect(first.succeeded, "\(first)")
    let resumed = try await Self.train(
      ["--sync", sync, "--epochs", "2", "--checkpoint-dir", "parts", "--resume", "--save", "resumed.cnn"], in: folder)
    #expect(resumed.succeeded, "\(resumed)")
    #expect(resumed.standardOutput.contains("cnnswift: resuming after epoch 1 from parts/checkpoint.cnnckpt"))
    #expect(!resumed.standardOutput.contains("epoch 1/2") && resumed.standardOutput.contains("epoch 2/2"))
    let model = try Self.bytes(folder, "whole.cnn")
    #expect(model.prefix(8) == Data("CNNSWIFT".utf8))
    #expect(try Self.bytes(folder, "resumed.cnn") == model, "the resumed run ends with other weights")
    // Both runs' checkpoints of epoch 2 are the same too, and nothing temporary is left beside them.
    #expect(try Self.bytes(folder, "whole/checkpoint.cnnckpt") == Self.bytes(folder, "parts/checkpoint.cnnckpt"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("parts").path)
        == ["checkpoint.cnnckpt"])
  }

  /// Adam's moments and step count, and where the plateau schedule is, survive a resume in every sync mode.
  /// Epochs of 3 steps make the loss uneven enough that patience 0 lowers the rate (under --sync batch after
  /// epoch 4), so the schedule's state matters after the resume.
  @Test(arguments: ["batch", "every:4", "epoch", "end"])
  func adamWithAPlateauResumesToTheSameModel(sync: String) async throws {
    let folder = try CNNSwiftProgramTests.folder("adam")
    defer { try? FileManager.default.removeItem(at: folder) }
    let adam = [
      "--sync", sync, "--optimizer", "adam", "--lr", "0.01", "--lr-plateau", "--plateau-patience", "0", "--steps", "3",
    ]
    let whole = try await Self.train(adam + ["--epochs", "6", "--save", "whole.cnn"], in: folder)
    #expect(whole.succeeded, "\(whole)")
    let first = try await Self.train(adam + ["--epochs", "3", "--checkpoint-dir", "parts"], in: folder)
    #expect(first.succeeded, "\(first)")
    let resumed = try await Self.train(
      adam + ["--epochs", "6", "--checkpoint-dir", "parts", "--resume", "--save", "resumed.cnn"], in: folder)
    #expect(resumed.succeeded, "\(resumed)")
    #expect(try Self.bytes(folder, "resumed.cnn") == Self.bytes(folder, "whole.cnn"), "\(sync): other weights")
    // The results file has the whole run's 6 rows, then 3 + 3: the same rates epoch by epoch.
    let lines = try String(contentsOf: folder.appendingPathComponent("train.csv"), encoding: .utf8)
      .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let column = try #require(lines.first?.firstIndex(of: "learning_rate"))
    let rates = lines.dropFirst().map { String($0[column]) }
    #expect(rates.count == 12 && Array(rates[..<6]) == Array(rates[6...]), "\(rates)")
    if sync == "batch" { #expect(rates[..<6].contains("0.005"), "\(rates)") }
    // Adam's state is twice SGD's: a resumed run may not switch optimizers.
    let sgd = try await Self.train(
      ["--sync", sync, "--steps", "3", "--epochs", "6", "--checkpoint-dir", "parts", "--resume"], in: folder)
    #expect(sgd.exitStatus == 1, "\(sgd)")
    #expect(
      sgd.standardError.contains("written by a run with --optimizer adam; this run has --optimizer sgd"), "\(sgd)")
  }

  @Test func resumeRefusesOtherOptionsAndADivergingLossKeepsTheLastCheckpoint() async throws {
    let folder = try CNNSwiftProgramTests.folder("refuse")
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = try await Self.train(["--sync", "every:2", "--epochs", "1", "--checkpoint-dir", "ckpt"], in: folder)
    #expect(first.succeeded, "\(first)")
    let checkpoint = try Self.bytes(folder, "ckpt/checkpoint.cnnckpt")

    let otherBatch = try await MPIRunner(deadline: .seconds(60)).run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--data", "synthetic:600", "--batch", "16", "--sync", "every:2", "--epochs", "2", "--checkpoint-dir",
        "ckpt", "--resume", "--results", "train.csv",
      ], processes: 2, workingDirectory: folder.path)
    #expect(otherBatch.exitStatus == 1, "\(otherBatch)")
    let message = "--resume: ckpt/checkpoint.cnnckpt: written by a run with --batch 32; this run has --batch 16"
    #expect(otherBatch.standardError.components(separatedBy: message).count == 2, "\(otherBatch)")
    let moreRanks = try await Self.train(
      ["--sync", "every:2", "--epochs", "2", "--checkpoint-dir", "ckpt", "--resume"], in: folder, processes: 3)
    #expect(moreRanks.exitStatus == 1 && moreRanks.standardError.contains("written by a run on 2 ranks"))

    // A learning rate that makes the loss NaN in epoch 2: every rank stops, epoch 1's checkpoint stays.
    let diverging = try await Self.train(
      ["--sync", "every:2", "--epochs", "3", "--checkpoint-dir", "ckpt", "--resume", "--lr", "5000"], in: folder)
    #expect(diverging.exitStatus == 1, "\(diverging)")
    #expect(diverging.standardOutput.contains("note: --lr 5000.0 differs from the checkpoint's 0.01"))
    #expect(diverging.standardError.contains("the loss became NaN at epoch 2"), "\(diverging)")
    #expect(diverging.standardError.contains("the checkpoint of epoch 1 stays in ckpt/checkpoint.cnnckpt"))
    #expect(try Self.bytes(folder, "ckpt/checkpoint.cnnckpt") == checkpoint)
  }

  @Test func savedModelPredictsTheSameInInputOrderOnOneTwoAndThreeRanks() async throws {
    let folder = try CNNSwiftProgramTests.folder("infer")
    defer { try? FileManager.default.removeItem(at: folder) }
    let trained = try await MPIRunner(deadline: .seconds(100)).run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--model", "lenet", "--data", "synthetic:3000", "--batch", "32", "--epochs", "2", "--lr", "0.02",
        "--save", "lenet.cnn", "--results", "train.csv",
      ], processes: 2, workingDirectory: folder.path)
    #expect(trained.succeeded, "\(trained)")
    var outputs: [Data] = []
    for ranks in [1, 2, 3] {
      let result = try await Self.infer(
        [
          "--model-file", "lenet.cnn", "--data", "synthetic:3000", "--batch", "64", "--latency-images", "20",
          "--predictions", "predictions-\(ranks).csv",
        ], in: folder, processes: ranks)
      #expect(result.succeeded, "\(result)")
      #expect(result.standardOutput.contains("500 images on \(ranks) rank"), "\(result)")
      let accuracy = result.outputLines.first { $0.hasPrefix("accuracy: ") }.flatMap {
        Double($0.dropFirst("accuracy: ".count).prefix { $0 != " " })
      }
      #expect((accuracy ?? 0) > 0.3, "\(result)")
      #expect(result.standardOutput.contains("latency at batch 1 (rank 0, 20 images): p50 "))
      #expect(result.standardOutput.contains("throughput at batch 64: "))
      outputs.append(try Self.bytes(folder, "predictions-\(ranks).csv"))
    }
    #expect(outputs[1] == outputs[0] && outputs[2] == outputs[0], "the predictions depend on the number of ranks")
    let lines = String(decoding: outputs[0], as: UTF8.self).split(separator: "\n")
    #expect(lines.count == 501 && lines[0] == "index,label,predicted,confidence,label_name,predicted_name")
    #expect(lines.dropFirst().enumerated().allSatisfy { $1.hasPrefix("\($0),") }, "rows out of input order")
    let confidences = lines.dropFirst().compactMap { Double($0.split(separator: ",")[3]) }
    #expect(confidences.count == 500 && confidences.allSatisfy { $0 > 0.1 && $0 <= 1 })
  }

  @Test func anArrayOfInputsGivesTheModelsOutputsOnOneAndTwoRanks() async throws {
    let folder = try CNNSwiftProgramTests.folder("npy")
    defer { try? FileManager.default.removeItem(at: folder) }
    let trained = try await Self.train(["--epochs", "1", "--steps", "2", "--save", "lenet.cnn"], in: folder)
    #expect(trained.succeeded, "\(trained)")
    var generator = SeededGenerator(seed: 5)
    let inputs = NPYArray(
      shape: [9, 1, 28, 28], values: (0..<(9 * 784)).map { _ in Float.random(in: -1...1, using: &generator) })
    try inputs.write(to: folder.appendingPathComponent("in.npy").path)
    var written: [Data] = []
    for ranks in [1, 2] {
      let result = try await Self.infer(
        [
          "--model-file", "lenet.cnn", "--data", "in.npy", "--batch", "2", "--latency-images", "3", "--outputs",
          "out-\(ranks).npy", "--predictions", "predictions-\(ranks).csv",
        ], in: folder, processes: ranks)
      #expect(result.succeeded, "\(result)")
      #expect(result.standardOutput.contains("9 inputs of in.npy, used as given (no normalization)"), "\(result)")
      #expect(!result.standardOutput.contains("accuracy"), "an array has no labels: \(result)")
      written.append(try Self.bytes(folder, "out-\(ranks).npy"))
    }
    #expect(written[0] == written[1], "the outputs depend on the number of ranks")
    // The values are the model's own forward pass on the values as given.
    let outputs = try NPYArray.read(path: folder.appendingPathComponent("out-1.npy").path)
    #expect(outputs.shape == [9, 10])
    let network = try ModelFile.read(path: folder.appendingPathComponent("lenet.cnn").path).build()
    let expected = network.forward(Tensor(shape: inputs.shape, data: inputs.values), mode: .inference)
    #expect(zip(outputs.values, expected.data).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(outputs.values.prefix(4))")
    let rows = String(decoding: try Self.bytes(folder, "predictions-2.csv"), as: UTF8.self).split(separator: "\n")
    #expect(rows.count == 10 && rows[1].hasPrefix("0,,"), "no label column values: \(rows.prefix(2))")
    // A shape that is not N × the model's input is refused on every rank.
    try NPYArray(shape: [2, 784], values: [Float](repeating: 0, count: 1568)).write(
      to: folder.appendingPathComponent("flat.npy").path)
    let refused = try await Self.infer(
      ["--model-file", "lenet.cnn", "--data", "flat.npy", "--outputs", "o.npy"], in: folder, processes: 2)
    #expect(refused.exitStatus == 1, "\(refused)")
    #expect(
      refused.standardError.contains("--data flat.npy: an array of shape 2×784, but lenet.cnn holds"), "\(refused)")
  }

  @Test func corruptOrMismatchedModelFilesStopEveryRank() async throws {
    let folder = try CNNSwiftProgramTests.folder("corrupt")
    defer { try? FileManager.default.removeItem(at: folder) }
    let trained = try await Self.train(["--epochs", "1", "--steps", "2", "--save", "lenet.cnn"], in: folder)
    #expect(trained.succeeded, "\(trained)")
    var bytes = try Self.bytes(folder, "lenet.cnn")
    bytes[bytes.count / 2] ^= 0x10
    try bytes.write(to: folder.appendingPathComponent("corrupt.cnn"))
    try bytes.prefix(bytes.count / 2).write(to: folder.appendingPathComponent("truncated.cnn"))
    let cases = [
      (["--model-file", "corrupt.cnn"], "--model-file: corrupt.cnn: checksum mismatch"),
      (["--model-file", "truncated.cnn"], "--model-file: truncated.cnn: truncated: "),
      (["--model-file", "missing.cnn"], "--model-file: missing.cnn: no such file"),
      (
        ["--model-file", "lenet.cnn", "--model", "resnet", "--layers", "20"],
        "lenet.cnn: holds lenet for 1×28×28 inputs and 10 classes; expected resnet20"
      ),
    ]
    for (arguments, expected) in cases {
      let result = try await Self.infer(arguments + ["--data", "synthetic:600"], in: folder, processes: 2)
      #expect(result.exitStatus == 1, "\(result)")
      #expect(result.standardError.components(separatedBy: expected).count == 2, "\(result)")
    }
  }
}
