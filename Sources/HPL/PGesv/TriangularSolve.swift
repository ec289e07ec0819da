import BLAS
import MPI

/// Solves U x = y after the factorisation, where U is the upper triangle of the distributed A and
/// y is the updated column N, leaving each block of x on every process of the process column that
/// owns the matching columns of A (so x is replicated across process rows, as in HPL).
///
/// Block by block from the bottom: the process row of block j sums (y_j minus the contributions
/// of the x blocks already known, which each process accumulates for its own columns) onto the
/// diagonal block's process, which solves with U_jj and broadcasts x_j down its process column.
/// netlib: `HPL_pdtrsv`.
struct TriangularSolve {
  let matrix: DistributedMatrix
  let grid: ProcessGrid
  /// Receives the solve's wall time.
  let timer: PhaseTimer

  /// The solve of the factorised `matrix`; untimed unless given an enabled `timer`.
  init(matrix: DistributedMatrix, grid: ProcessGrid, timer: PhaseTimer = PhaseTimer()) {
    self.matrix = matrix
    self.grid = grid
    self.timer = timer
  }

  func run() throws {
    try timer.measure(.solve) { try solve() }
  }

  private func solve() throws {
    let n = matrix.order
    let nb = matrix.blockSize
    let ld = matrix.leadingDimension
    let rows = matrix.rowLayout
    let columns = matrix.columnLayout
    let myRow = grid.myRow
    let myColumn = grid.myColumn
    let localRows = matrix.localRows
    let rightHandSideColumn = columns.owner(ofGlobal: n)
    let localRightHandSide = columns.localIndex(ofGlobal: n)
    // Σ U[i, known columns] · x over this process's columns, for its local rows.
    var accumulated = [Double](repeating: 0, count: max(1, localRows))
    var solution = [Double](repeating: 0, count: matrix.localColumnsOfA)
    var block = [Double](repeating: 0, count: nb)
    let blockCount = (n + nb - 1) / nb

    for j in stride(from: blockCount - 1, through: 0, by: -1) {
      let first = j * nb
      let width = min(nb, n - first)
      let ownerRow = rows.owner(ofGlobal: first)
      let ownerColumn = columns.owner(ofGlobal: first)
      try block.withUnsafeMutableBufferPointer { buffer in
        let piece = UnsafeMutableBufferPointer(rebasing: buffer[0..<width])
        if myRow == ownerRow {
          let localRow = rows.localIndex(ofGlobal: first)
          for i in 0..<width {
            var value = -accumulated[localRow + i]
            if myColumn == rightHandSideColumn {
              value += matrix.storage[localRightHandSide * ld + localRow + i]
            }
            piece[i] = value
          }
          if grid.columns > 1 {
            try grid.rowCommunicator.reduce(inPlace: piece, operation: .sum, root: ownerColumn)
          }
          if myColumn == ownerColumn {
            let localColumn = columns.localIndex(ofGlobal: first)
            let diagonal = MatrixView(
              base: matrix.storage + localColumn * ld + localRow, rows: width, columns: width,
              leadingDimension: ld)
            trsv(
              uplo: .upper, trans: .noTranspose, diagonal: .nonUnit, diagonal,
              VectorView(base: piece.baseAddress!, count: width, stride: 1))
          }
        }
        guard myColumn == ownerColumn else { return }
        if grid.rows > 1 {
          try grid.columnCommunicator.broadcast(piece, root: ownerRow)
        }
        let localColumn = columns.localIndex(ofGlobal: first)
        for i in 0..<width { solution[localColumn + i] = piece[i] }
        // Contributions of x_j to the rows above block j.
        let above = rows.localCount(below: first, on: myRow)
        if above > 0 {
          accumulated.withUnsafeMutableBufferPointer { acc in
            let u = MatrixView(
              base: matrix.storage + localColumn * ld, rows: above, columns: width, leadingDimension: ld)
            gemv(
              .noTranspose, alpha: 1, u, VectorView(base: piece.baseAddress!, count: width, stride: 1),
              beta: 1, VectorView(base: acc.baseAddress!, count: above, stride: 1))
          }
        }
      }
    }
    matrix.solution = solution
  }
}
