import Foundation

/// The procfs tree, mounted at `root` (`/proc` on a live system, a fixture folder in tests).
///
/// Each kernel path it reads has its own file under `Proc/`, as prometheus/procfs's `procfs.FS` does.
public struct ProcFS: Sendable, Equatable {
  /// The environment variable that points ``fromEnvironment()`` at another tree.
  public static let rootVariable = "CLUSTERBENCH_PROCFS_ROOT"

  /// The folder that stands for `/proc`.
  public var root: String

  public init(root: String = "/proc") {
    self.root = root
  }

  /// `$CLUSTERBENCH_PROCFS_ROOT` when set and not empty, otherwise `/proc`.
  public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ProcFS {
    ProcFS(root: KernelFiles.root(environment[rootVariable], default: "/proc"))
  }

  /// `root/relative`.
  func path(_ relative: String) -> String {
    KernelFiles.join(root, relative)
  }
}
