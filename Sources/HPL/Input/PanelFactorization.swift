/// A panel factorization variant: left-looking, Crout or right-looking.
///
/// The same three variants serve as the matrix-vector base case (`PFACT`, HPL.dat line 15) and as
/// the recursive splitting scheme (`RFACT`, line 21). The raw values are netlib's HPL.dat codes.
///
/// netlib: `HPL_T_FACT` (`HPL_LEFT_LOOKING`, `HPL_CROUT`, `HPL_RIGHT_LOOKING`)
public enum PanelFactorization: Int, Sendable, HPLCode {
  /// netlib: `HPL_LEFT_LOOKING`
  case left = 0
  /// netlib: `HPL_CROUT`
  case crout = 1
  /// netlib: `HPL_RIGHT_LOOKING`
  case right = 2

  /// xhpl's name for the variant, as printed in the parameter summary: `Left`, `Crout`, `Right`.
  /// Also the value written to results CSV files.
  public var token: String {
    switch self {
    case .left: "Left"
    case .crout: "Crout"
    case .right: "Right"
    }
  }

  /// The letter used in the T/V code: `L`, `C` or `R`.
  public var variantLetter: Character {
    switch self {
    case .left: "L"
    case .crout: "C"
    case .right: "R"
    }
  }

  /// The variant whose T/V letter is `letter`.
  public init?(variantLetter letter: Character) {
    guard let value = Self.allCases.first(where: { $0.variantLetter == letter }) else { return nil }
    self = value
  }
}
