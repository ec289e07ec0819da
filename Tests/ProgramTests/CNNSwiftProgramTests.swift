import Foundation
import TestSupport
import Testing

/// `cnnswift train` really launched with several ranks.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CNNSwiftProgramTests {
  static func folder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cnnswift-\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test(arguments: ["batch", "every:3", "epoch", "end"])
  func trainingEndsWithIdenticalWeightsAndOneRowPerEpoch(sync: String) async throws {
    let folder = try Self.folder("sync")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--model", "lenet", "--data", "synthetic:900", "--batch", "32", "--epochs", "2", "--sync", sync,
        "--results", folder.appendingPathComponent("cnn.csv").path,
      ], processes: 3)
    #expect(result.succeeded, "\(result)")
    #expect(result.standardOutput.contains("3 ranks, batch 32 per rank = global batch 96, sync \(sync)"))
    #expect(result.standardOutput.contains("cnnswift: the 3 ranks hold identical weights"), "\(result)")
    let rows = try String(contentsOf: folder.appendingPathComponent("cnn.csv"), encoding: .utf8)
      .split(separator: "\n")
    #expect(rows.count == 3 && rows[0].hasPrefix("timestamp,run_id,model,data,ranks"))
    #expect(rows[1].contains(",lenet,synthetic:900,3,") && rows[2].contains(",\(sync),2,"))
  }

  @Test func lenetLearnsTheSyntheticSet() async throws {
    let folder = try Self.folder("learn")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--model", "lenet", "--data", "synthetic:3000", "--batch", "32", "--epochs", "3", "--lr", "0.02",
        "--results", folder.appendingPathComponent("cnn.csv").path,
      ], processes: 2)
    #expect(result.succeeded, "\(result)")
    let accuracies = result.outputLines.compactMap { line -> Double? in
      guard let range = line.range(of: "test accuracy ") else { return nil }
      return Double(line[range.upperBound...].prefix { $0 != "," })
    }
    #expect(accuracies.count == 3)
    #expect((accuracies.last ?? 0) > 0.5, "\(result.standardOutput)")
  }

  @Test(arguments: [
    (["--sync", "sometimes"], "--sync sometimes: expected batch, every:N, epoch or end"),
    (["--model", "resnet", "--layers", "21"], "--layers 21: a CIFAR ResNet has 6n+2 layers: 8, 14, 20"),
    (["--model", "vgg"], "--model vgg: expected one of lenet, mlp, resnet"),
    (["--batch", "0"], "--batch must be at least 1"),
  ])
  func badFlagsAreNamed(arguments: [String], expected: String) async throws {
    let result = try await MPIRunner().run(executableNamed: "cnnswift", arguments: ["train"] + arguments, processes: 2)
    #expect(result.exitStatus == 64, "\(result)")
    #expect(result.standardError.components(separatedBy: expected).count == 2, "\(result)")
  }

  @Test func moreRanksThanImagesAndMissingDataStopEveryRank() async throws {
    let few = try await MPIRunner().run(
      executableNamed: "cnnswift", arguments: ["train", "--data", "synthetic:2"], processes: 3)
    #expect(few.exitStatus == 1 && few.standardError.contains("2 training images for 3 ranks"), "\(few)")
    let missing = try await MPIRunner().run(
      executableNamed: "cnnswift", arguments: ["train", "--data", "/nonexistent/data"], processes: 2)
    #expect(missing.exitStatus == 1, "\(missing)")
    #expect(missing.standardError.components(separatedBy: "/nonexistent/data").count == 2, "\(missing)")
  }
}
