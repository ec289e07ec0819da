import CNN
import Foundation
import TestSupport
import Testing

/// `cnnswift export` as users run it: a darknet cfg's seeded weights written as darknet's `.weights`, any model
/// as a `.cnn` file, each read back by `infer` to the same outputs, bit for bit.
@Suite(.serialized, .timeLimit(.minutes(4))) struct CNNSwiftExportTests {
  static func run(_ arguments: [String], in folder: URL, processes: Int = 1) async throws -> MPIRunResult {
    try await MPIRunner(deadline: .seconds(100)).run(
      executableNamed: "cnnswift", arguments: arguments, processes: processes, workingDirectory: folder.path)
  }

  /// The outputs `infer` writes for `model` (and its flags) on `in.npy`.
  static func outputs(_ model: [String], in folder: URL, processes: Int = 1) async throws -> Data {
    let name = "out-\(UUID().uuidString.prefix(8)).npy"
    let result = try await run(
      ["infer"] + model + ["--data", "in.npy", "--outputs", name, "--latency-images", "0"], in: folder,
      processes: processes)
    #expect(result.succeeded, "\(result)")
    return try Data(contentsOf: folder.appendingPathComponent(name))
  }

  @Test func aCfgsSeededWeightsExportAsDarknetWeightsAndACNNFileThatInferAlike() async throws {
    let folder = try CNNSwiftJobTests.folder("export")
    defer { try? FileManager.default.removeItem(at: folder) }
    try CNNSwiftJobTests.detectorConfig.write(
      to: folder.appendingPathComponent("detector.cfg"), atomically: true, encoding: .utf8)
    var generator = SeededGenerator(seed: 9)
    try NPYArray(
      shape: [3, 3, 32, 32], values: (0..<(3 * 3072)).map { _ in Float.random(in: 0...1, using: &generator) }
    )
    .write(to: folder.appendingPathComponent("in.npy").path)
    let exported = try await Self.run(
      [
        "export", "--model-file", "detector.cfg", "--seed", "3", "--darknet-weights", "detector.weights", "--cnn",
        "detector.cnn",
      ], in: folder)
    #expect(exported.succeeded, "\(exported)")
    // Darknet's layout: a 20-byte header, then per convolution its biases and weights (12·3·3·3 + 12 and
    // 30·12 + 30 values).
    let weights = try Data(contentsOf: folder.appendingPathComponent("detector.weights"))
    let values: Int = 12 * 27 + 12 + 30 * 12 + 30
    #expect(weights.count == 20 + 4 * values)
    let seeded = try await Self.outputs(["--model-file", "detector.cfg", "--seed", "3"], in: folder)
    let fromWeights = try await Self.outputs(
      ["--model-file", "detector.cfg", "--weights", "detector.weights"], in: folder, processes: 2)
    let fromCNN = try await Self.outputs(["--model-file", "detector.cnn"], in: folder, processes: 2)
    #expect(seeded == fromWeights && seeded == fromCNN)
    let otherSeed = try await Self.outputs(["--model-file", "detector.cfg", "--seed", "4"], in: folder)
    #expect(otherSeed != seeded, "--seed draws the weights")

    // A weights file two values short, or of another model, is refused on every rank, saying by how much.
    try weights.dropLast(8).write(to: folder.appendingPathComponent("short.weights"))
    let short = try await Self.run(
      [
        "infer", "--model-file", "detector.cfg", "--weights", "short.weights", "--data", "in.npy", "--outputs", "o.npy",
      ],
      in: folder, processes: 2)
    #expect(short.exitStatus == 1, "\(short)")
    let expected = [
      "--weights: short.weights: holds 724 values after its 20-byte header",
      "need 726: 2 values short, ending in 2.conv.weight of the section at cfg line 13",
    ]
    #expect(expected.allSatisfy { short.standardError.contains($0) }, "\(short)")
    let misplaced = try await Self.run(
      ["infer", "--model-file", "detector.cnn", "--weights", "detector.weights", "--data", "in.npy", "--outputs", "o"],
      in: folder)
    #expect(misplaced.exitStatus == 1, "\(misplaced)")
    #expect(misplaced.standardError.contains("--weights goes with a darknet .cfg, not a .cnn model"), "\(misplaced)")
  }

  @Test func anONNXExportComesBackAsTheSameCNNFile() async throws {
    let folder = try CNNSwiftJobTests.folder("roundtrip")
    defer { try? FileManager.default.removeItem(at: folder) }
    let steps = [
      ["export", "--model", "lenet", "--seed", "2", "--cnn", "lenet.cnn", "--onnx", "lenet.onnx"],
      ["export", "--model-file", "lenet.onnx", "--cnn", "back.cnn"],
    ]
    for step in steps {
      let result = try await Self.run(step, in: folder)
      #expect(result.succeeded, "\(result)")
    }
    let original = try ModelFile.read(path: folder.appendingPathComponent("lenet.cnn").path)
    let back = try ModelFile.read(path: folder.appendingPathComponent("back.cnn").path)
    #expect(
      back.parameters.map { $0.value.data.map(\.bitPattern) }
        == original.parameters.map { $0.value.data.map(\.bitPattern) }, "every weight bit for bit")
    #expect(back.graph.nodes.map(\.name) == original.graph.nodes.map(\.name))
    let refused = try await Self.run(["export", "--model", "lenet"], in: folder)
    #expect(refused.exitStatus == 64, "\(refused)")
    #expect(refused.standardError.contains("--onnx"), "\(refused)")
  }
}
