import CZlib
import Foundation
import Testing

@testable import CNN

/// Model files and checkpoints: round trips, byte-identical files for equal weights, and refusal of corrupt files
/// and of files that do not fit the network, with the file, the expected and the found shapes named.
@Suite struct ModelFileTests {
  let folder = TemporaryFolder()

  /// A network whose weights, biases and batch-normalization statistics are all non-trivial.
  static func trainedResNet(seed: UInt64) -> Network {
    let network = Architecture.resnet(layers: 8).build(inputShape: [3, 32, 32], classes: 10, seed: seed)
    var generator = SeededGenerator(seed: seed &+ 100)
    for parameter in network.parameters where !parameter.isTrainable {
      for index in parameter.value.data.indices { parameter.value.data[index] = 0.5 + generator.nextUnit() }
    }
    return network
  }

  @Test(arguments: [Architecture.lenet, .mlp, .resnet(layers: 8)])
  func roundTripKeepsEveryValueAndEqualWeightsGiveIdenticalBytes(architecture: Architecture) throws {
    let shape = architecture == .resnet(layers: 8) ? [3, 32, 32] : [1, 28, 28]
    let network =
      architecture == .resnet(layers: 8) ? Self.trainedResNet(seed: 3) : architecture.build(inputShape: shape, seed: 3)
    let path = folder.path + "/model.cnn"
    try ModelFile.write(network: network, architecture: architecture, to: path)
    let file = try ModelFile.read(path: path)
    #expect(file.architecture == architecture && file.inputShape == shape && file.classes == 10)
    #expect(file.parameters.map(\.name) == network.parameters.map(\.name))
    let rebuilt = try file.build()
    for (original, copy) in zip(network.parameters, rebuilt.parameters) {
      #expect(original.value == copy.value, "\(original.name)")
    }
    // The rebuilt network writes the same bytes, and so does another network of the same seed.
    let first = try Data(contentsOf: URL(fileURLWithPath: path))
    try ModelFile.write(network: rebuilt, architecture: architecture, to: path)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == first)
    let twin =
      architecture == .resnet(layers: 8) ? Self.trainedResNet(seed: 3) : architecture.build(inputShape: shape, seed: 3)
    #expect(ModelFile(network: twin, architecture: architecture).encoded() == Array(first))
    // A network loaded from the file computes the same outputs.
    var input = Tensor(shape: [2] + shape)
    var generator = SeededGenerator(seed: 5)
    for index in input.data.indices { input.data[index] = generator.nextNormal() }
    #expect(network.forward(input, mode: .inference) == rebuilt.forward(input, mode: .inference))
    // Different weights, different bytes; no temporary file left behind.
    let other = architecture.build(inputShape: shape, seed: 4)
    #expect(ModelFile(network: other, architecture: architecture).encoded() != Array(first))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.cnn"])
  }

  /// The documented layout, field by field, on LeNet-5.
  @Test func layoutIsTheDocumentedOne() throws {
    let network = Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1)
    let bytes = ModelFile(network: network, architecture: .lenet).encoded()
    func uint32(_ offset: Int) -> Int { Int(bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }) }
    #expect(Array(bytes[0..<8]) == Array("CNNSWIFT".utf8))
    #expect(uint32(8) == 2)
    #expect(bytes[12..<20].reversed().reduce(0) { $0 << 8 | UInt64($1) } == UInt64(bytes.count))
    #expect(uint32(20) == 5 && Array(bytes[24..<29]) == Array("lenet".utf8))
    let graphLength = uint32(29)
    let graph = try ModelGraph.decode(json: Array(bytes[33..<33 + graphLength]))
    #expect(graph == Architecture.lenet.graph(inputShape: [1, 28, 28], classes: 10))
    let parametersAt = 33 + graphLength
    #expect(uint32(parametersAt) == 10)  // 5 weights and 5 biases
    let name = "0.conv.weight"
    let nameAt = parametersAt + 4
    #expect(
      uint32(nameAt) == name.utf8.count && Array(bytes[nameAt + 4..<nameAt + 4 + name.utf8.count]) == Array(name.utf8))
    let shapeAt = nameAt + 4 + name.utf8.count
    #expect(uint32(shapeAt) == 4 && uint32(shapeAt + 4) == 6 && uint32(shapeAt + 16) == 5)
    let first = Float(bitPattern: UInt32(uint32(shapeAt + 20)))
    #expect(first == network.parameters[0].value.data[0])
    let checksum = bytes[..<(bytes.count - 4)].withUnsafeBytes {
      UInt32(CZlib.crc32(0, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32($0.count)))
    }
    #expect(uint32(bytes.count - 4) == Int(checksum))
    // 61,706 trainable values, 4 bytes each, plus the graph, names and shapes.
    #expect(bytes.count > 61_706 * 4 && bytes.count < 61_706 * 4 + 1000 + graphLength)
  }

  @Test func corruptFilesAreRefusedNamingTheFileAndTheProblem() throws {
    let good = ModelFile(network: Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1), architecture: .lenet)
      .encoded()
    func refusal(_ bytes: [UInt8]) -> String {
      let path = folder.write("bad.cnn", bytes)
      do {
        _ = try ModelFile.read(path: path)
        return "accepted"
      } catch {
        #expect(error.path == path)
        return error.description
      }
    }
    #expect(refusal(Array("PK\u{3}\u{4}something".utf8)).contains("not a cnnswift model file: it starts with"))
    #expect(refusal([]).contains("the file is empty"))
    var version = good
    version[8] = 3
    #expect(refusal(version).contains("format version 3; this cnnswift reads versions 1 and 2"))
    #expect(refusal(Array(good[..<1000])).contains("truncated: 1000 bytes, its header says \(good.count)"))
    #expect(refusal(Array(good[..<10])).contains("truncated"))
    #expect(refusal(good + [0]).contains("something was appended"))
    var flipped = good
    flipped[5000] ^= 0x40
    #expect(refusal(flipped).contains("checksum mismatch"))
    var checksum = good
    checksum[checksum.count - 1] ^= 1
    #expect(refusal(checksum).contains("checksum mismatch"))
    #expect(throws: ModelFileError(folder.path + "/missing.cnn", "no such file")) {
      try ModelFile.read(path: folder.path + "/missing.cnn")
    }
  }

  @Test func aFileOfAnotherArchitectureIsRefusedWithExpectedAndFoundShapes() throws {
    let path = folder.path + "/lenet.cnn"
    try ModelFile.write(
      network: Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1), architecture: .lenet, to: path)
    let file = try ModelFile.read(path: path)
    // Into LeNet-5 for 3-channel 32×32 images: the first convolution and the first dense layer differ.
    let color = Architecture.lenet.build(inputShape: [3, 32, 32], seed: 1)
    let before = color.parameters.map(\.value)
    #expect(
      throws: ModelFileError(
        path,
        "does not fit the network: parameter 0.conv.weight: expected shape 6×3×5×5, found 6×1×5×5 (and 1 more "
          + "parameters differ)")
    ) { try file.load(into: color) }
    #expect(color.parameters.map(\.value) == before, "a refused file changes nothing")
    // Into the MLP: other parameters altogether.
    let mlp = Architecture.mlp.build(inputShape: [1, 28, 28], seed: 1)
    #expect(throws: ModelFileError.self) { try file.load(into: mlp) }
    do { try file.load(into: mlp) } catch {
      #expect(error.description.contains("parameter 0: expected 1.dense.weight of shape 512×784, found 0.conv.weight"))
    }
    // Into a deeper ResNet from a shallower one's file: block 4 is another stage's.
    let resnetPath = folder.path + "/resnet8.cnn"
    try ModelFile.write(network: Self.trainedResNet(seed: 1), architecture: .resnet(layers: 8), to: resnetPath)
    let resnet14 = Architecture.resnet(layers: 14).build(inputShape: [3, 32, 32], seed: 1)
    do {
      try ModelFile.read(path: resnetPath).load(into: resnet14)
      Issue.record("a resnet8 file loaded into resnet14")
    } catch {
      #expect(
        error.description.contains(
          "parameter 4.residual.conv1.weight: expected shape 16×16×3×3, found 32×16×3×3"),
        "\(error)")
    }
    // A tensor short: the missing one is named.
    var short = file
    short.parameters.removeLast()
    #expect(
      throws: ModelFileError(
        path, "has 9 parameter tensors, the network expects 10 (first missing: 11.dense.bias of shape 10)")
    ) { try short.build() }
    // The architecture check names both models.
    #expect(
      throws: ModelFileError(
        path, "holds lenet for 1×28×28 inputs and 10 classes; expected resnet20 for 3×32×32 inputs")
    ) { try file.expect(architecture: .resnet(layers: 20), inputShape: [3, 32, 32]) }
    try file.expect(architecture: .lenet, inputShape: [1, 28, 28], classes: 10)
  }

  /// A file that says `lenet` but holds the MLP's tensors (its checksum rewritten): `build` refuses it.
  @Test func buildRefusesTensorsThatDoNotFitTheFilesOwnArchitecture() throws {
    var file = ModelFile(network: Architecture.mlp.build(inputShape: [1, 28, 28], seed: 1), architecture: .mlp)
    file.graph = Architecture.lenet.graph(inputShape: [1, 28, 28], classes: 10)
    let path = folder.write("mislabelled.cnn", file.encoded())
    #expect(throws: ModelFileError.self) { try ModelFile.read(path: path).build() }
    do { _ = try ModelFile.read(path: path).build() } catch {
      #expect(error.description.hasPrefix(path + ": does not fit the network: parameter 0: expected 0.conv.weight"))
      #expect(error.description.contains("found 1.dense.weight of shape 512×784"))
    }
  }

  @Test func checkpointRoundTripKeepsEveryRanksState() throws {
    let network = Self.trainedResNet(seed: 2)
    let model = ModelFile(network: network, architecture: .resnet(layers: 8))
    let values = network.parameters.flatMap(\.value.data)
    let velocityCount = network.trainableParameters.reduce(0) { $0 + $1.value.count }
    let velocities = (0..<velocityCount).map { Float($0) * 1e-3 }
    let rank2 = values.map { $0 + 1 } + velocities.map { -$0 }
    let path = folder.path + "/" + CheckpointFile.fileName
    let options = ["batch": "32", "sync": "every:3", "model": "resnet8"]
    var asked: [Int] = []
    try CheckpointFile.write(
      to: path, model: model, epoch: 3, steps: 27, ranks: 3, options: options, optimizerState: velocities
    ) { rank in
      asked.append(rank)
      return rank == 2 ? rank2 : nil
    }
    #expect(asked == [1, 2])
    let checkpoint = try CheckpointFile.read(path: path)
    #expect((checkpoint.epoch, checkpoint.steps, checkpoint.ranks) == (3, 27, 3))
    #expect(checkpoint.options == options)
    #expect(checkpoint.model.encoded() == model.encoded())
    #expect(checkpoint.state(ofRank: 0) == values + velocities)
    #expect(checkpoint.state(ofRank: 1) == values + velocities && checkpoint.sharesRankZeroState(1))
    #expect(checkpoint.state(ofRank: 2) == rank2 && !checkpoint.sharesRankZeroState(2))
    #expect((0..<3).map { checkpoint.stateCount(ofRank: $0) } == [rank2.count, rank2.count, rank2.count])

    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[bytes.count / 2] ^= 1
    #expect(throws: ModelFileError.self) { try CheckpointFile(bytes: bytes, path: path) }
    do { _ = try CheckpointFile(bytes: bytes, path: path) } catch {
      #expect(error.problem.contains("checksum mismatch") && error.problem.contains("corrupt or truncated"))
    }
    do { _ = try CheckpointFile(bytes: Array(bytes[..<(bytes.count / 3)]), path: path) } catch {
      #expect(error.problem.contains("checksum mismatch"))
    }
    #expect(throws: ModelFileError.self) { try CheckpointFile(bytes: model.encoded(), path: path) }
  }

  /// A plateau schedule's progress is kept bit for bit, and a version-1 checkpoint (before schedules were kept)
  /// still reads, with none.
  @Test func checkpointKeepsThePlateauAndReadsVersionOne() throws {
    let network = Architecture.mlp.build(inputShape: [1, 28, 28], seed: 1)
    let model = ModelFile(network: network, architecture: .mlp)
    let path = folder.path + "/" + CheckpointFile.fileName
    let state = [Float](repeating: 0.5, count: 2 * network.parameterCount)
    let plateau = PlateauSchedule.Progress(rate: 0.000_25, best: 0.123_456_789_012_345, badEpochs: 7)
    try CheckpointFile.write(
      to: path, model: model, epoch: 4, steps: 40, ranks: 1, options: ["optimizer": "adam"], plateau: plateau,
      optimizerState: state
    ) { _ in nil }
    let checkpoint = try CheckpointFile.read(path: path)
    #expect(checkpoint.plateau == plateau && checkpoint.optimizerState == state)

    try CheckpointFile.write(
      to: path, model: model, epoch: 4, steps: 40, ranks: 1, options: [:], optimizerState: state
    ) { _ in nil }
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    // Version 2 with no schedule is version 1 with one more byte (the schedule's tag 0) before the state.
    let tagOffset = bytes.count - 4 - (8 + 4 * state.count) - 1
    #expect(bytes[tagOffset] == 0)
    bytes.remove(at: tagOffset)
    bytes[8] = 1
    bytes.removeLast(4)
    var checksum = ByteWriter()
    checksum.append(crc32(bytes[...]))
    let old = try CheckpointFile(bytes: bytes + checksum.bytes, path: path)
    #expect(old.plateau == nil && old.optimizerState == state && old.epoch == 4)
  }

  /// A checkpoint that failed part way leaves the previous one in place.
  @Test func aFailedCheckpointWriteKeepsThePreviousFile() throws {
    let network = Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1)
    let model = ModelFile(network: network, architecture: .lenet)
    let path = folder.path + "/" + CheckpointFile.fileName
    let velocities = [Float](repeating: 0, count: network.parameterCount)
    try CheckpointFile.write(
      to: path, model: model, epoch: 1, steps: 9, ranks: 2, options: [:], optimizerState: velocities
    ) {
      _ in nil
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    struct Interrupted: Error {}
    #expect(throws: Interrupted.self) {
      try CheckpointFile.write(
        to: path, model: model, epoch: 2, steps: 18, ranks: 2, options: [:], optimizerState: velocities
      ) { _ in throw Interrupted() }
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [CheckpointFile.fileName])
    #expect(try CheckpointFile.read(path: path).epoch == 1)
  }
}
