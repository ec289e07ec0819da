import ClusterRun
import HPL
import SuiteCore

/// How long a run's tests should take, from the dgemm rate its ranks reach: told before a run
/// that will take long, so a user learns of a mistyped N before waiting for it.
///
/// Each test does (2/3 N³ + 3/2 N²) floating-point operations (xhpl's count) on P·Q ranks; at
/// the dgemm rate per rank it takes at least that count / (rate · P·Q). The LU reaches only
/// part of the dgemm rate (panel factorization, broadcasts and swaps run slower), so the
/// estimate is a lower bound, good to a factor of about 2.
public struct RunEstimate: Sendable, Equatable {
  /// Runs of fewer operations than this (about 20 s on one 5-GFLOPS core) are neither measured
  /// nor estimated.
  public static let minimumFlops = 1e11
  /// Above this estimate, in seconds (30 minutes), the estimate comes with a warning.
  public static let warningSeconds = 1800.0
  /// The dgemm measured: C (1024×1024) −= A (1024×192)·B (192×1024), the trailing update's shape at NB = 192, twice on every rank at once;
  /// 0.4 GFLOP per repetition, under 0.1 s on a 10-GFLOPS core.
  public static let probe = DgemmRate(m: 1024, n: 1024, k: 192, repetitions: 2)

  /// Each test's estimated seconds, in run order.
  public var seconds: [Double]
  /// The dgemm rate of one rank, 10⁹ operations per second.
  public var gflopsPerRank: Double

  /// The estimate for `tests` at `gflopsPerRank`.
  public init(tests: [TestParameters], gflopsPerRank: Double) {
    self.gflopsPerRank = gflopsPerRank
    let rate = max(gflopsPerRank, 1e-9)
    seconds = tests.map { test in
      ReportWriter.gflops(n: test.n, seconds: 1) / (rate * Double(max(1, test.rows * test.columns)))
    }
  }

  /// Whether `tests` do enough work to be worth a measurement and an estimate.
  public static func isWorthEstimating(_ tests: [TestParameters]) -> Bool {
    tests.reduce(0.0) { $0 + ReportWriter.gflops(n: $1.n, seconds: 1) } * 1e9 >= minimumFlops
  }

  /// The sum over the tests.
  public var totalSeconds: Double { seconds.reduce(0, +) }

  /// What to tell the user, without the program's name: the estimate, and a warning above
  /// ``warningSeconds``.
  public var lines: [String] {
    let count = seconds.count
    var lines = [
      "estimated \(Self.describe(totalSeconds)) for \(count) test\(count == 1 ? "" : "s") at "
        + "the dgemm rate of this machine's ranks (\(String(format: "%.2f", gflopsPerRank)) GFLOPS "
        + "per rank, measured just now); the LU runs somewhat below that rate, so expect more"
    ]
    if totalSeconds > Self.warningSeconds {
      lines.append(
        "warning: this run is estimated to take \(Self.describe(totalSeconds)), more than 30 "
          + "minutes; stop it now (Ctrl-C) if that is not what you meant, or lower N")
    }
    return lines
  }

  /// `12m30s`, `45s`, `2h5m`: whole seconds, at least 1.
  static func describe(_ seconds: Double) -> String {
    TimeSpan.describe(max(1, min(seconds, 1e12)).rounded())
  }
}
