/// How the ranks of a communicator are laid out on a P × Q ``ProcessGrid``.
///
/// The raw values are the codes of HPL.dat's `PMAP` line.
public enum GridOrder: Int, Sendable, CaseIterable {
  /// Ranks fill the grid row by row: `row = rank / Q`, `column = rank % Q`.
  /// netlib: `HPL_ROW_MAJOR` (PMAP 0).
  case rowMajor = 0
  /// Ranks fill the grid column by column: `row = rank % P`, `column = rank / P`.
  /// netlib: `HPL_COLUMN_MAJOR` (PMAP 1).
  case columnMajor = 1
}
