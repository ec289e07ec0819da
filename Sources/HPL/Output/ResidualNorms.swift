/// The norms behind a scaled residual, printed by xhpl when a test FAILS.
///
/// The scaled residual is `||Ax-b||_oo / (eps · (||A||_oo · ||x||_oo + ||b||_oo) · N)`.
///
/// netlib: `resid0`, `AnormI`, `Anorm1`, `XnormI`, `Xnorm1`, `BnormI` of `HPL_pdtest`
public struct ResidualNorms: Sendable, Equatable {
  /// ||Ax − b||_oo. netlib: `resid0`
  public var residualInfinity: Double
  /// ||A||_oo. netlib: `AnormI`
  public var matrixInfinity: Double
  /// ||A||_1. netlib: `Anorm1`
  public var matrixOne: Double
  /// ||x||_oo. netlib: `XnormI`
  public var solutionInfinity: Double
  /// ||x||_1. netlib: `Xnorm1`
  public var solutionOne: Double
  /// ||b||_oo. netlib: `BnormI`
  public var rightHandSideInfinity: Double

  public init(
    residualInfinity: Double, matrixInfinity: Double, matrixOne: Double,
    solutionInfinity: Double, solutionOne: Double, rightHandSideInfinity: Double
  ) {
    self.residualInfinity = residualInfinity
    self.matrixInfinity = matrixInfinity
    self.matrixOne = matrixOne
    self.solutionInfinity = solutionInfinity
    self.solutionOne = solutionOne
    self.rightHandSideInfinity = rightHandSideInfinity
  }

  /// The machine epsilon HPL scales by: 2^−53 = 1.110223e−16. netlib: `HPL_pdlamch(HPL_MACH_EPS)`
  public static let epsilon = Double.ulpOfOne / 2

  /// The scaled residual for order `n` (0 when n ≤ 0, as xhpl). netlib: `resid1`
  public func scaledResidual(n: Int) -> Double {
    guard n > 0 else { return 0 }
    return residualInfinity
      / (Self.epsilon * (matrixInfinity * solutionInfinity + rightHandSideInfinity) * Double(n))
  }
}
