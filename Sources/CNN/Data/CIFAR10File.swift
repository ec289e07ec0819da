/// One file of the CIFAR-10 binary version (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`):
/// records of 1 label byte and 3,072 pixel bytes (3 × 32 × 32, channel after channel, rows within a channel).
///
/// The format has no header or magic number, so opening checks what can be checked: the size is a whole number
/// of records. Labels are checked as records are read. Records are read by range (a seek for a plain file).
public struct CIFAR10File: Sendable {
  /// The shape of one image, `[3, 32, 32]` (CHW).
  public static let sampleShape = [3, 32, 32]
  /// Pixel bytes per image.
  public static let imageSize = 3 * 32 * 32
  /// Bytes per record: the label byte, then the image.
  public static let recordSize = 1 + imageSize

  /// The file's path.
  public let path: String
  /// The number of records.
  public let count: Int

  /// Opens `path` and checks its size is a whole, non-zero number of records, at most ``InputLimits/cifarRecords``
  /// (a gzipped file is inflated no further than that).
  public init(path: String) throws(DataError) {
    let reader = try DataFileReader(path: path)
    let limit = InputLimits.cifarRecords * Self.recordSize
    let size = try reader.dataSize(atMost: limit)
    guard size <= limit else {
      throw DataError(
        path,
        "too large: more than \(InputLimits.cifarRecords) records of \(Self.recordSize) bytes (\(limit) bytes"
          + "\(reader.isGzip ? " decompressed; decompressing stopped there" : ", found \(size)")); CIFAR-10's files hold "
          + "10000 each")
    }
    let (records, remainder) = size.quotientAndRemainder(dividingBy: Self.recordSize)
    guard size > 0 else { throw DataError(path, "empty: expected records of \(Self.recordSize) bytes, found 0 bytes") }
    guard remainder == 0 else {
      throw DataError(
        path,
        "truncated: expected a whole number of \(Self.recordSize)-byte records (1 label byte and 3072 pixel bytes),"
          + " found \(size) bytes: \(records) records and \(remainder) bytes of record \(records + 1)"
          + " (a whole one needs \((records + 1) * Self.recordSize) bytes)")
    }
    self.path = path
    count = records
  }

  /// The pixels (image after image, each CHW) and labels of records `range`; every label must be below `classes`.
  public func read(_ range: Range<Int>, classes: Int = 10) throws(DataError) -> (pixels: [UInt8], labels: [UInt8]) {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "records \(range) of \(count) in \(path)")
    let reader = try DataFileReader(path: path)
    let start = range.lowerBound * Self.recordSize
    var pixels = [UInt8](repeating: 0, count: range.count * Self.imageSize)
    var labels = [UInt8](repeating: 0, count: range.count)
    // Records come in chunks and are split into labels and pixels, so the shard is never held twice.
    let chunk = 1024
    let skipped = try reader.skip(start)
    var done = 0
    while skipped == start && done < range.count {
      let n = min(chunk, range.count - done)
      let records = try reader.read(count: n * Self.recordSize)
      guard records.count == n * Self.recordSize else { break }
      records.withUnsafeBufferPointer { source in
        pixels.withUnsafeMutableBufferPointer { destination in
          for record in 0..<n {
            labels[done + record] = source[record * Self.recordSize]
            (destination.baseAddress! + (done + record) * Self.imageSize)
              .update(from: source.baseAddress! + record * Self.recordSize + 1, count: Self.imageSize)
          }
        }
      }
      done += n
    }
    guard done == range.count else {
      throw DataError(
        path,
        "truncated while reading: expected at least \(range.upperBound * Self.recordSize) bytes, found"
          + " \(reader.offset) (corrupt, or changed since opened)")
    }
    if let bad = labels.firstIndex(where: { Int($0) >= classes }) {
      throw DataError(
        path,
        "label out of range: record \(range.lowerBound + bad) has label \(labels[bad]), expected 0...\(classes - 1)")
    }
    return (pixels, labels)
  }
}
