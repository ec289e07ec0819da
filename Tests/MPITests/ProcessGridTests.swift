import MPI
import Testing

/// The rank ↔ position formulas need no MPI; the grids themselves are built below at one rank
/// and by `mpi-selftest` for every P × Q of 2, 3 and 4 ranks.
@Suite("Process grid mapping")
struct ProcessGridMappingTests {
  @Test("row-major: row = rank / Q, column = rank % Q")
  func rowMajor() {
    let positions = (0..<6).map {
      ProcessGrid.position(ofRank: $0, rows: 2, columns: 3, order: .rowMajor)
    }
    #expect(positions.map(\.row) == [0, 0, 0, 1, 1, 1])
    #expect(positions.map(\.column) == [0, 1, 2, 0, 1, 2])
  }

  @Test("column-major: row = rank % P, column = rank / P")
  func columnMajor() {
    let positions = (0..<6).map {
      ProcessGrid.position(ofRank: $0, rows: 2, columns: 3, order: .columnMajor)
    }
    #expect(positions.map(\.row) == [0, 1, 0, 1, 0, 1])
    #expect(positions.map(\.column) == [0, 0, 1, 1, 2, 2])
  }

  @Test("raw values are HPL.dat's PMAP codes")
  func rawValues() {
    #expect(GridOrder(rawValue: 0) == .rowMajor)
    #expect(GridOrder(rawValue: 1) == .columnMajor)
  }
}

extension SingletonMPI {
  @Suite("ProcessGrid (singleton)")
  struct ProcessGridTests {
    @Test("a 1 × 1 grid", arguments: GridOrder.allCases)
    func oneByOne(order: GridOrder) throws {
      let world = try startSingletonMPI()
      let grid = try ProcessGrid(communicator: world, rows: 1, columns: 1, order: order)
      #expect(grid.myRow == 0 && grid.myColumn == 0)
      #expect(grid.rowCommunicator.size == 1 && grid.columnCommunicator.size == 1)
      #expect(grid.rank(ofRow: 0, column: 0) == 0)
    }

    @Test(
      "a grid that does not fit the communicator is rejected", arguments: [(2, 1), (1, 3), (0, 1)])
    func misfit(rows: Int, columns: Int) throws {
      let world = try startSingletonMPI()
      let error = try #require(throws: MPIError.self) {
        try ProcessGrid(communicator: world, rows: rows, columns: columns)
      }
      #expect(error.function == "ProcessGrid.init")
      #expect(error.message.contains("the communicator has 1"))
    }
  }
}
