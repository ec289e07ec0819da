/// The verdict on one test, as written in results CSV files.
///
/// netlib: `HPL_pdtest`'s `PASSED` / `FAILED` and the `kpass`, `kfail`, `kskip` counters
public enum ResultStatus: String, Sendable, CaseIterable, CustomStringConvertible {
  /// The scaled residual was below the threshold.
  case passed = "PASSED"
  /// The scaled residual was not below the threshold (or NaN).
  case failed = "FAILED"
  /// The threshold was ≤ 0, so no residual was computed ("completed without checking").
  case unchecked = "UNCHECKED"
  /// The test did not run to the end: memory allocation failed or the solve reported a zero pivot.
  case skipped = "SKIPPED"

  public var description: String { rawValue }
}
