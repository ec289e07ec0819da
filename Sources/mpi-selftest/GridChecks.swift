import MPI

/// Every P × Q process grid of the world size, in both orders.
enum GridChecks {
  static func run(_ report: Report) {
    let world = report.world
    let size = world.size
    for rows in 1...size where size % rows == 0 {
      let columns = size / rows
      for order in GridOrder.allCases {
        report.check("grid \(rows)x\(columns) \(order)") {
          try check(world, rows: rows, columns: columns, order: order)
        }
      }
    }
  }

  static func check(_ world: Communicator, rows: Int, columns: Int, order: GridOrder) throws
    -> String?
  {
    let rank = world.rank
    let grid = try ProcessGrid(communicator: world, rows: rows, columns: columns, order: order)
    let (row, column) =
      order == .rowMajor ? (rank / columns, rank % columns) : (rank % rows, rank / rows)
    // The world ranks of my process row, in column order, and of my process column.
    let rowRanks = try grid.rowCommunicator.allgather(rank)
    let columnRanks = try grid.columnCommunicator.allgather(rank)
    let expectedRowRanks = (0..<columns).map { grid.rank(ofRow: row, column: $0) }
    let expectedColumnRanks = (0..<rows).map { grid.rank(ofRow: $0, column: column) }
    let formula = (0..<columns).map {
      order == .rowMajor ? row * columns + $0 : $0 * rows + row
    }
    return firstFailure(
      compare([grid.myRow, grid.myColumn], [row, column], "position"),
      compare(
        [
          grid.rowCommunicator.size, grid.rowCommunicator.rank,
          grid.columnCommunicator.size, grid.columnCommunicator.rank,
        ],
        [columns, column, rows, row], "row/column communicator size and rank"),
      compare([grid.rank(ofRow: row, column: column)], [rank], "rank(ofRow:column:)"),
      compare(expectedRowRanks, formula, "rank(ofRow:column:) along my row"),
      compare(rowRanks, expectedRowRanks, "row communicator members"),
      compare(columnRanks, expectedColumnRanks, "column communicator members"))
  }
}
