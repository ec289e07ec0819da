/// How MPI ranks are laid out on the P × Q process grid (HPL.dat line 9, `PMAP`).
///
/// With `rowMajor`, rank r sits at row r / Q, column r mod Q; with `columnMajor`, at row r mod P,
/// column r / P. The raw values are netlib's HPL.dat codes.
///
/// netlib: `HPL_T_ORDER` (`HPL_ROW_MAJOR`, `HPL_COLUMN_MAJOR`)
public enum ProcessMapping: Int, Sendable, HPLCode {
  /// netlib: `HPL_ROW_MAJOR`
  case rowMajor = 0
  /// netlib: `HPL_COLUMN_MAJOR`
  case columnMajor = 1

  /// The short name used in results CSV files and logs: `row` or `column`.
  public var token: String {
    switch self {
    case .rowMajor: "row"
    case .columnMajor: "column"
    }
  }

  /// The letter in the second position of the T/V code: `R` or `C`.
  public var variantLetter: Character {
    switch self {
    case .rowMajor: "R"
    case .columnMajor: "C"
    }
  }

}
