import Foundation
import Telemetry

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
