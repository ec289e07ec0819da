/// Whether `a` and `b` agree to within `relativeTolerance` of the larger magnitude, as
/// swift-numerics' `isApproximatelyEqual(to:relativeTolerance:)` decides.
///
/// Values whose magnitudes are both below `absoluteTolerance` are equal too, so a result
/// that should be 0 can be compared with a relative tolerance. NaN equals nothing.
public func isApproximatelyEqual<T: BinaryFloatingPoint>(
  _ a: T, _ b: T, relativeTolerance: T = T.ulpOfOne.squareRoot(),
  absoluteTolerance: T = 0
) -> Bool {
  guard a.isFinite, b.isFinite else { return a == b }
  let difference = abs(a - b)
  return difference <= absoluteTolerance
    || difference <= relativeTolerance * max(abs(a), abs(b))
}

/// Whether two arrays have the same length and agree element by element (see the scalar form).
public func isApproximatelyEqual<T: BinaryFloatingPoint>(
  _ a: [T], _ b: [T], relativeTolerance: T = T.ulpOfOne.squareRoot(),
  absoluteTolerance: T = 0
) -> Bool {
  a.count == b.count
    && zip(a, b).allSatisfy {
      isApproximatelyEqual(
        $0, $1, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance)
    }
}
