/// How pivot rows are swapped and U is broadcast down the process columns (HPL.dat line 26, `SWAP`).
///
/// The raw values are netlib's HPL.dat codes.
///
/// netlib: `HPL_T_SWAP` (`HPL_SWAP00`, `HPL_SWAP01`, `HPL_SW_MIX`)
public enum SwapAlgorithm: Int, Sendable, HPLCode {
  /// Binary exchange in log2(P) steps. netlib: `HPL_SWAP00`
  case binaryExchange = 0
  /// Spread then roll ("long"). netlib: `HPL_SWAP01`
  case spreadRoll = 1
  /// Spread-roll when more columns than the swapping threshold (line 27) remain, else binary
  /// exchange. netlib: `HPL_SW_MIX`
  case mix = 2

  /// The short name used in results CSV files and logs: `binary-exchange`, `spread-roll`, `mix`.
  public var token: String {
    switch self {
    case .binaryExchange: "binary-exchange"
    case .spreadRoll: "spread-roll"
    case .mix: "mix"
    }
  }

}
