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

  public var description: String {
    switch self {
    case .malformed(let path, let text): "\(path): unexpected contents \"\(text)\""
    case .unreadable(let path, let errno): "\(path): cannot read (errno \(errno))"
    }
  }
}
