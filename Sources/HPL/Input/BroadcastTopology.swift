/// How a factorized panel is broadcast along a process row (HPL.dat line 23, `BCAST`).
///
/// The raw values are netlib's HPL.dat codes, which are also the digit in the fourth position of
/// the T/V code.
///
/// netlib: `HPL_T_TOP` (`HPL_1RING`, `HPL_1RING_M`, `HPL_2RING`, `HPL_2RING_M`, `HPL_BLONG`,
/// `HPL_BLONG_M`)
public enum BroadcastTopology: Int, Sendable, HPLCode {
  /// Increasing ring. netlib: `HPL_1RING`
  case oneRing = 0
  /// Increasing ring in which the next panel's owner only receives; HPL's recommended choice.
  /// netlib: `HPL_1RING_M`
  case oneRingModified
  /// Two rings. netlib: `HPL_2RING`
  case twoRing
  /// Two rings, the next panel's owner served first. netlib: `HPL_2RING_M`
  case twoRingModified
  /// Scatter then roll ("long"), bandwidth-optimal. netlib: `HPL_BLONG`
  case long
  /// Long, the next panel's owner served first. netlib: `HPL_BLONG_M`
  case longModified

  /// xhpl's name for the topology, as printed in the parameter summary (`1ring`, `1ringM`,
  /// `2ring`, `2ringM`, `Blong`, `BlongM`). Also the value written to results CSV files.
  public var token: String {
    switch self {
    case .oneRing: "1ring"
    case .oneRingModified: "1ringM"
    case .twoRing: "2ring"
    case .twoRingModified: "2ringM"
    case .long: "Blong"
    case .longModified: "BlongM"
    }
  }

}
