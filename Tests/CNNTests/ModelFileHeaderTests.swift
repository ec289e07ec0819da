import CZlib
import Foundation
import Testing

@testable import CNN

/// Every header field of a version 1 model file (the format before graphs, which still loads) corrupted in turn (the checksum rewritten, as a crafted or
/// carelessly edited file would have it): each is refused naming the field and the value, before
/// anything is allocated from it; non-finite weights are refused naming the parameter.
@Suite(.timeLimit(.minutes(1))) struct ModelFileHeaderTests {
  let folder = TemporaryFolder()

  static let lenet = ModelFile(
    network: Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1), architecture: .lenet
  )
  .encodedVersion1()

  /// `bytes` with `value` written at `offset` (UInt32 little-endian) and the checksum made right again.
  static func patched(_ bytes: [UInt8], at offset: Int, _ value: UInt32) -> [UInt8] {
    var bytes = bytes
    withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
    return resealed(bytes)
  }

  static func resealed(_ bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    let crc = bytes[..<(bytes.count - 4)].withUnsafeBytes {
      UInt32(CZlib.crc32(0, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32($0.count)))
    }
    withUnsafeBytes(of: crc.littleEndian) { bytes.replaceSubrange((bytes.count - 4)..., with: $0) }
    return bytes
  }

  /// What reading and building the file says, without its path.
  func refusal(_ bytes: [UInt8]) -> String {
    let path = folder.write("bad.cnn", bytes)
    do {
      _ = try ModelFile.read(path: path).build()
      return "accepted"
    } catch {
      #expect(error.path == path)
      return error.problem
    }
  }

  // Offsets in LeNet-5's file (see ModelFileTests.layoutIsTheDocumentedOne): 29 layers, 33 the input rank,
  // 37/41/45 its dimensions, 49 classes, 53 the parameter count, 57 the first name's length, 74 its rank.
  @Test(arguments: [
    (29, 5, "corrupt: the layer count is 5; a lenet file has 0 there"),
    (33, 2, "corrupt: the input shape is 1×28: expected 3 dimensions (channels, height, width)"),
    (33, 9, "corrupt: the input shape has 9 dimensions, at most 8 expected"),
    (37, 0, "corrupt: the input shape is 0×28×28: expected 1 to 64 channels"),
    (37, 1000, "corrupt: the input shape is 1000×28×28: expected 1 to 64 channels"),
    (41, 0, "corrupt: the input shape is 1×0×28: expected 1 to 1024 rows and columns"),
    (45, 4096, "corrupt: the input shape is 1×28×4096: expected 1 to 1024 rows and columns"),
    (41, 0xFFFF_FFFF, "corrupt: the input shape is 1×4294967295×…: more than 67108864 values per image"),
    (41, 8, "corrupt: the input shape is 1×8×28: LeNet-5 needs 12×12 or more"),
    (
      45, 1000,
      "corrupt: it describes lenet for 1×28×1000 inputs and 10 classes, 2394506 parameter values, but it "
        + "holds 61706 values"
    ),
    (49, 0, "corrupt: the class count is 0; expected 2 to 256"),
    (49, 100_000, "corrupt: the class count is 100000; expected 2 to 256"),
    (53, 0xFFFF_FFFF, "corrupt: the parameter count is 4294967295, more than the 247108 bytes left can hold"),
    (
      57, 0xFFFF_FFF0,
      "corrupt: the name of parameter 0 needs 4294967280 bytes at offset 61, but only 247104 bytes follow"
    ),
    (74, 9, "corrupt: the shape of 0.conv.weight has 9 dimensions, at most 8 expected"),
    (
      78, 0x7FFF_FFFF,
      "corrupt: the shape of 0.conv.weight is 2147483647×…: more than 61772 values, what the rest of the file can hold"
    ),
  ])
  func eachHeaderFieldIsNamed(offset: Int, value: UInt32, expected: String) {
    #expect(refusal(Self.patched(Self.lenet, at: offset, value)) == expected)
  }

  @Test func unknownModelsAndResNetDepthsNameTheFileField() throws {
    var name = Self.lenet
    name[28] = UInt8(ascii: "x")
    #expect(
      refusal(Self.resealed(name)) == "holds an unknown model 'lenex'; expected lenet, mlp, resnet, fcn, resnet1d")
    let resnet = ModelFile(
      network: Architecture.resnet(layers: 8).build(inputShape: [3, 32, 32], seed: 1), architecture: .resnet(layers: 8)
    ).encodedVersion1()
    #expect(
      refusal(Self.patched(resnet, at: 30, 21))
        == "corrupt: the layer count of its ResNet is 21; expected 6n+2 from 8 to 1202")
    #expect(
      refusal(Self.patched(resnet, at: 30, 0x7FFF_FFFE))
        == "corrupt: the layer count of its ResNet is 2147483646; expected 6n+2 from 8 to 1202")
    #expect(
      refusal(Self.patched(resnet, at: 42, 28)) == "corrupt: the input shape is 3×28×32: a ResNet takes 32×32 inputs")
  }

  @Test(arguments: [(Float.nan, "NaN"), (.infinity, "inf"), (-.infinity, "-inf")])
  func nonFiniteWeightsAreRefusedNamingTheParameter(value: Float, shown: String) {
    // The first value of 0.conv.weight (its shape ends at 74 + 20), and the last of 11.dense.bias.
    #expect(
      refusal(Self.patched(Self.lenet, at: 94, value.bitPattern))
        == "parameter 0.conv.weight holds \(shown) at value 0 of 150: a model with a non-finite weight gives NaN for "
        + "every input (was it saved from a diverged run?)")
    #expect(
      refusal(Self.patched(Self.lenet, at: Self.lenet.count - 8, value.bitPattern)).hasPrefix(
        "parameter 11.dense.bias holds \(shown) at value 9 of 10"))
  }

  /// A FIFO is refused at once (it was waited on), a file beyond the limit without reading it all.
  @Test func fifosAndOversizedFilesAreRefused() throws {
    let fifo = folder.path + "/model.cnn"
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect(throws: ModelFileError(fifo, "is a named pipe (FIFO), not a regular file")) {
      try ModelFile.read(path: fifo)
    }
    let path = folder.write("big.cnnckpt", [UInt8](repeating: 0, count: 4096))
    #expect(throws: ModelFileError(path, "larger than 1000 bytes, more than such a file holds")) {
      try CheckpointFile.read(path: path, limit: 1000)
    }
  }

  /// A checkpoint's optimizer state and rank states are checked like weights.
  @Test func nonFiniteCheckpointStatesAreRefused() throws {
    let network = Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1)
    let model = ModelFile(network: network, architecture: .lenet)
    let path = folder.path + "/" + CheckpointFile.fileName
    var velocities = [Float](repeating: 0, count: network.parameterCount)
    velocities[7] = .nan
    try CheckpointFile.write(
      to: path, model: model, epoch: 1, steps: 9, ranks: 1, options: [:], optimizerState: velocities
    ) { _ in nil }
    #expect(
      throws: ModelFileError(
        path,
        "rank 0's optimizer state holds NaN at value 7 of 61706: a model with a non-finite weight gives NaN for every "
          + "input (was it saved from a diverged run?)")
    ) { try CheckpointFile.read(path: path) }
    velocities[7] = 0
    try CheckpointFile.write(
      to: path, model: model, epoch: 1, steps: 9, ranks: 2, options: [:], optimizerState: velocities
    ) { _ in [Float](repeating: .infinity, count: 3) }
    #expect(throws: ModelFileError.self) { try CheckpointFile.read(path: path) }
    do { _ = try CheckpointFile.read(path: path) } catch {
      #expect(error.problem.hasPrefix("the state of rank 1 holds inf at value 0 of 3"))
    }
  }

  /// The parameter count the graph's shapes give (which the file check uses) agrees with the networks built.
  @Test func parameterCountsMatchTheBuiltNetworks() {
    let cases: [(Architecture, [Int], Int)] = [
      (.lenet, [1, 28, 28], 10), (.lenet, [3, 32, 32], 7), (.lenet, [1, 13, 17], 2), (.lenet, [2, 45, 31], 10),
      (.mlp, [1, 28, 28], 10), (.mlp, [3, 5, 7], 3), (.resnet(layers: 8), [3, 32, 32], 10),
      (.resnet(layers: 14), [1, 32, 32], 5),
    ]
    for (architecture, shape, classes) in cases {
      let network = architecture.build(inputShape: shape, classes: classes, seed: 1)
      let values = network.parameters.reduce(0) { $0 + $1.value.count }
      let graph = architecture.graph(inputShape: shape, classes: classes)
      #expect((try? graph.shapes().totalParameterValues) == values, "\(architecture) \(shape)")
    }
  }
}
