import Foundation

/// The sysfs tree, mounted at `root` (`/sys` on a live system, a fixture folder in tests).
///
/// Each kernel path it reads has its own file under `Sys/`, as prometheus/procfs's `sysfs.FS` does.
public struct SysFS: Sendable, Equatable {
  /// The environment variable that points ``fromEnvironment()`` at another tree.
  public static let rootVariable = "CLUSTERBENCH_SYSFS_ROOT"

  /// The folder that stands for `/sys`.
  public var root: String

  public init(root: String = "/sys") {
    self.root = root
  }

  /// `$CLUSTERBENCH_SYSFS_ROOT` when set and not empty, otherwise `/sys`.
  public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> SysFS {
    SysFS(root: KernelFiles.root(environment[rootVariable], default: "/sys"))
  }

  /// `root/relative`.
  func path(_ relative: String) -> String {
    KernelFiles.join(root, relative)
  }
}
