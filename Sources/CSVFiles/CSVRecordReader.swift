import Files

#if canImport(Glibc)
  import Glibc
#endif

/// The records of a CSV file, read in chunks of a fixed size: memory stays bounded whatever the
/// file's size (a day of telemetry at 1 s is millions of rows), and the records are exactly
/// those ``CSVRecord/parse(_:)`` gives for the whole text.
///
/// ```swift
/// let reader = try CSVRecordReader(path: "results/runs/hpl-…/thermal.csv")
/// while let record = try reader.next() { … }
/// ```
public final class CSVRecordReader {
  /// The file's path, as given.
  public let path: String
  private let descriptor: Int32
  private var chunk: [UInt8]
  private var parser = CSVRecordParser()
  private var pending: [CSVRecord] = []
  private var pendingIndex = 0
  private var atEnd = false
  private let byteLimit: Int?
  private var bytesRead = 0

  /// Opens the file at `path` through ``BoundedFile/openRegular(_:)``: a FIFO, a device or a
  /// folder is refused at once (never waited on), with ``BoundedFileError``'s reason as the
  /// message. `chunkSize` bytes are read at a time; with `byteLimit`, reading past that many
  /// bytes throws `is larger than … bytes` (for files read whole into memory).
  public init(path: String, chunkSize: Int = 1 << 16, byteLimit: Int? = nil) throws(FileError) {
    self.path = path
    do { descriptor = try BoundedFile.openRegular(path) } catch {
      throw FileError(path: path, message: error.reason)
    }
    self.byteLimit = byteLimit
    chunk = [UInt8](repeating: 0, count: max(1, chunkSize))
  }

  deinit { close(descriptor) }

  /// The next record, or `nil` after the last one. Throws when reading fails (a folder, an I/O
  /// error), saying `cannot be read: …`.
  public func next() throws(FileError) -> CSVRecord? {
    while pendingIndex == pending.count {
      if atEnd { return nil }
      pending.removeAll(keepingCapacity: true)
      pendingIndex = 0
      try readChunk()
    }
    defer { pendingIndex += 1 }
    return pending[pendingIndex]
  }

  /// Reads one chunk into the parser; at the end of the file, finishes it.
  private func readChunk() throws(FileError) {
    var count: Int
    repeat {
      count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    } while count < 0 && errno == EINTR
    guard count >= 0 else { throw Self.unreadable(path, errno) }
    bytesRead += count
    if let byteLimit, bytesRead > byteLimit {
      throw FileError(path: path, message: BoundedFileError.tooLarge(path: path, limit: byteLimit).reason)
    }
    if count == 0 {
      parser.finish(into: &pending)
      atEnd = true
    } else {
      chunk.withUnsafeBytes { parser.feed(UnsafeRawBufferPointer(rebasing: $0[..<count]), into: &pending) }
    }
  }

  private static func unreadable(_ path: String, _ code: Int32) -> FileError {
    FileError(path: path, message: "cannot be read: \(String(cString: strerror(code)))")
  }
}
