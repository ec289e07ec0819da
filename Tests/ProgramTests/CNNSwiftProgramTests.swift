import CNN
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
        "--results", folder.appendingPathComponent("train.csv").path,
      ], processes: 3)
    #expect(result.succeeded, "\(result)")
    #expect(result.standardOutput.contains("3 ranks, batch 32 per rank = global batch 96, sync \(sync)"))
    #expect(result.standardOutput.contains("cnnswift: the 3 ranks hold identical weights"), "\(result)")
    let rows = try String(contentsOf: folder.appendingPathComponent("train.csv"), encoding: .utf8)
      .split(separator: "\n")
    #expect(rows.count == 3 && rows[0].hasPrefix("timestamp,run_id,job,model,layers,data,ranks"))
    #expect(rows[1].contains(",lenet,,synthetic:900,3,") && rows[2].contains(",\(sync),2,"))
    // 300 images per rank at batch 32: 9 steps per epoch. Synchronizations per epoch, and the bytes
    // a rank moves for them: 2(K−1)/K of the 4-byte values averaged (LeNet's 61,706 parameters,
    // plus the divergence flag each buffer carries: one per layer with weights when overlapped).
    let header = rows[0].split(separator: ",").map(String.init)
    func column(_ name: String, _ row: Int) -> Int? {
      Int(rows[row].split(separator: ",", omittingEmptySubsequences: false)[header.firstIndex(of: name)!])
    }
    let expected: [String: (syncs: [Int], valuesPerSync: Int)] = [
      "batch": ([9, 9], 61_706 + 5), "every:3": ([3, 3], 61_706 + 1), "epoch": ([1, 1], 61_706 + 1),
      "end": ([0, 1], 61_706 + 1),
    ]
    let (syncs, values) = expected[sync]!
    #expect([column("syncs", 1), column("syncs", 2)] == syncs)
    #expect(column("sync_bytes_per_rank", 2) == syncs[1] * values * 4 * 2 * 2 / 3)
    #expect((column("peak_rss_bytes", 1) ?? 0) > 10 << 20)
  }

  /// K ranks at batch B with --sync batch and one rank at batch K × B (made of the K shards'
  /// batches) take the same steps: the weights agree up to floating-point reassociation.
  @Test func threeRanksMatchOneRankAtThreeTimesTheBatch() async throws {
    let folder = try Self.folder("equivalence")
    defer { try? FileManager.default.removeItem(at: folder) }
    let common = [
      "train", "--model", "lenet", "--data", "synthetic:960", "--batch", "16", "--epochs", "2", "--lr", "0.05",
      "--results", folder.appendingPathComponent("train.csv").path,
    ]
    let three = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift", arguments: common + ["--save", folder.appendingPathComponent("three.cnn").path],
      processes: 3)
    #expect(three.succeeded, "\(three)")
    let one = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift",
      arguments: common + ["--emulate-ranks", "3", "--save", folder.appendingPathComponent("one.cnn").path],
      processes: 1)
    #expect(one.succeeded, "\(one)")
    let a = try ModelFile.read(path: folder.appendingPathComponent("three.cnn").path)
    let b = try ModelFile.read(path: folder.appendingPathComponent("one.cnn").path)
    #expect(a.parameters.map(\.name) == b.parameters.map(\.name))
    var largest: Float = 0
    var scale: Float = 0
    for (x, y) in zip(a.parameters, b.parameters) {
      for (u, v) in zip(x.value.data, y.value.data) {
        largest = max(largest, abs(u - v))
        scale = max(scale, abs(u))
      }
    }
    // 60 SGD steps in Float32: sums taken in another order differ in the last bits only.
    #expect(largest <= 1e-4 * max(scale, 1), "largest difference \(largest), largest weight \(scale)")
    // The weights did move: the comparison is not between two untouched initializations.
    let initial = Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1).parameters
    let moved = zip(initial, a.parameters).contains { pair in
      zip(pair.0.value.data, pair.1.value.data).contains { abs($0 - $1) > 1e-3 }
    }
    #expect(moved)
  }

  @Test func lenetLearnsTheSyntheticSet() async throws {
    let folder = try Self.folder("learn")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--model", "lenet", "--data", "synthetic:3000", "--batch", "32", "--epochs", "3", "--lr", "0.02",
        "--results", folder.appendingPathComponent("train.csv").path,
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

  /// `cnnswift models --describe` of a preset and of a saved model file; bad shapes and files are named.
  @Test func modelsDescribesPresetsAndFiles() async throws {
    let cnnswift = try MPIRunner.path(ofExecutable: "cnnswift")
    let runner = MPIRunner()
    let resnet = try await runner.runAlone(cnnswift, arguments: ["models", "--describe", "resnet20", "--batch", "8"])
    #expect(resnet.succeeded, "\(resnet)")
    let lines = resnet.standardOutput.split(separator: "\n").map(String.init)
    #expect(lines.first == "resnet20 for 3×32×32 inputs and 10 classes, batch 8", "\(resnet)")
    #expect(lines.contains { $0.hasPrefix("    total") && $0.contains("269,722") }, "\(resnet)")
    #expect(lines.contains { $0.contains("residual 16->32 stride 2") && $0.contains("32×16×16") }, "\(resnet)")
    let folder = try Self.folder("describe")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lenet.cnn").path
    try ModelFile.write(
      network: Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1), architecture: .lenet, to: path)
    let file = try await runner.runAlone(cnnswift, arguments: ["models", "--describe", path, "--input", "1x32x32"])
    #expect(file.succeeded && file.standardOutput.hasPrefix("lenet for 1×32×32 inputs and 10 classes, batch 64"))
    #expect(file.standardOutput.contains("dense 120") && file.standardOutput.contains("16×6×6"), "\(file)")
    let small = try await runner.runAlone(cnnswift, arguments: ["models", "--describe", path, "--input", "1x8x8"])
    #expect(small.exitStatus == 1, "\(small)")
    #expect(
      small.standardError.contains(
        "cnnswift: --describe: \(path): for --input 1×8×8: node 3 (3): a convolution of extent 5 does not fit the padded 4×4 input"
      ),
      "\(small)")
    for (arguments, expected) in [
      (["--describe", "lenet", "--input", "1x0x4"], "--input: '1x0x4' is not a shape: expected CxHxW"),
      (["--input", "1x28x28"], "--input applies to --describe only"),
      (["--describe", folder.path + "/missing.cnn"], "missing.cnn: no such file"),
    ] {
      let bad = try await runner.runAlone(cnnswift, arguments: ["models"] + arguments)
      #expect(bad.exitStatus != 0 && bad.standardError.contains(expected), "\(bad)")
    }
  }

  /// `cnnswift detect` with a small darknet detector (seeded weights) on PPM images: a CSV row per box at a low
  /// threshold, a drawn PNG per image; a missing image and a classifier are refused naming them.
  @Test func detectFindsBoxesAndDrawsThem() async throws {
    let folder = try Self.folder("detect")
    defer { try? FileManager.default.removeItem(at: folder) }
    let cfg = TestModels.tinyRegionDetector
    try cfg.write(to: folder.appendingPathComponent("tiny.cfg"), atomically: true, encoding: .utf8)
    let pixels = (0..<(40 * 30 * 3)).map { UInt8(truncatingIfNeeded: $0 * 7) }
    try Data(Array("P6\n40 30\n255\n".utf8) + pixels).write(to: folder.appendingPathComponent("a.ppm"))
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("drawn"), withIntermediateDirectories: true)
    let cnnswift = try MPIRunner.path(ofExecutable: "cnnswift")
    let runner = MPIRunner()
    let run = try await runner.runAlone(
      cnnswift,
      arguments: [
        "detect", "--model-file", folder.appendingPathComponent("tiny.cfg").path, "--image",
        folder.appendingPathComponent("a.ppm").path, "--threshold", "0.01", "--csv", "--draw",
        folder.appendingPathComponent("drawn").path,
      ])
    #expect(run.succeeded, "\(run)")
    let lines = run.standardOutput.split(separator: "\n")
    #expect(lines.first == "image,class_index,class,confidence,x,y,w,h" && lines.count > 1, "\(run)")
    let png = try Data(contentsOf: folder.appendingPathComponent("drawn/a-0.png"))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    let missing = try await runner.runAlone(
      cnnswift,
      arguments: ["detect", "--model-file", folder.appendingPathComponent("tiny.cfg").path, "--image", "no.png"])
    #expect(missing.exitStatus == 1 && missing.standardError.contains("cnnswift: no.png: no such file"), "\(missing)")
    let lenet = try await runner.runAlone(cnnswift, arguments: ["detect", "--model-file", "lenet.cnn", "--image", "a"])
    #expect(lenet.exitStatus == 1 && lenet.standardError.contains("lenet.cnn: no such file"), "\(lenet)")
  }

  /// `cnnswift sgemm` names the BLAS and measures a rate; a bad order is refused naming the flag.
  @Test func sgemmReportsTheBLASAndItsRate() async throws {
    let cnnswift = try MPIRunner.path(ofExecutable: "cnnswift")
    let result = try await MPIRunner().runAlone(cnnswift, arguments: ["sgemm", "--n", "256", "--repeat", "2"])
    #expect(result.succeeded && result.standardOutput.hasPrefix("BLAS: "), "\(result)")
    let line = try #require(result.standardOutput.split(separator: "\n").last)
    #expect(line.hasPrefix("sgemm 256×256×256: ") && line.hasSuffix(" GFLOP/s (best of 2)"), "\(line)")
    let rate = Double(line.split(separator: " ")[2]) ?? 0
    #expect(rate > 0.1 && rate < 10_000, "\(line)")
    let bad = try await MPIRunner().runAlone(cnnswift, arguments: ["sgemm", "--n", "0"])
    #expect(bad.exitStatus == 64 && bad.standardError.contains("--n must be at least 1, got 0"), "\(bad)")
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
