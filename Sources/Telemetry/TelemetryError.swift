import CSVFiles
import Files

#if canImport(Glibc)
  import Glibc
#endif

/// A kernel file that exists but cannot be used.
///
/// A missing file or folder is never an error (the reading functions return `nil` or an empty
/// list): virtual machines and containers often lack whole sources. Callers decide how to report
/// an error; the library never prints.
public enum TelemetryError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file at `path` holds `text`, which is not what the kernel documents for it
  /// (for example `N/A` in a `temp` file). For a file of many lines, `text` is the bad line.
  case malformed(path: String, text: String)
  /// The file at `path` exists but reading it failed with the C `errno` value `errno`
  /// (for example `EACCES`, or `ENODATA` from a hwmon sensor that is not ready).
  case unreadable(path: String, errno: Int32)
  /// The path names something no kernel file is: a FIFO, socket, device or folder, or a file
  /// larger than such a file can be (see ``BoundedFile``); it is never read.
  case refused(BoundedFileError)

  /// The file concerned.
  public var path: String {
    switch self {
    case .malformed(let path, _), .unreadable(let path, _): path
    case .refused(let error): error.path
    }
  }

  public var description: String {
    switch self {
    case .malformed(let path, let text): "\(path): unexpected contents \"\(text)\""
    case .unreadable(let path, let errno): "\(path): cannot read (errno \(errno): \(String(cString: strerror(errno))))"
    case .refused(let error): error.description
    }
  }
}
