/// The processes of a communicator arranged as a P × Q grid, with one communicator per
/// process row and one per process column.
///
/// netlib: `HPL_grid_init` (`HPL_T_grid`).
public struct ProcessGrid: Sendable {
  /// The communicator the grid was made from (all P × Q processes).
  public let communicator: Communicator
  /// P, the number of process rows.
  public let rows: Int
  /// Q, the number of process columns.
  public let columns: Int
  /// How ranks map to grid positions.
  public let order: GridOrder
  /// This process's row, 0 ..< P.
  public let myRow: Int
  /// This process's column, 0 ..< Q.
  public let myColumn: Int
  /// The Q processes of this process's row; rank in it = ``myColumn``. netlib: `row_comm`.
  public let rowCommunicator: Communicator
  /// The P processes of this process's column; rank in it = ``myRow``. netlib: `col_comm`.
  public let columnCommunicator: Communicator

  /// Arranges `communicator`'s processes as a `rows` × `columns` grid (collective).
  ///
  /// - Parameters:
  ///   - communicator: global input; its size must be `rows * columns`.
  ///   - rows: global input; P ≥ 1.
  ///   - columns: global input; Q ≥ 1.
  ///   - order: global input; the rank-to-position mapping.
  /// - Throws: ``MPIError`` (`MPI_ERR_ARG`) when P × Q differs from the communicator's size,
  ///   before any communication, so every process throws alike; or an error of `MPI_Comm_split`.
  /// netlib: `HPL_grid_init`.
  public init(
    communicator: Communicator, rows: Int, columns: Int, order: GridOrder = .rowMajor
  ) throws {
    guard rows >= 1, columns >= 1, rows * columns == communicator.size else {
      throw MPIError.invalidArgument(
        "ProcessGrid.init",
        "a \(rows) × \(columns) grid needs \(rows * columns) processes, "
          + "but the communicator has \(communicator.size)")
    }
    let position = Self.position(
      ofRank: communicator.rank, rows: rows, columns: columns, order: order)
    // Every process passes a color, so neither split can return nil.
    guard
      let rowCommunicator = try communicator.split(color: position.row, key: position.column),
      let columnCommunicator = try communicator.split(color: position.column, key: position.row)
    else {
      throw MPIError.invalidArgument("ProcessGrid.init", "MPI_Comm_split returned no communicator")
    }
    self.communicator = communicator
    self.rows = rows
    self.columns = columns
    self.order = order
    self.myRow = position.row
    self.myColumn = position.column
    self.rowCommunicator = rowCommunicator
    self.columnCommunicator = columnCommunicator
  }

  /// The rank (in ``communicator``) of the process at `row`, `column`.
  /// netlib: `HPL_pnum`.
  public func rank(ofRow row: Int, column: Int) -> Int {
    switch order {
    case .rowMajor: row * columns + column
    case .columnMajor: column * rows + row
    }
  }

  /// The grid position of `rank` in a `rows` × `columns` grid laid out in `order`.
  public static func position(ofRank rank: Int, rows: Int, columns: Int, order: GridOrder)
    -> (row: Int, column: Int)
  {
    switch order {
    case .rowMajor: (rank / columns, rank % columns)
    case .columnMajor: (rank % rows, rank / rows)
    }
  }
}
