import CNN
import Foundation
import TestSupport
import Testing

/// Bad numbers and bad model files given to `cnnswift train` and `infer` on 2 ranks: each is
/// refused with one message (printed once, by rank 0) naming the flag or file, the value and the
/// limit, and every rank exits promptly with the same status; none traps on an overflow.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CNNSwiftInputLimitTests {
  /// Runs cnnswift on 2 ranks; the result, after checking that it ended by itself.
  static func run(_ arguments: [String], in folder: URL? = nil) async throws -> MPIRunResult {
    let result = try await MPIRunner(deadline: .seconds(60)).run(
      executableNamed: "cnnswift", arguments: arguments, processes: 2, workingDirectory: folder?.path)
    #expect(!result.timedOut, "\(result)")
    return result
  }

  static func once(_ text: String, in result: MPIRunResult) -> Bool {
    result.standardError.components(separatedBy: text).count == 2
  }

  @Test(arguments: [
    (["--momentum", "1"], "--momentum must be at least 0 and below 1, got 1.0"),
    (["--momentum=-0.5"], "--momentum must be at least 0 and below 1, got -0.5"),
    (["--weight-decay", "1.5"], "--weight-decay must be at least 0 and below 1, got 1.5"),
    (["--weight-decay", "nan"], "--weight-decay must be at least 0 and below 1, got nan"),
    (["--lr", "nan"], "--lr must be a positive finite number, got nan"),
    (["--lr", "1e39"], "--lr must be a positive finite number, got inf"),
    (
      ["--batch", "9223372036854775807"],
      "--batch must be at most 1048576 (images per step on each rank), got 9223372036854775807"
    ),
    (["--epochs", "4294967297"], "--epochs must be at most 1000000 (passes over the training set), got 4294967297"),
    (["--epochs", "0"], "--epochs must be at least 1, got 0"),
    (["--steps", "0"], "--steps must be at least 1, got 0"),
    (["--milestones=-2"], "--milestones: '-2' is not an epoch number (1 to 1000000, after which the rate drops)"),
    (
      ["--model", "resnet", "--layers", "6000000000000000002"],
      "--layers 6000000000000000002: at most 1202 (He et al.'s deepest CIFAR ResNet)"
    ),
  ])
  func trainFlagsOutOfRangeAreRefused(arguments: [String], expected: String) async throws {
    let result = try await Self.run(["train", "--data", "synthetic:100"] + arguments)
    #expect(result.exitStatus == 64, "\(result)")
    #expect(Self.once(expected, in: result), "\(result)")
  }

  @Test(arguments: [
    (
      ["--batch", "9223372036854775807"],
      "--batch must be at most 1048576 (images per forward pass on each rank), got 9223372036854775807"
    ),
    (
      ["--latency-images", "9223372036854775807"],
      "--latency-images must be at most 1000000 (single-image passes timed), got 9223372036854775807"
    ),
    (["--passes", "0"], "--passes must be at least 1, got 0"),
  ])
  func inferFlagsOutOfRangeAreRefused(arguments: [String], expected: String) async throws {
    let result = try await Self.run(["infer", "--model-file", "absent.cnn"] + arguments)
    #expect(result.exitStatus == 64, "\(result)")
    #expect(Self.once(expected, in: result), "\(result)")
  }

  /// Sizes only the run can check (the data's): one message, exit 1 on every rank.
  @Test(arguments: [
    (
      ["--data", "synthetic:9223372036854775807"],
      "cnnswift: --data synthetic:9223372036854775807: at most synthetic:1000000 images (every rank generates its share)"
    ),
    (
      ["--data", "synthetic:100", "--batch", "1048576"],
      "cnnswift: --batch 1048576: larger than a rank's shard (50 images)"
    ),
  ])
  func dataSizesAreCheckedBeforeAllocating(arguments: [String], expected: String) async throws {
    let folder = try CNNSwiftProgramTests.folder("limits")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try await Self.run(
      ["train"] + arguments + ["--results", folder.appendingPathComponent("train.csv").path])
    #expect(result.exitStatus == 1, "\(result)")
    #expect(Self.once(expected, in: result), "\(result)")
  }

  /// A model file with a NaN weight, or a header describing a network far larger than the file.
  @Test func badModelFilesStopEveryRankWithOneMessage() async throws {
    let folder = try CNNSwiftProgramTests.folder("badmodel")
    defer { try? FileManager.default.removeItem(at: folder) }
    var file = ModelFile(network: Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1), architecture: .lenet)
    file.parameters[4].value.data[3] = .nan
    try file.write(to: folder.appendingPathComponent("nan.cnn").path)
    let nan = try await Self.run(["infer", "--model-file", "nan.cnn", "--data", "synthetic:60"], in: folder)
    #expect(nan.exitStatus == 1, "\(nan)")
    #expect(
      Self.once(
        "cnnswift: --model-file: nan.cnn: parameter \(file.parameters[4].name) holds NaN at value 3 of", in: nan),
      "\(nan)")
    file.parameters[4].value.data[3] = 0
    file.graph.inputShape = [1, 1024, 1024]
    try file.write(to: folder.appendingPathComponent("huge.cnn").path)
    let huge = try await Self.run(["infer", "--model-file", "huge.cnn", "--data", "synthetic:60"], in: folder)
    #expect(huge.exitStatus == 1, "\(huge)")
    #expect(
      Self.once(
        "cnnswift: --model-file: huge.cnn: corrupt: it describes lenet for 1×1024×1024 inputs and 10 classes",
        in: huge), "\(huge)")
  }
}
