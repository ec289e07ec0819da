/// A P × Q process grid: `rows` (P, HPL.dat line 11) by `columns` (Q, line 12).
///
/// netlib: `HPL_T_grid` (`nprow`, `npcol`)
public struct GridShape: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// P, the number of process rows. netlib: `nprow`
  public var rows: Int
  /// Q, the number of process columns. netlib: `npcol`
  public var columns: Int

  public init(rows: Int, columns: Int) {
    self.rows = rows
    self.columns = columns
  }

  /// P · Q, the number of ranks the grid uses.
  public var processCount: Int { rows * columns }

  /// `P × Q`, e.g. `2 × 4`.
  public var description: String { "\(rows) × \(columns)" }
}
