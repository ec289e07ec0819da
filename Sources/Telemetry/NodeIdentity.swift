import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The name a process reports for the node it runs on.
///
/// Ranks are grouped into nodes by this name, so `CLUSTERBENCH_HOSTNAME` lets one machine stand
/// for several nodes (tests, emulated clusters) and lets a container report its host's name.
public enum NodeIdentity {
  /// The environment variable that overrides the host name.
  public static let hostNameVariable = "CLUSTERBENCH_HOSTNAME"

  /// `$CLUSTERBENCH_HOSTNAME` when set and not empty, otherwise the kernel's host name.
  public static func hostName(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let name = environment[hostNameVariable], !name.isEmpty { return name }
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
