import MPI

/// Wall time spent in each stage of the factorisation on this process, for `hplswift --timing`
/// (the counterpart of xhpl's HPL_DETAILED_TIMING report). Off unless enabled: then each
/// `measure` costs two MPI_Wtime calls.
///
/// One timer per test: ``TestRun`` makes it and hands it to the stages, which add to it, so a
/// test's times are its own. netlib: `HPL_ptimer`.
public final class PhaseTimer {
  /// The stages, in report order.
  public enum Phase: Int, CaseIterable, Sendable {
    case panelFactorization, panelBroadcast, rowSwaps, triangularUpdate, trailingGemm, solve

    public var label: String {
      switch self {
      case .panelFactorization: "panel factorization"
      case .panelBroadcast: "panel broadcast wait"
      case .rowSwaps: "row swaps + U"
      case .triangularUpdate: "trsm + U copy"
      case .trailingGemm: "trailing dgemm"
      case .solve: "triangular solve"
      }
    }
  }

  /// Whether `measure` records anything.
  public let isEnabled: Bool
  /// Seconds per phase, indexed by ``Phase/rawValue``.
  public private(set) var seconds = [Double](repeating: 0, count: Phase.allCases.count)

  /// A timer at zero; a disabled one (the default) only runs what it is given.
  public init(isEnabled: Bool = false) { self.isEnabled = isEnabled }

  /// Runs `body`, adding its wall time to `phase` when enabled.
  @inline(__always)
  public func measure<T>(_ phase: Phase, _ body: () throws -> T) rethrows -> T {
    guard isEnabled else { return try body() }
    let start = MPIEnvironment.wallTime()
    defer { seconds[phase.rawValue] += MPIEnvironment.wallTime() - start }
    return try body()
  }
}
