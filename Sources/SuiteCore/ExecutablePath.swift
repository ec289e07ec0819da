import Foundation

/// The running program's own file, for launching itself again (a wrapper inside the emulated
/// cluster, a sweep's programs beside clusterbench).
public enum ExecutablePath {
  /// `/proc/self/exe`'s target, or the program's first argument where /proc is missing.
  public static var current: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }
}
