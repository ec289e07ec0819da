import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reading a file from input without trusting it: at most a given number of bytes, never
/// blocking on a FIFO or a device, never following a file that is not a regular file.
///
/// Every input file the suite reads whole (HPL.dat, job files, sensor files, compare's CSVs,
/// model and data headers) goes through here, so a 2 GB file, a named pipe or `/dev/zero` given
/// by mistake ends in a clear message instead of an unbounded allocation or a hang.
///
/// ```swift
/// let data = try BoundedFile.read("HPL.dat", limit: 1 << 20)
/// ```
public enum BoundedFile {
  /// The bytes of the regular file at `path`, at most `limit` of them.
  ///
  /// The file is opened with `O_NONBLOCK`, so opening a FIFO with no writer returns at once, and
  /// then refused unless `fstat` says it is a regular file. A file whose `fstat` size is past
  /// `limit` is refused before a byte is read (see ``announcedSizeIsTooLarge(_:limit:)``).
  /// procfs and sysfs files report sizes of 0 or 4096 whatever they hold, so the file is then
  /// read until end of file (or `limit` + 1 bytes) rather than by its size.
  ///
  /// - Throws: ``BoundedFileError`` naming the path: `missing` when it (or a folder above it)
  ///   does not exist, `notRegular` for a folder, FIFO, socket or device, `tooLarge` past
  ///   `limit`, `unreadable` with the C library's reason otherwise (a symlink loop is `ELOOP`).
  public static func read(_ path: String, limit: Int) throws(BoundedFileError) -> Data {
    let (descriptor, size) = try openRegularFile(path)
    defer { close(descriptor) }
    guard !announcedSizeIsTooLarge(size, limit: limit) else { throw .tooLarge(path: path, limit: limit) }
    return try readAll(descriptor, path: path, limit: limit)
  }

  /// The size a pseudo-file may announce without holding it: sysfs gives every attribute one
  /// page (4 KiB on x86-64, at most 64 KiB with 64 KiB pages), procfs gives 0.
  static let pseudoFileSize = 64 << 10

  /// Whether a regular file whose `fstat` size is `size` certainly holds more than `limit` bytes.
  /// A size past `limit` is believed when it is also past ``pseudoFileSize``: a file of a disk
  /// file system holds what it announces, and a sysfs attribute announces a page whatever it
  /// holds, so a limit below 64 KiB is still checked by reading.
  static func announcedSizeIsTooLarge(_ size: Int, limit: Int) -> Bool {
    size > limit && size > pseudoFileSize
  }

  /// A read-only descriptor of the regular file at `path`, for readers that stream a file rather
  /// than read it whole (large CSVs): opened with `O_NONBLOCK` and `O_CLOEXEC`, and checked with
  /// `fstat` to be a regular file, as ``read(_:limit:)`` does. The caller closes it.
  ///
  /// - Throws: ``BoundedFileError`` as ``read(_:limit:)`` (never `tooLarge`).
  public static func openRegular(_ path: String) throws(BoundedFileError) -> Int32 {
    try openRegularFile(path).descriptor
  }

  /// ``openRegular(_:)``'s descriptor and the file's size as `fstat` reports it.
  static func openRegularFile(_ path: String) throws(BoundedFileError) -> (descriptor: Int32, size: Int) {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    if descriptor < 0 {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw .missing(path: path) }
      throw .unreadable(path: path, errno: code)
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let code = errno
      close(descriptor)
      throw .unreadable(path: path, errno: code)
    }
    guard status.st_mode & S_IFMT == S_IFREG else {
      close(descriptor)
      throw .notRegular(path: path, kind: FileKind(mode: status.st_mode))
    }
    return (descriptor, Int(status.st_size))
  }

  /// The regular file at `path` as UTF-8 text (invalid bytes replaced), at most `limit` bytes.
  public static func text(_ path: String, limit: Int) throws(BoundedFileError) -> String {
    String(decoding: try read(path, limit: limit), as: UTF8.self)
  }

  private static func readAll(_ descriptor: Int32, path: String, limit: Int) throws(BoundedFileError) -> Data {
    var bytes = Data()
    // One page: sysfs values are a few bytes and are read on every telemetry sample, so the buffer
    // must cost nothing; larger files take more reads of it.
    var chunk = [UInt8](repeating: 0, count: min(limit + 1, 4096))
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { return bytes }
      if count < 0 {
        let code = errno
        if code == EINTR { continue }
        throw .unreadable(path: path, errno: code)
      }
      guard bytes.count + count <= limit else { throw .tooLarge(path: path, limit: limit) }
      bytes.append(contentsOf: chunk[0..<count])
    }
  }
}

/// What kind of file a path names, for messages.
public enum FileKind: String, Sendable, Equatable {
  case regular = "regular file"
  case directory = "folder"
  case fifo = "named pipe (FIFO)"
  case socket = "socket"
  case characterDevice = "character device"
  case blockDevice = "block device"
  case symbolicLink = "symbolic link"
  case other = "special file"

  public init(mode: mode_t) {
    switch mode & S_IFMT {
    case S_IFREG: self = .regular
    case S_IFDIR: self = .directory
    case S_IFIFO: self = .fifo
    case S_IFSOCK: self = .socket
    case S_IFCHR: self = .characterDevice
    case S_IFBLK: self = .blockDevice
    case S_IFLNK: self = .symbolicLink
    default: self = .other
    }
  }
}

/// A file from input that could not be read within its bounds.
public enum BoundedFileError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file, or a folder above it, does not exist.
  case missing(path: String)
  /// The path names something other than a regular file.
  case notRegular(path: String, kind: FileKind)
  /// The file holds more than `limit` bytes.
  case tooLarge(path: String, limit: Int)
  /// A system call failed with `errno` (for example `EACCES`, `ELOOP`, `EISDIR`).
  case unreadable(path: String, errno: Int32)

  /// The path concerned.
  public var path: String {
    switch self {
    case .missing(let path), .notRegular(let path, _), .tooLarge(let path, _), .unreadable(let path, _): path
    }
  }

  /// The reason alone, without the path.
  public var reason: String {
    switch self {
    case .missing: "does not exist"
    case .notRegular(_, let kind): "is a \(kind.rawValue), not a regular file"
    case .tooLarge(_, let limit): "is larger than \(limit) bytes, more than such a file can hold"
    case .unreadable(_, let code) where code == ELOOP: "cannot be opened: a loop of symbolic links"
    case .unreadable(_, let code): "cannot be read: \(String(cString: strerror(code)))"
    }
  }

  /// `PATH: REASON`, the path escaped for a terminal.
  public var description: String { "\(SafeText.escaped(path)): \(reason)" }
}
