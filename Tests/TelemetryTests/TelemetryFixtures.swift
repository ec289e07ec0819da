import Foundation
import Telemetry
import Testing

/// Roots of the fixture trees inside the test bundle.
enum TelemetryFixtures {
  /// `Fixtures/<relative>` as a path.
  static func path(_ relative: String) -> String {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(relative).path
  }

  /// A RockPro64-like board: two enabled thermal zones, a disabled one, hwmon, cpufreq on 6 cores.
  static let sys = SysFS(root: path("sys"))
  /// The board's /proc at t = 0 s.
  static let proc = ProcFS(root: path("proc"))
  /// The board's /proc 10 s later (`stat` and `net/dev` only).
  static let procLater = ProcFS(root: path("proc-10s-later"))
  /// One malformed file per bad-input case.
  static let garbageSys = SysFS(root: path("garbage/sys"))
  static let garbageProc = ProcFS(root: path("garbage/proc"))
  /// A root with nothing under it.
  static let missing = path("no-such-tree")
}

/// A sysfs or procfs tree built in a temporary folder for one test, for what a resource folder
/// cannot hold: FIFOs, huge sparse files, symbolic links like sysfs's. Removed when released.
final class FixtureTree {
  let root: String

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("telemetry-tree-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  /// `root/relative`.
  func path(_ relative: String) -> String { root + "/" + relative }

  /// Writes `text` to `relative`, creating the folders above it.
  func file(_ relative: String, _ text: String) throws {
    try parent(of: relative)
    try text.write(toFile: path(relative), atomically: false, encoding: .utf8)
  }

  /// A named pipe at `relative` that nobody writes: a blocking read of it never returns.
  func fifo(_ relative: String) throws {
    try parent(of: relative)
    #expect(mkfifo(path(relative), 0o644) == 0)
  }

  /// A file of `bytes` zero bytes at `relative` that takes no disk space.
  func sparse(_ relative: String, bytes: Int) throws {
    try parent(of: relative)
    #expect(FileManager.default.createFile(atPath: path(relative), contents: nil))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(relative)))
    try handle.truncate(atOffset: UInt64(bytes))
    try handle.close()
  }

  /// A folder at `relative`.
  func folder(_ relative: String) throws {
    try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
  }

  /// A symbolic link at `relative` to `target` (relative to the link's folder, as sysfs's are).
  func link(_ relative: String, to target: String) throws {
    try parent(of: relative)
    try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: target)
  }

  private func parent(of relative: String) throws {
    try folder((relative as NSString).deletingLastPathComponent)
  }
}
