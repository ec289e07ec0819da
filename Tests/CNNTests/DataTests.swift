import CZlib
import Foundation
import Testing

@testable import CNN

/// The data readers on fixture files this suite writes into a temporary folder (IDX gzipped and not, CIFAR-10,
/// corrupt variants), sharding, shuffling, padding, batches and the synthetic set; and, when Debian's
/// dataset-fashion-mnist is installed, the real Fashion-MNIST.
@Suite struct DataTests {
  let folder = TemporaryFolder()

  // MARK: - IDX files

  @Test(arguments: [false, true])
  func idxReadsExactPixelsAndLabels(gzipped: Bool) throws {
    let path = folder.write("images", idxImages(count: 5, rows: 3, columns: 4), gzipped: gzipped)
    let labelsPath = folder.write("labels", idxLabels([3, 1, 4, 1, 5]), gzipped: gzipped)
    let images = try IDXFile(path: path, kind: .images)
    #expect((images.count, images.rows, images.columns, images.isGzip) == (5, 3, 4, gzipped))
    #expect(try images.read(0..<5) == (0..<5).flatMap { fixturePixels(sample: $0, size: 12) })
    #expect(try images.read(2..<4) == (2..<4).flatMap { fixturePixels(sample: $0, size: 12) })
    #expect(try images.read(3..<3) == [])
    let labels = try IDXFile(path: labelsPath, kind: .labels)
    #expect(labels.count == 5)
    #expect(try labels.readLabels(0..<5, classes: 10) == [3, 1, 4, 1, 5])
    #expect(try labels.readLabels(4..<5, classes: 10) == [5])
  }

  /// Records far from the start and across the reader's chunk boundaries, from incompressible data (so the
  /// compressed file spans several input chunks) and from a gzip file of two members.
  @Test func gzipStreamsSkipsAndReadsConcatenatedMembers() throws {
    let bytes = idxImages(count: 500, rows: 28, columns: 28, pixel: noisePixel)
    let plain = folder.write("big", bytes)
    let zipped = folder.write("big", bytes, gzipped: true)
    let cut = bytes.count / 3
    let twoMembers = folder.write("two.gz", gzip(Array(bytes[..<cut])) + gzip(Array(bytes[cut...])))
    let expected = try IDXFile(path: plain, kind: .images).read(0..<500)
    #expect(expected == Array(bytes[16...]))
    for path in [zipped, twoMembers] {
      let file = try IDXFile(path: path, kind: .images)
      #expect(file.isGzip)
      #expect(try file.read(0..<500) == expected)
      #expect(try file.read(317..<499) == Array(expected[317 * 784..<499 * 784]))
    }
  }

  @Test func wrongMagicNamesFileExpectedAndFound() throws {
    let path = folder.write("labels-as-images", idxLabels([1, 2]))
    let error = try #require(throws: DataError.self) { try IDXFile(path: path, kind: .images) }
    #expect(error.subject == path)
    #expect(error.problem.contains("wrong magic number: expected 0x00000803"))
    #expect(error.problem.contains("found 0x00000801 (IDX labels"))
    let text = folder.write("text", Array("hello, world, not IDX".utf8))
    let notIDX = try #require(throws: DataError.self) { try IDXFile(path: text, kind: .labels) }
    #expect(notIDX.problem.contains("not an IDX file"))
  }

  @Test func truncatedFilesGiveExpectedAndFoundSizes() throws {
    let bytes = idxImages(count: 4, rows: 5, columns: 5)
    let short = Array(bytes.dropLast(7))
    for gzipped in [false, true] {
      let path = folder.write("short", short, gzipped: gzipped)
      let error = try #require(throws: DataError.self) { try IDXFile(path: path, kind: .images) }
      #expect(error.subject == path)
      #expect(error.problem.contains("truncated: expected 116 bytes (a 16-byte header and 4 images of 5×5)"))
      #expect(error.problem.contains("found 109 bytes"))
    }
    // A gzip file cut short: its trailer is gone, so the reader inflates what there is and says so.
    let zipped = gzip(idxImages(count: 40, rows: 28, columns: 28, pixel: noisePixel))
    let cutPath = folder.write("cut.gz", Array(zipped.prefix(zipped.count / 2)))
    let cut = try #require(throws: DataError.self) { try IDXFile(path: cutPath, kind: .images) }
    #expect(cut.problem.contains("truncated: expected 31376 bytes"))
    #expect(cut.problem.contains("the gzip data itself is cut short"))
    let header = folder.write("header", Array(bytes.prefix(10)))
    let headerError = try #require(throws: DataError.self) { try IDXFile(path: header, kind: .images) }
    #expect(headerError.problem == "truncated: expected a 16-byte IDX header, found 10 bytes")
    let long = folder.write("long", bytes + [0, 0, 0])
    let longError = try #require(throws: DataError.self) { try IDXFile(path: long, kind: .images) }
    #expect(longError.problem.contains("3 bytes after the last record"))
  }

  @Test func corruptGzipAndMissingFilesAreNamed() throws {
    var zipped = gzip(idxImages(count: 40, rows: 28, columns: 28))
    for i in zipped.count / 2..<zipped.count / 2 + 8 { zipped[i] ^= 0x5A }
    let path = folder.write("corrupt.gz", zipped)
    let error = try #require(throws: DataError.self) { try IDXFile(path: path, kind: .images).read(0..<40) }
    #expect(error.subject == path)
    #expect(error.problem.contains("corrupt gzip data"), "\(error)")
    let missing = folder.path + "/absent"
    let absent = try #require(throws: DataError.self) { try IDXFile(path: missing, kind: .images) }
    #expect(absent == DataError(missing, "no such file"))
  }

  @Test func imageCountNotMatchingLabelsIsRefused() throws {
    let directory = try idxFolder(train: 5, test: 2)
    folder.write("\(directory)/train-labels-idx1-ubyte", idxLabels([0, 1, 2, 3]))
    let error = try #require(throws: DataError.self) { try Dataset(.directory(directory, format: .detect)) }
    #expect(error.subject == "\(directory)/train-images-idx3-ubyte")
    #expect(error.problem.contains("5 images, but \(directory)/train-labels-idx1-ubyte has 4 labels"))
  }

  @Test func labelsOutOfRangeAreRefused() throws {
    let path = folder.write("labels", idxLabels([0, 9, 10, 3]))
    let file = try IDXFile(path: path, kind: .labels)
    #expect(try file.readLabels(0..<2, classes: 10) == [0, 9])
    let error = try #require(throws: DataError.self) { try file.readLabels(0..<4, classes: 10) }
    #expect(error == DataError(path, "label out of range: label 2 is 10, expected 0...9"))
  }

  @Test func missingAndEmptyFoldersAreNamed() throws {
    let directory = try idxFolder(train: 3, test: 2)
    try FileManager.default.removeItem(atPath: "\(directory)/t10k-labels-idx1-ubyte")
    let error = try #require(throws: DataError.self) { try Dataset(.directory(directory, format: .detect)) }
    #expect(error == DataError("\(directory)/t10k-labels-idx1-ubyte[.gz]", "no such file"))
    let empty = folder.path + "/empty"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let none = try #require(throws: DataError.self) { try Dataset(.directory(empty, format: .detect)) }
    #expect(none.subject == empty && none.problem.hasPrefix("no data files: expected train-images-idx3-ubyte[.gz]"))
    let nowhere = try #require(throws: DataError.self) { try Dataset(.directory(empty + "/x", format: .detect)) }
    #expect(nowhere == DataError(empty + "/x", "no such folder"))
  }

  // MARK: - CIFAR-10

  @Test func cifarReadsRecordsAcrossBatchFiles() throws {
    let directory = try cifarFolder(trainCounts: [1, 2, 1, 2, 1], test: 2)
    let data = try Dataset(.directory(directory, format: .detect))
    #expect(data.kind == .cifar10 && data.storedShape == [3, 32, 32] && data.normalization == .cifar10)
    #expect((data.count(.train), data.count(.test)) == (7, 2))
    let train = try data.trainingSet()
    #expect(train.labels == (0..<7).map { UInt8($0 % 10) })
    #expect(train.pixels == (0..<7).flatMap { fixturePixels(sample: $0, size: 3072) })
    let test = try data.testSet()
    #expect(test.labels == [0, 1] && test.pixels == (100..<102).flatMap { fixturePixels(sample: $0, size: 3072) })
    // The archive's own folder inside the given one is found too.
    let parent = folder.path + "/parent"
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    try FileManager.default.moveItem(atPath: directory, toPath: parent + "/cifar-10-batches-bin")
    #expect(try Dataset(.directory(parent, format: .detect)).count(.train) == 7)
  }

  @Test func cifarCorruptFilesAreNamed() throws {
    let directory = try cifarFolder(trainCounts: [1, 1, 1, 1, 1], test: 1)
    let path = "\(directory)/data_batch_3.bin"
    folder.write(path, cifarRecords(0..<2).dropLast(100))
    let error = try #require(throws: DataError.self) { try Dataset(.directory(directory, format: .cifar10)) }
    #expect(error.subject == path)
    #expect(error.problem.contains("truncated: expected a whole number of 3073-byte records"))
    #expect(error.problem.contains("found 6046 bytes: 1 records and 2973 bytes of record 2"))
    var badLabel = cifarRecords(0..<2)
    badLabel[3073] = 11
    folder.write(path, badLabel)
    let labelError = try #require(throws: DataError.self) {
      try Dataset(.directory(directory, format: .detect)).trainingSet()
    }
    #expect(labelError == DataError(path, "label out of range: record 1 has label 11, expected 0...9"))
    try FileManager.default.removeItem(atPath: "\(directory)/data_batch_5.bin")
    let missing = try #require(throws: DataError.self) { try Dataset(.directory(directory, format: .detect)) }
    #expect(missing == DataError("\(directory)/data_batch_5.bin", "no such file"))
  }

  // MARK: - Normalization, padding, batches

  @Test func normalizationMatchesPyTorchFormula() throws {
    let directory = try idxFolder(train: 4, test: 2, rows: 2, columns: 3)
    for (spec, mean, std) in [("\(directory)", 0.2860, 0.3530), ("mnist:\(directory)", 0.1307, 0.3081)]
      as [(String, Float, Float)]
    {
      let split = try Dataset(DataSource(spec: spec)).trainingSet()
      let expected = split.pixels.map { (Float($0) / 255 - mean) / std }
      #expect(split.normalizedImages() == expected)
    }
    let cifar = try Dataset(.directory(try cifarFolder(trainCounts: [1, 1, 1, 1, 1], test: 1), format: .detect))
    let batch = try cifar.testSet().batch([0])
    let pixels = fixturePixels(sample: 100, size: 3072)
    let means: [Float] = [0.4914, 0.4822, 0.4465]
    let stds: [Float] = [0.2470, 0.2435, 0.2616]
    #expect(batch.images.data == pixels.enumerated().map { (Float($1) / 255 - means[$0 / 1024]) / stds[$0 / 1024] })
  }

  @Test func paddingCentersImagesOnBlack() throws {
    let directory = try idxFolder(train: 3, test: 1)
    let data = try Dataset(.directory(directory, format: .detect), padTo32: true)
    #expect(data.storedShape == [1, 28, 28] && data.sampleShape == [1, 32, 32])
    let split = try data.trainingSet()
    #expect(split.sampleShape == [1, 32, 32])
    let (images, _) = split.batch([2, 0])
    #expect(images.shape == [2, 1, 32, 32])
    let black = Normalization.fashionMNIST.normalize(0, channel: 0)
    for (slot, sample) in [2, 0].enumerated() {
      let source = fixturePixels(sample: sample, size: 784)
      for y in 0..<32 {
        for x in 0..<32 {
          let value = images.data[slot * 1024 + y * 32 + x]
          let inside = (2..<30).contains(y) && (2..<30).contains(x)
          let expected = inside ? Normalization.fashionMNIST.normalize(source[(y - 2) * 28 + x - 2], channel: 0) : black
          #expect(value == expected, "sample \(sample) at \(y), \(x)")
        }
      }
    }
    let cifar = try Dataset(.directory(try cifarFolder(trainCounts: [1, 1, 1, 1, 1], test: 1), format: .detect))
    #expect(try cifar.testSet().paddedTo32().batch([0]).images == cifar.testSet().batch([0]).images)
  }

  @Test func batchTensorIsNCHWInIndexOrder() throws {
    let cifar = try Dataset(.directory(try cifarFolder(trainCounts: [2, 2, 2, 2, 2], test: 1), format: .detect))
    let split = try cifar.trainingSet()
    let indices = [7, 2, 9]
    let (images, labels) = split.batch(indices)
    #expect(images.shape == [3, 3, 32, 32])
    #expect(labels == [7, 2, 9])
    for (b, sample) in indices.enumerated() {
      let pixels = fixturePixels(sample: sample, size: 3072)
      for (c, y, x) in [(0, 0, 0), (1, 5, 7), (2, 31, 31), (2, 0, 31)] {
        let value = images.data[((b * 3 + c) * 32 + y) * 32 + x]
        #expect(value == Normalization.cifar10.normalize(pixels[(c * 32 + y) * 32 + x], channel: c))
      }
    }
    var reused = Tensor(shape: [1])
    var reusedLabels = [42]
    split.fillBatch(indices, images: &reused, labels: &reusedLabels)
    #expect(reused == images && reusedLabels == labels)
  }

  // MARK: - Sharding and shuffling

  @Test(arguments: [1, 2, 3])
  func shardsAreDisjointCoverAllAndAgreeAcrossReadPaths(ranks: Int) throws {
    let plain = try idxFolder(train: 11, test: 4, name: "plain")
    let zipped = try idxFolder(train: 11, test: 4, name: "zipped", gzipped: true)
    let cifar = try cifarFolder(trainCounts: [3, 2, 1, 4, 1], test: 1)
    for directory in [plain, zipped, cifar] {
      let data = try Dataset(.directory(directory, format: .detect))
      let whole = try data.trainingSet()
      let shards = try (0..<ranks).map { try data.shard(rank: $0, of: ranks) }
      let sizes = shards.map(\.count)
      #expect(sizes.reduce(0, +) == 11 && sizes.max()! - sizes.min()! <= 1)
      #expect(shards.first!.globalRange.lowerBound == 0 && shards.last!.globalRange.upperBound == 11)
      #expect(zip(shards, shards.dropFirst()).allSatisfy { $0.globalRange.upperBound == $1.globalRange.lowerBound })
      #expect(shards.flatMap(\.labels) == whole.labels)
      #expect(shards.flatMap(\.pixels) == whole.pixels)
      for shard in shards {
        let size = shard.storedShape.reduce(1, *)
        #expect(
          shard.pixels == Array(whole.pixels[shard.globalRange.lowerBound * size..<shard.globalRange.upperBound * size])
        )
      }
    }
    // Plain and gzipped files give the same shards.
    for rank in 0..<ranks {
      let a = try Dataset(.directory(plain, format: .detect)).shard(rank: rank, of: ranks)
      let b = try Dataset(.directory(zipped, format: .detect)).shard(rank: rank, of: ranks)
      #expect(a.pixels == b.pixels && a.labels == b.labels && a.globalRange == b.globalRange)
    }
  }

  @Test func shardRangesAndTooManyRanks() throws {
    #expect((0..<3).map { Dataset.shardRange(rank: $0, of: 3, count: 10) } == [0..<4, 4..<7, 7..<10])
    #expect((0..<4).map { Dataset.shardRange(rank: $0, of: 4, count: 2) } == [0..<1, 1..<2, 2..<2, 2..<2])
    let data = try Dataset(.synthetic(count: 3, seed: 1))
    let error = try #require(throws: DataError.self) { try data.shard(rank: 0, of: 4) }
    #expect(
      error == DataError("synthetic:3", "3 training samples cannot be shared by 4 ranks: every rank needs at least one")
    )
    #expect(try data.load(.test, rank: 0, of: 4).count == 1)
  }

  @Test func epochOrderIsASeededPermutationPerEpoch() throws {
    let split = try Dataset(.synthetic(count: 50, seed: 0)).trainingSet()
    let order = split.epochOrder(epoch: 0, seed: 7)
    #expect(order.sorted() == Array(0..<50) && order != Array(0..<50))
    #expect(split.epochOrder(epoch: 0, seed: 7) == order)
    #expect(split.epochOrder(epoch: 1, seed: 7) != order)
    #expect(split.epochOrder(epoch: 0, seed: 8) != order)
    // Pinned, so that a change of algorithm (which would change every seeded run) is noticed.
    #expect(Array(order.prefix(8)) == [38, 9, 2, 26, 16, 7, 32, 27])
  }

  // MARK: - Synthetic data and sources

  @Test func syntheticIsDeterministicShardableAndLearnable() throws {
    let data = SyntheticData(sampleShape: [1, 28, 28], seed: 3)
    let all = data.generate(0..<600, partition: .train)
    #expect(data.generate(0..<600, partition: .train) == all)
    let middle = data.generate(250..<260, partition: .train)
    #expect(middle.pixels == Array(all.pixels[250 * 784..<260 * 784]) && middle.labels == Array(all.labels[250..<260]))
    #expect(SyntheticData(sampleShape: [1, 28, 28], seed: 4).generate(0..<600, partition: .train).pixels != all.pixels)
    #expect(data.generate(0..<600, partition: .test).pixels != all.pixels)
    #expect(Set(all.labels) == Set(0..<10))
    // Nearest class mean, fitted on 600 samples, on 300 others: far above chance (10 %), short of perfect.
    let test = data.generate(600..<900, partition: .train)
    let accuracy = nearestMeanAccuracy(train: all, test: test, size: 784, classes: 10)
    #expect(accuracy > 0.5 && accuracy < 1.0, "nearest-mean accuracy \(accuracy)")
    // The normalization constants describe the generator's pixels.
    let values = all.pixels.map { Double($0) / 255 }
    let mean = values.reduce(0, +) / Double(values.count)
    let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    #expect(
      abs(mean - Double(SyntheticData.pixelMean)) < 0.03 && abs(std - Double(SyntheticData.pixelStd)) < 0.02,
      "\(mean) \(std)")
  }

  @Test func syntheticDatasetShapesAndShards() throws {
    let data = try Dataset(DataSource(spec: "synthetic:100"), syntheticShape: [3, 32, 32])
    #expect(data.kind == .synthetic && data.sampleShape == [3, 32, 32])
    #expect((data.count(.train), data.count(.test)) == (100, 16))
    let whole = try data.trainingSet()
    let shards = try (0..<3).map { try data.shard(rank: $0, of: 3) }
    #expect(shards.flatMap(\.pixels) == whole.pixels && shards.flatMap(\.labels) == whole.labels)
    let (images, labels) = whole.batch(whole.epochOrder(epoch: 0, seed: 1).prefix(8))
    #expect(images.shape == [8, 3, 32, 32] && labels.count == 8)
    let padded = try Dataset(DataSource(spec: "synthetic:10"), padTo32: true).trainingSet()
    #expect(padded.sampleShape == [1, 32, 32])
  }

  @Test func dataSpecsParse() throws {
    #expect(try DataSource(spec: nil) == .default)
    #expect(try DataSource(spec: "") == .directory("/usr/share/datasets/fashion-mnist", format: .fashionMNIST))
    #expect(try DataSource(spec: "synthetic") == .synthetic(count: 10_000, seed: 0))
    #expect(try DataSource(spec: "synthetic:512") == .synthetic(count: 512, seed: 0))
    #expect(try DataSource(spec: "/data/x") == .directory("/data/x", format: .detect))
    #expect(try DataSource(spec: "mnist:/data/m") == .directory("/data/m", format: .mnist))
    #expect(try DataSource(spec: "cifar10:/c") == .directory("/c", format: .cifar10))
    #expect(try DataSource(spec: "fashion-mnist:/f").description == "fashion-mnist:/f")
    for bad in ["synthetic:0", "synthetic:ten", "synthetic:-3", "mnist:"] {
      let error = try #require(throws: DataError.self) { try DataSource(spec: bad) }
      #expect(error.subject == "--data \(bad)")
    }
  }

  // MARK: - The real Fashion-MNIST

  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: DataSource.defaultDirectory + "/train-images-idx3-ubyte.gz"),
      "Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)"))
  func realFashionMNISTFirstAndLastRecords() throws {
    let data = try Dataset()
    #expect(data.kind == .fashionMNIST && data.storedShape == [1, 28, 28])
    #expect((data.count(.train), data.count(.test)) == (60_000, 10_000))
    let images = try IDXFile(path: DataSource.defaultDirectory + "/train-images-idx3-ubyte.gz", kind: .images)
    let labels = try IDXFile(path: DataSource.defaultDirectory + "/train-labels-idx1-ubyte.gz", kind: .labels)
    let first = try images.read(0..<1)
    let last = try images.read(59_999..<60_000)
    // Values from Python's gzip module on the same files.
    #expect(first.reduce(0) { $0 + Int($1) } == 76_247 && first[99] == 13 && first[100] == 73)
    #expect(last.reduce(0) { $0 + Int($1) } == 16_684 && last[239] == 71 && last[240] == 13)
    #expect(try labels.readLabels(0..<1, classes: 10) == [9] && labels.readLabels(59_999..<60_000, classes: 10) == [5])
    let lastShard = try data.shard(rank: 6, of: 7)
    #expect(lastShard.count == 8571 && Array(lastShard.pixels.suffix(784)) == last)
  }
}

// MARK: - Fixtures

/// A folder under the system's temporary directory, removed with its contents when the test ends.
final class TemporaryFolder: Sendable {
  let path: String

  init() {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("DataTests-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `bytes` (gzipped, with `.gz` appended, if asked) to `name` in the folder, or to `name` if absolute.
  @discardableResult
  func write(_ name: String, _ bytes: [UInt8], gzipped: Bool = false) -> String {
    let file = (name.hasPrefix("/") ? name : path + "/" + name) + (gzipped ? ".gz" : "")
    precondition(FileManager.default.createFile(atPath: file, contents: Data(gzipped ? gzip(bytes) : bytes)), file)
    return file
  }
}

extension DataTests {
  /// A folder of the four IDX files; training sample i has the label i % 10 and `fixturePixels(sample: i, …)`,
  /// test sample i those of sample 100 + i.
  func idxFolder(
    train: Int, test: Int, rows: Int = 28, columns: Int = 28, name: String = "idx", gzipped: Bool = false
  ) throws -> String {
    let directory = folder.path + "/" + name
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    folder.write(
      "\(directory)/train-images-idx3-ubyte", idxImages(count: train, rows: rows, columns: columns), gzipped: gzipped)
    folder.write(
      "\(directory)/train-labels-idx1-ubyte", idxLabels((0..<train).map { UInt8($0 % 10) }), gzipped: gzipped)
    folder.write(
      "\(directory)/t10k-images-idx3-ubyte", idxImages(count: test, rows: rows, columns: columns, first: 100),
      gzipped: gzipped)
    folder.write("\(directory)/t10k-labels-idx1-ubyte", idxLabels((0..<test).map { UInt8($0 % 10) }), gzipped: gzipped)
    return directory
  }

  /// CIFAR-10 batch files holding `trainCounts` records each (numbered on across files) and a test batch.
  func cifarFolder(trainCounts: [Int], test: Int) throws -> String {
    let directory = folder.path + "/cifar"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var first = 0
    for (i, count) in trainCounts.enumerated() {
      folder.write("\(directory)/data_batch_\(i + 1).bin", cifarRecords(first..<first + count))
      first += count
    }
    folder.write("\(directory)/test_batch.bin", cifarRecords(100..<100 + test, labelOffset: 100))
    return directory
  }

  func nearestMeanAccuracy(
    train: (pixels: [UInt8], labels: [UInt8]), test: (pixels: [UInt8], labels: [UInt8]), size: Int, classes: Int
  ) -> Double {
    var means = [[Double]](repeating: [Double](repeating: 0, count: size), count: classes)
    var counts = [Double](repeating: 0, count: classes)
    for (i, label) in train.labels.enumerated() {
      counts[Int(label)] += 1
      for p in 0..<size { means[Int(label)][p] += Double(train.pixels[i * size + p]) }
    }
    for k in 0..<classes { means[k] = means[k].map { $0 / max(counts[k], 1) } }
    var correct = 0
    for (i, label) in test.labels.enumerated() {
      var distances = [Double](repeating: 0, count: classes)
      for k in 0..<classes {
        for p in 0..<size {
          let difference = Double(test.pixels[i * size + p]) - means[k][p]
          distances[k] += difference * difference
        }
      }
      if distances.firstIndex(of: distances.min()!) == Int(label) { correct += 1 }
    }
    return Double(correct) / Double(test.labels.count)
  }
}

/// The fixtures' pixels: distinct per sample and position, covering all byte values.
func fixturePixels(sample: Int, size: Int) -> [UInt8] {
  (0..<size).map { UInt8((sample * 37 + $0 * 13 + $0 / 7) % 256) }
}

/// Pixels that do not compress, so a gzip file is as large as its data.
func noisePixel(sample: Int, position: Int) -> UInt8 {
  var generator = SeededGenerator(seed: UInt64(sample * 1_000_003 + position))
  return UInt8(truncatingIfNeeded: generator.next())
}

func bigEndian(_ value: Int) -> [UInt8] {
  [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
}

/// An IDX images file: samples `first..<first + count`.
func idxImages(
  count: Int, rows: Int, columns: Int, first: Int = 0, pixel: ((Int, Int) -> UInt8)? = nil
) -> [UInt8] {
  var bytes = bigEndian(0x803) + bigEndian(count) + bigEndian(rows) + bigEndian(columns)
  for sample in first..<first + count {
    if let pixel {
      bytes += (0..<rows * columns).map { pixel(sample, $0) }
    } else {
      bytes += fixturePixels(sample: sample, size: rows * columns)
    }
  }
  return bytes
}

func idxLabels(_ labels: [UInt8]) -> [UInt8] {
  bigEndian(0x801) + bigEndian(labels.count) + labels
}

/// CIFAR-10 records for samples `range`: label `(sample - labelOffset) % 10`, pixels `fixturePixels`.
func cifarRecords(_ range: Range<Int>, labelOffset: Int = 0) -> [UInt8] {
  range.flatMap { [UInt8((($0 - labelOffset) % 10))] + fixturePixels(sample: $0, size: 3072) }
}

/// `bytes` as a gzip file (one member), through zlib's deflate.
func gzip(_ bytes: [UInt8]) -> [UInt8] {
  // zlib keeps a pointer back to the stream, so it needs a fixed address.
  let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  stream.initialize(to: z_stream())
  defer { stream.deallocate() }
  // 15 + 16: gzip wrapper rather than zlib's.
  let size = Int32(MemoryLayout<z_stream>.size)
  precondition(deflateInit2_(stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), size) == Z_OK)
  var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(bytes.count))) + 64)
  var input = bytes
  let written = input.withUnsafeMutableBufferPointer { source in
    output.withUnsafeMutableBufferPointer { destination in
      stream.pointee.next_in = source.baseAddress
      stream.pointee.avail_in = UInt32(source.count)
      stream.pointee.next_out = destination.baseAddress
      stream.pointee.avail_out = UInt32(destination.count)
      precondition(deflate(stream, Z_FINISH) == Z_STREAM_END)
      return destination.count - Int(stream.pointee.avail_out)
    }
  }
  deflateEnd(stream)
  return Array(output.prefix(written))
}
