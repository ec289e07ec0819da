import Files
import Foundation

/// A data set ready for training: its files found and checked, nothing but their headers read yet.
///
/// Opening checks every file (names, magic numbers, sizes, counts matching) so that a bad folder fails before
/// training starts; `shard(rank:of:)` then reads only one rank's contiguous part of the training set, and
/// `load(_:rank:of:)` any part of either set.
///
/// ```swift
/// let data = try Dataset(DataSource(spec: "--data value"), padTo32: true)
/// let shard = try data.shard(rank: rank, of: size)
/// for epoch in 0..<epochs {
///   let order = shard.epochOrder(epoch: epoch, seed: seed)
///   for start in stride(from: 0, to: order.count, by: batch) {
///     let (images, labels) = shard.batch(order[start..<min(start + batch, order.count)])
///     …
///   }
/// }
/// ```
public struct Dataset: Sendable {
  /// Which data set it is, which decides the normalization.
  public enum Kind: String, Sendable, Equatable {
    case fashionMNIST = "Fashion-MNIST"
    case mnist = "MNIST"
    case cifar10 = "CIFAR-10"
    case synthetic
    /// A UCR/UEA time-series data set (``TimeSeriesFile``).
    case timeSeries = "time series"
  }

  private enum Storage: Sendable {
    case idx(train: (images: IDXFile, labels: IDXFile), test: (images: IDXFile, labels: IDXFile))
    case cifar(train: [CIFAR10File], test: CIFAR10File)
    case synthetic(SyntheticData, train: Int, test: Int)
    /// Both files' samples as prepared, read whole (the archives' largest training file is 270 MB).
    case timeSeries(train: (values: [Float], labels: [UInt8]), test: (values: [Float], labels: [UInt8]))
  }

  /// The largest synthetic templates (classes × C × H × W floats): 256 MiB, 2,500 times those of 10 classes of
  /// 3 × 32 × 32.
  static let templateLimit = 256 << 20

  /// The file names of MNIST and Fashion-MNIST, each possibly followed by `.gz`.
  public static let idxNames = (
    trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
    testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte"
  )
  /// The file names of CIFAR-10's binary version.
  public static let cifarTrainNames = (1...5).map { "data_batch_\($0).bin" }
  /// The file name of CIFAR-10's test batch.
  public static let cifarTestName = "test_batch.bin"

  /// Where the data comes from.
  public let source: DataSource
  /// Which data set it is.
  public let kind: Kind
  /// The shape of one sample in the files, `[C, H, W]`.
  public let storedShape: [Int]
  /// The shape of one sample as delivered, `[C, H, W]` (32 × 32 when padded).
  public let sampleShape: [Int]
  /// The number of classes.
  public let classes: Int
  /// The normalization applied to every pixel.
  public let normalization: Normalization
  /// Whether samples are padded to 32 × 32.
  public let padTo32: Bool
  /// The classes' names where the files give them (a time-series file's `@classLabel`), else nil.
  public let classNames: [String]?
  /// The problem's name where the files give one (`@problemName`).
  public let problemName: String?
  private let storage: Storage

  /// Finds and checks the files of `source`. `syntheticShape` is the sample shape `[C, H, W]` of a synthetic set
  /// (the model's input); `padTo32` delivers smaller images as 32 × 32; a time-series set is read whole and
  /// prepared by `timeSeries`, its samples `[dimensions, 1, length]` and its classes the files'.
  public init(
    _ source: DataSource = .default, syntheticShape: [Int] = [1, 28, 28], classes: Int = 10, padTo32: Bool = false,
    timeSeries: TimeSeriesPreparation = TimeSeriesPreparation()
  ) throws(DataError) {
    self.source = source
    self.padTo32 = padTo32
    switch source {
    case .timeSeries(let trainPath, let testPath):
      let (train, test) = (try TimeSeriesFile(path: trainPath), try TimeSeriesFile(path: testPath))
      guard test.dimensions == train.dimensions, test.classNames == train.classNames else {
        throw DataError(
          testPath,
          "\(test.dimensions) dimensions and classes \(test.classNames.joined(separator: " ")); the training file "
            + "has \(train.dimensions) and \(train.classNames.joined(separator: " "))")
      }
      let length = max(train.lengths.max()!, test.lengths.max()!)
      storage = .timeSeries(
        train: (try timeSeries.samples(of: train, length: length, path: trainPath), train.labels.map { UInt8($0) }),
        test: (try timeSeries.samples(of: test, length: length, path: testPath), test.labels.map { UInt8($0) }))
      (kind, storedShape, normalization) = (
        .timeSeries, [train.dimensions, 1, length], .identity(channels: train.dimensions)
      )
      (self.classes, classNames, problemName) = (train.classNames.count, train.classNames, train.problemName)
    case .synthetic(let count, let seed):
      (self.classes, classNames, problemName) = (classes, nil, nil)
      // The generator holds a template per class; a model file's input shape decides its size.
      let templateBytes = syntheticShape.reduce(classes * 4, *)
      guard syntheticShape.count == 3, syntheticShape.allSatisfy({ $0 >= 1 }), templateBytes <= Self.templateLimit
      else {
        throw DataError(
          source.description,
          "synthetic images of \(syntheticShape.map(String.init).joined(separator: "×")) in \(classes) classes "
            + "need \(templateBytes >> 20) MiB of templates; at most \(Self.templateLimit >> 20) MiB")
      }
      let data = SyntheticData(sampleShape: syntheticShape, classes: classes, seed: seed)
      kind = .synthetic
      storage = .synthetic(data, train: count, test: max(1, count / 6))
      storedShape = syntheticShape
      normalization = .synthetic(channels: syntheticShape[0])
    case .directory(let path, let format):
      (self.classes, classNames, problemName) = (classes, nil, nil)
      (kind, storage) = try Self.open(path, format: format)
      switch storage {
      case .idx(let train, _): storedShape = [1, train.images.rows, train.images.columns]
      default: storedShape = CIFAR10File.sampleShape
      }
      normalization =
        switch kind {
        case .mnist: .mnist
        case .cifar10: .cifar10
        default: .fashionMNIST
        }
    }
    let side = max(storedShape[1], storedShape[2], padTo32 ? 32 : 0)
    // Series are never padded as images are.
    sampleShape = padTo32 && kind != .timeSeries ? [storedShape[0], side, side] : storedShape
  }

  /// Bytes a rank holds per value of a stored sample: 1 for 8-bit pixels, 4 for a time series' prepared values.
  public var storedBytesPerValue: Int { kind == .timeSeries ? 4 : 1 }

  /// The number of samples in `partition`.
  public func count(_ partition: Partition) -> Int {
    switch (storage, partition) {
    case (.idx(let train, _), .train): train.labels.count
    case (.idx(_, let test), .test): test.labels.count
    case (.cifar(let train, _), .train): train.reduce(0) { $0 + $1.count }
    case (.cifar(_, let test), .test): test.count
    case (.synthetic(_, let train, _), .train): train
    case (.synthetic(_, _, let test), .test): test
    case (.timeSeries(let train, _), .train): train.labels.count
    case (.timeSeries(_, let test), .test): test.labels.count
    }
  }

  /// Rank `rank`'s contiguous shard of the training set, read from the files alone (nothing else is read or held).
  /// Shard sizes differ by at most one; more ranks than training samples is an error.
  public func shard(rank: Int, of ranks: Int) throws(DataError) -> DataSplit {
    try load(.train, rank: rank, of: ranks)
  }

  /// The whole training set.
  public func trainingSet() throws(DataError) -> DataSplit { try load(.train) }

  /// The whole test set.
  public func testSet() throws(DataError) -> DataSplit { try load(.test) }

  /// Rank `rank`'s contiguous share of `partition` (all of it by default). A test set may leave ranks empty; a
  /// training set may not.
  public func load(_ partition: Partition, rank: Int = 0, of ranks: Int = 1) throws(DataError) -> DataSplit {
    precondition(ranks >= 1 && (0..<ranks).contains(rank), "rank \(rank) of \(ranks)")
    let total = count(partition)
    if partition == .train && ranks > total {
      throw DataError(
        source.description,
        "\(total) training samples cannot be shared by \(ranks) ranks: every rank needs at least one")
    }
    let range = Self.shardRange(rank: rank, of: ranks, count: total)
    if case .timeSeries(let train, let test) = storage {
      let (values, labels) = partition == .train ? train : test
      let size = storedShape.reduce(1, *)
      return DataSplit(
        values: Array(values[(range.lowerBound * size)..<(range.upperBound * size)]), labels: Array(labels[range]),
        shape: storedShape, globalRange: range)
    }
    let (pixels, labels) = try read(partition, range)
    let split = DataSplit(
      pixels: pixels, labels: labels, storedShape: storedShape, normalization: normalization, globalRange: range)
    return sampleShape == storedShape ? split : split.padded(toSide: sampleShape[1])
  }

  /// The samples of rank `rank` of `ranks` among `count`: contiguous, the first `count % ranks` ranks one more.
  public static func shardRange(rank: Int, of ranks: Int, count: Int) -> Range<Int> {
    let (base, extra) = count.quotientAndRemainder(dividingBy: ranks)
    let start = rank * base + min(rank, extra)
    return start..<start + base + (rank < extra ? 1 : 0)
  }

  /// One line for logs: `Fashion-MNIST (/usr/share/…): 60000 train, 10000 test, 1×28×28 padded to 1×32×32`.
  public var summary: String {
    let shape = { (shape: [Int]) in shape.map(String.init).joined(separator: "×") }
    let padding = sampleShape == storedShape ? "" : " padded to \(shape(sampleShape))"
    let origin: String
    switch source {
    case .directory(let path, _): origin = " (\(path))"
    case .synthetic(_, let seed): origin = " (seed \(seed))"
    case .timeSeries: origin = " (\(source))"
    }
    if kind == .timeSeries {
      let (dimensions, length) = (storedShape[0], storedShape[2])
      return "\(problemName ?? "time series")\(origin): \(count(.train)) train, \(count(.test)) test, \(dimensions) "
        + "dimension\(dimensions == 1 ? "" : "s") of \(length) values, \(classes) classes"
    }
    return "\(kind.rawValue)\(origin): \(count(.train)) train, \(count(.test)) test, \(shape(storedShape))\(padding)"
  }

  private func read(_ partition: Partition, _ range: Range<Int>) throws(DataError) -> ([UInt8], [UInt8]) {
    switch storage {
    case .idx(let train, let test):
      let files = partition == .train ? train : test
      return (try files.images.read(range), try files.labels.readLabels(range, classes: classes))
    case .cifar(let train, let test):
      var pixels: [UInt8] = []
      var labels: [UInt8] = []
      pixels.reserveCapacity(range.count * CIFAR10File.imageSize)
      labels.reserveCapacity(range.count)
      // The training set is the batches one after another; read the part of each that falls in `range`.
      var first = 0
      for file in partition == .train ? train : [test] {
        let (lower, upper) = (max(range.lowerBound, first), min(range.upperBound, first + file.count))
        if lower < upper {
          let part = try file.read((lower - first)..<(upper - first), classes: classes)
          pixels += part.pixels
          labels += part.labels
        }
        first += file.count
      }
      return (pixels, labels)
    case .synthetic(let data, _, _):
      return data.generate(range, partition: partition)
    case .timeSeries:
      preconditionFailure("time series are values, not pixels")
    }
  }

  private static func open(_ path: String, format: DataSource.DirectoryFormat) throws(DataError) -> (Kind, Storage) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      let hint = path == DataSource.defaultDirectory ? " (install it: apt-get install dataset-fashion-mnist)" : ""
      throw DataError(path, "no such folder\(hint)")
    }
    guard isDirectory.boolValue else {
      var status = stat()
      let kind = stat(path, &status) == 0 ? FileKind(mode: status.st_mode).rawValue : "file"
      throw DataError(path, "is a \(kind), not a folder: --data expects a folder of data files (or FILE.npy)")
    }
    // CIFAR-10's archive unpacks into cifar-10-batches-bin: accept the folder around it too.
    let nested = path + "/cifar-10-batches-bin"
    let cifarFolder = exists("cifar-10-batches-bin", in: path) && !exists(cifarTestName, in: path) ? nested : path
    let kind = try kind(of: path, cifarFolder: cifarFolder, format: format)
    if kind == .cifar10 {
      var train: [CIFAR10File] = []
      for name in cifarTrainNames { train.append(try CIFAR10File(path: cifarFolder + "/" + name)) }
      return (kind, .cifar(train: train, test: try CIFAR10File(path: cifarFolder + "/" + cifarTestName)))
    }
    return (kind, try openIDX(path))
  }

  private static func exists(_ name: String, in folder: String) -> Bool {
    FileManager.default.fileExists(atPath: folder + "/" + name)
  }

  /// The data set `format` names, or with `.detect` the one whose files the folder holds (MNIST when
  /// the path says `mnist` but not `fashion`).
  private static func kind(of path: String, cifarFolder: String, format: DataSource.DirectoryFormat) throws(DataError)
    -> Kind
  {
    switch format {
    case .cifar10: return .cifar10
    case .mnist: return .mnist
    case .fashionMNIST: return .fashionMNIST
    case .detect:
      let cifarNames = cifarTrainNames + [cifarTestName]
      let names = [idxNames.trainImages, idxNames.trainLabels, idxNames.testImages, idxNames.testLabels]
      if cifarNames.contains(where: { exists($0, in: cifarFolder) }) { return .cifar10 }
      if names.contains(where: { exists($0, in: path) || exists($0 + ".gz", in: path) }) {
        let lowered = path.lowercased()
        return lowered.contains("mnist") && !lowered.contains("fashion") ? .mnist : .fashionMNIST
      }
      throw DataError(
        path,
        "no data files: expected \(names.map { $0 + "[.gz]" }.joined(separator: ", ")) (MNIST or Fashion-MNIST)"
          + " or \(cifarNames.joined(separator: ", ")) (CIFAR-10)")
    }
  }

  /// The IDX files of the folder at `path`: training and test images with as many labels, of one size.
  private static func openIDX(_ path: String) throws(DataError) -> Storage {
    func file(_ name: String, _ kind: IDXFile.Kind) throws(DataError) -> IDXFile {
      // Prefer the uncompressed file when both exist: reading a shard of it is a seek instead of inflating.
      let plain = path + "/" + name
      if exists(name, in: path) { return try IDXFile(path: plain, kind: kind) }
      guard exists(name + ".gz", in: path) else { throw DataError(plain + "[.gz]", "no such file") }
      return try IDXFile(path: plain + ".gz", kind: kind)
    }
    func pair(_ images: String, _ labels: String) throws(DataError) -> (images: IDXFile, labels: IDXFile) {
      let pair = (images: try file(images, .images), labels: try file(labels, .labels))
      guard pair.images.count == pair.labels.count else {
        throw DataError(
          pair.images.path,
          "image count does not match the labels: \(pair.images.count) images, but \(pair.labels.path) has"
            + " \(pair.labels.count) labels")
      }
      return pair
    }
    let train = try pair(idxNames.trainImages, idxNames.trainLabels)
    let test = try pair(idxNames.testImages, idxNames.testLabels)
    guard (test.images.rows, test.images.columns) == (train.images.rows, train.images.columns) else {
      throw DataError(
        test.images.path,
        "images are \(test.images.rows)×\(test.images.columns) but the training images are"
          + " \(train.images.rows)×\(train.images.columns)")
    }
    return .idx(train: train, test: test)
  }
}
