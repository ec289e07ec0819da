import ClusterBench
import Foundation

/// The hand-written results folder `Fixtures/compare` and scratch folders built from it.
///
/// `hpl.csv`: results of sweep `demo` (runs r1-20, r2-20, r2-50, r1-80, r2-80, r2-80b, r4-80 with
/// one FAILED and one PASSED test), two runs in no sweep (`solo` on 1 host, `duo` on 2), a row cut
/// to 3 fields (line 6) and one with GFLOPS `fast` (line 12). `sweeps/demo/points.csv`: nodes 1,
/// 2, 4 at 20 % (4 timed out), 2 at 50 %, 1, 2 (twice), 4 (failed) at 80 %, and a row with status
/// `exploded` (line 8). Telemetry only for r1-80 (rock1, two zones, 3 samples) and r2-80 (rock1
/// with sensors, 2 samples, a reading `N/A` on line 4; rock2 without sensor, as on a VM); both
/// with the ranks' resident memory, CPU busy per sample (r1-80 also a core's row) and network
/// counters from the second sample on (r1-80 also `lo`).
enum CompareFixtures {
  static var folder: String {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("compare").path
  }

  static var results: String { folder + "/hpl.csv" }

  /// A copy of the fixture in a fresh temporary folder, to change; remove it when done.
  static func copy() throws -> String {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: folder, toPath: scratch)
    return scratch
  }
}
