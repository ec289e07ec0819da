import Foundation

/// The outcome of one test: its parameters, time, rate, and residual check.
///
/// netlib: the values `HPL_pdtest` prints (`wtime`, `Gflops`, `resid1`, the norms) and its
/// `kpass` / `kfail` bookkeeping
public struct TestResult: Sendable {
  /// What was run.
  public var parameters: TestParameters
  /// Wall time of the solve (factorization + back-substitution), the maximum over ranks.
  /// netlib: `wtime[0]`
  public var seconds: Double
  /// Rate of the solve in 10^9 floating-point operations per second. netlib: `Gflops`
  public var gflops: Double
  /// When the solve started (after the barrier). netlib: `current_time_start`
  public var startTime: Date
  /// When the solve ended. netlib: `current_time_end`
  public var endTime: Date
  /// The scaled residual, nil when not checked. netlib: `resid1`
  public var residual: Double?
  /// The norms behind ``residual``, nil when not checked.
  public var norms: ResidualNorms?
  /// true: PASSED, false: FAILED, nil: not checked (threshold ≤ 0).
  public var passed: Bool?

  /// - Parameter gflops: the rate; by default ``ReportWriter/gflops(n:seconds:)`` of the
  ///   parameters' N and `seconds`.
  public init(
    parameters: TestParameters, seconds: Double, gflops: Double? = nil, startTime: Date,
    endTime: Date, residual: Double? = nil, norms: ResidualNorms? = nil, passed: Bool? = nil
  ) {
    self.parameters = parameters
    self.seconds = seconds
    self.gflops = gflops ?? ReportWriter.gflops(n: parameters.n, seconds: seconds)
    self.startTime = startTime
    self.endTime = endTime
    self.residual = residual
    self.norms = norms
    self.passed = passed
  }

  /// Whether the residual check passed, failed, was not run, or the test was skipped.
  public var status: ResultStatus {
    switch passed {
    case true?: .passed
    case false?: .failed
    case nil: .unchecked
    }
  }
}
