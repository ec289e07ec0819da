#if canImport(Glibc)
  import Glibc

  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin

  private let systemWrite = Darwin.write
#endif

/// A file written under a temporary name beside its destination, flushed to disk and renamed over it: a reader,
/// or a run resuming after a crash or a kill, finds the old file or the new one, never half of one.
///
/// ```swift
/// let file = try AtomicFileWriter(path: "run/checkpoint.cnnckpt")
/// try file.write(header)
/// try file.write(body)
/// try file.commit()  // until then the old checkpoint stays
/// ```
///
/// A writer dropped without ``commit()`` removes its temporary file.
public final class AtomicFileWriter {
  /// The destination.
  public let path: String
  /// Where the bytes go until ``commit()``: `<path>.tmp-<pid>`, in the same folder so that the rename stays on
  /// one file system (and is atomic).
  public let temporaryPath: String
  /// CRC-32 of everything written so far (the checksum model and checkpoint files end with).
  public private(set) var checksum: UInt32 = 0
  /// Bytes written so far.
  public private(set) var count = 0
  private var descriptor: Int32

  /// Creates the temporary file (and fails, naming `path`, when its folder is missing or not writable).
  public init(path: String) throws(ModelFileError) {
    self.path = path
    temporaryPath = "\(path).tmp-\(getpid())"
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw ModelFileError(path, "cannot write: \(Self.reason(errno))") }
  }

  deinit {
    if descriptor >= 0 {
      close(descriptor)
      unlink(temporaryPath)
    }
  }

  /// Appends `bytes`.
  public func write(_ bytes: [UInt8]) throws(ModelFileError) {
    // `withUnsafeBytes` rethrows untyped errors: carry the typed one out in a Result.
    let result = bytes.withUnsafeBytes { raw in Result { () throws(ModelFileError) in try write(raw) } }
    try result.get()
  }

  /// Appends the bytes of `raw`.
  public func write(_ raw: UnsafeRawBufferPointer) throws(ModelFileError) {
    precondition(descriptor >= 0, "\(path): written after commit")
    var offset = 0
    while offset < raw.count {
      let written = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { throw ModelFileError(path, "cannot write \(temporaryPath): \(Self.reason(errno))") }
      offset += written
    }
    checksum = crc32(raw, continuing: checksum)
    count += raw.count
  }

  /// Flushes the file to disk and renames it over ``path``; then the folder, so that the rename itself survives
  /// a power cut.
  public func commit() throws(ModelFileError) {
    precondition(descriptor >= 0, "\(path): committed twice")
    let synced = fsync(descriptor) == 0 ? 0 : errno
    close(descriptor)
    descriptor = -1
    guard synced == 0 else {
      unlink(temporaryPath)
      throw ModelFileError(path, "cannot write \(temporaryPath) to disk: \(Self.reason(synced))")
    }
    guard rename(temporaryPath, path) == 0 else {
      let reason = errno
      unlink(temporaryPath)
      throw ModelFileError(path, "cannot rename \(temporaryPath) into place: \(Self.reason(reason))")
    }
    let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  /// Writes `bytes` as the whole content of `path`, atomically.
  public static func write(_ bytes: [UInt8], to path: String) throws(ModelFileError) {
    let file = try AtomicFileWriter(path: path)
    try file.write(bytes)
    try file.commit()
  }

  static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
