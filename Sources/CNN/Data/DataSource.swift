import Foundation

/// Where the data comes from: the value of `--data`.
///
/// - absent, empty or `default`: Debian's Fashion-MNIST, `/usr/share/datasets/fashion-mnist`;
/// - `synthetic` or `synthetic:N`: N seeded synthetic training images (10,000 if N is absent, at most
///   ``InputLimits/syntheticImages``) of the model's input shape, and N/6 test images (Fashion-MNIST's ratio);
/// - `DIR`: a folder of MNIST/Fashion-MNIST IDX files (`train-images-idx3-ubyte[.gz]`, …) or CIFAR-10 batch files
///   (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`, or the `cifar-10-batches-bin` folder inside it);
/// - `mnist:DIR`, `fashion-mnist:DIR`, `cifar10:DIR`: the same with the data set named, since MNIST and
///   Fashion-MNIST have the same file names but not the same normalization;
/// - `PATH/NAME` with `PATH/NAME_TRAIN.ts` and `PATH/NAME_TEST.ts` beside each other, a folder `NAME` holding
///   them (as the UCR/UEA archives and aeon lay them out), or `NAME_TRAIN.ts` itself: a time-series data set
///   (see ``TimeSeriesFile``).
public enum DataSource: Sendable, Equatable, CustomStringConvertible {
  /// A folder of data files and what they hold.
  case directory(String, format: DirectoryFormat)
  /// A time-series data set's training and test files (`.ts`).
  case timeSeries(train: String, test: String)
  /// `count` synthetic training images drawn from `seed`.
  case synthetic(count: Int, seed: UInt64)

  /// What a folder holds.
  public enum DirectoryFormat: String, Sendable, Equatable {
    /// Decided from the files: CIFAR-10 batch files, or IDX files (MNIST when the path names `mnist` but not
    /// `fashion`, Fashion-MNIST otherwise).
    case detect
    case fashionMNIST = "fashion-mnist"
    case mnist
    case cifar10
  }

  /// Where Debian's `dataset-fashion-mnist` installs the data.
  public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
  /// The training images of a bare `synthetic`.
  public static let defaultSyntheticCount = 10_000
  /// Debian's Fashion-MNIST.
  public static let `default` = DataSource.directory(defaultDirectory, format: .fashionMNIST)

  /// Parses a `--data` value (nil when the flag is absent).
  public init(spec: String?) throws(DataError) {
    let spec = spec ?? ""
    if spec.isEmpty || spec == "default" {
      self = .default
      return
    }
    if spec == "synthetic" {
      self = .synthetic(count: Self.defaultSyntheticCount, seed: 0)
      return
    }
    if spec.hasPrefix("synthetic:") {
      let value = spec.dropFirst("synthetic:".count)
      guard let count = Int(value), count > 0 else {
        throw DataError(
          "--data \(spec)", "expected synthetic:N with N a positive whole number of images, got '\(value)'")
      }
      guard count <= InputLimits.syntheticImages else {
        throw DataError(
          "--data \(spec)", "at most synthetic:\(InputLimits.syntheticImages) images (every rank generates its share)")
      }
      self = .synthetic(count: count, seed: 0)
      return
    }
    let prefixes: [(String, DirectoryFormat)] = [
      ("fashion-mnist:", .fashionMNIST), ("mnist:", .mnist), ("cifar10:", .cifar10), ("cifar-10:", .cifar10),
    ]
    for (prefix, format) in prefixes where spec.hasPrefix(prefix) {
      let path = String(spec.dropFirst(prefix.count))
      guard !path.isEmpty else { throw DataError("--data \(spec)", "expected a folder after '\(prefix)'") }
      self = .directory(path, format: format)
      return
    }
    if let files = try Self.timeSeriesFiles(spec) {
      self = .timeSeries(train: files.train, test: files.test)
      return
    }
    self = .directory(spec, format: .detect)
  }

  /// The training and test files of a time-series data set that `spec` names, or nil when it names none.
  static func timeSeriesFiles(_ spec: String) throws(DataError) -> (train: String, test: String)? {
    let (train, test) = ("_TRAIN.ts", "_TEST.ts")
    if spec.hasSuffix(train) { return (spec, String(spec.dropLast(train.count)) + test) }
    if spec.hasSuffix(".ts") {
      throw DataError(
        "--data \(spec)",
        "expected a training file named NAME\(train) (its test file NAME\(test) beside it), or PATH/NAME")
    }
    if FileManager.default.fileExists(atPath: spec + train) { return (spec + train, spec + test) }
    let trimmed = spec.hasSuffix("/") ? String(spec.dropLast()) : spec
    let inside = trimmed + "/" + (trimmed.split(separator: "/").last.map(String.init) ?? trimmed)
    if !trimmed.isEmpty, FileManager.default.fileExists(atPath: inside + train) {
      return (inside + train, inside + test)
    }
    return nil
  }

  /// The same source with each file or folder path passed through `transform` (synthetic data has none).
  public func mappingPaths(_ transform: (String) -> String) -> DataSource {
    switch self {
    case .directory(let path, let format): .directory(transform(path), format: format)
    case .timeSeries(let train, let test): .timeSeries(train: transform(train), test: transform(test))
    case .synthetic: self
    }
  }

  /// The source as a `--data` value.
  public var description: String {
    switch self {
    case .directory(let path, .detect): path
    case .directory(let path, let format): "\(format.rawValue):\(path)"
    case .timeSeries(let train, _): String(train.dropLast("_TRAIN.ts".count))
    case .synthetic(let count, _): "synthetic:\(count)"
    }
  }
}
