import Foundation

/// Why an emulated-cluster command could not do what was asked. The description names the flag
/// when one is to blame (`--subnet: 10.213.0.0/24 is in use by cluster emu`), so the command
/// line can print it after `clusterbench cluster: `.
public struct ClusterError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The flag or argument at fault (`--nodes`, `NAME`), when there is one.
  public var flag: String?
  public var message: String

  public init(flag: String? = nil, _ message: String) {
    (self.flag, self.message) = (flag, message)
  }

  public var description: String { flag.map { "\($0): \(message)" } ?? message }

  /// The error for `action` (`building an emulated cluster`) run without root.
  static func needsRoot(_ action: String) -> ClusterError {
    ClusterError(
      "\(action) needs root (network namespaces, interfaces, traffic shaping and cgroups are root's); run it as "
        + "root, e.g. with sudo")
  }

  /// The operating system's reason inside a Foundation file error ("Permission denied"),
  /// else the error's own description.
  static func reason(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return nsError.localizedDescription
  }
}
