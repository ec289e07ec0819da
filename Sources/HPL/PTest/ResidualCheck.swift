import BLAS
import MPI

/// The scaled residual ||Ax − b||_oo / (eps · (||A||_oo · ||x||_oo + ||b||_oo) · N), computed on the
/// distributed matrix after it has been regenerated (the factorisation overwrote it), with the
/// solution pieces left by `TriangularSolve`. The formula is ``ResidualNorms/scaledResidual(n:)``.
/// netlib: the check in `HPL_pdtest` (with `HPL_pdlange` for the norms).
struct ResidualCheck {
  let matrix: DistributedMatrix
  let grid: ProcessGrid

  /// Returns the residual and the six norms. Collective over the grid.
  func run() throws -> (residual: Double, norms: ResidualNorms) {
    var sums = localSums()
    // Each row of A is split over the process row, each column over the process column.
    if grid.columns > 1 {
      try grid.rowCommunicator.allreduce(&sums.residual, operation: .sum)
      try grid.rowCommunicator.allreduce(&sums.rowSums, operation: .sum)
    }
    if grid.rows > 1 { try grid.columnCommunicator.allreduce(&sums.columnSums, operation: .sum) }
    let norms = try norms(of: sums)
    return (norms.scaledResidual(n: matrix.order), norms)
  }

  /// Per local row, A·x − b and Σ|a_ij|; per local column of A, Σ|a_ij|. Each holds only this
  /// process's columns (or rows) until summed over the grid. At least one entry each, for MPI.
  private struct Sums {
    var residual: [Double]
    var rowSums: [Double]
    var columnSums: [Double]
  }

  /// b's local rows, on the process column that holds it.
  private var rightHandSide: UnsafeMutablePointer<Double>? {
    guard matrix.holdsRightHandSide else { return nil }
    return matrix.storage + matrix.columnLayout.localIndex(ofGlobal: matrix.order) * matrix.leadingDimension
  }

  /// This process's part of A·x − b and of the row and column sums of |A|.
  private func localSums() -> Sums {
    let ld = matrix.leadingDimension
    let m = matrix.localRows
    let columnsOfA = matrix.localColumnsOfA
    var sums = Sums(
      residual: Array(repeating: 0, count: max(1, m)), rowSums: Array(repeating: 0, count: max(1, m)),
      columnSums: Array(repeating: 0, count: max(1, columnsOfA)))
    if m > 0 && columnsOfA > 0 {
      let a = MatrixView(base: matrix.storage, rows: m, columns: columnsOfA, leadingDimension: ld)
      var x = matrix.solution
      sums.residual.withUnsafeMutableBufferPointer { r in
        x.withUnsafeMutableBufferPointer { xs in
          gemv(
            .noTranspose, alpha: 1, a, VectorView(base: xs.baseAddress!, count: columnsOfA, stride: 1),
            beta: 0, VectorView(base: r.baseAddress!, count: m, stride: 1))
        }
      }
      for j in 0..<columnsOfA {
        let column = matrix.storage + j * ld
        var sum = 0.0
        for i in 0..<m {
          let v = abs(column[i])
          sum += v
          sums.rowSums[i] += v
        }
        sums.columnSums[j] = sum
      }
    }
    if let b = rightHandSide { for i in 0..<m { sums.residual[i] -= b[i] } }
    return sums
  }

  /// The six norms from the completed sums, x and b. Collective over the grid.
  private func norms(of sums: Sums) throws -> ResidualNorms {
    let m = matrix.localRows
    func maximum<C: Collection<Double>>(_ values: C) -> Double { values.reduce(0) { max($0, abs($1)) } }
    let x = matrix.solution
    let localB = rightHandSide.map { b in maximum(UnsafeBufferPointer(start: b, count: m)) } ?? 0
    let rows = grid.rowCommunicator
    let columns = grid.columnCommunicator
    // Rows are complete along process rows: reduce over process columns, and the reverse.
    return ResidualNorms(
      residualInfinity: try columns.allreduce(maximum(sums.residual.prefix(m)), operation: .max),
      matrixInfinity: try columns.allreduce(maximum(sums.rowSums.prefix(m)), operation: .max),
      matrixOne: try rows.allreduce(maximum(sums.columnSums.prefix(matrix.localColumnsOfA)), operation: .max),
      solutionInfinity: try rows.allreduce(maximum(x), operation: .max),
      solutionOne: try rows.allreduce(x.reduce(0) { $0 + abs($1) }, operation: .sum),
      rightHandSideInfinity: try rows.allreduce(try columns.allreduce(localB, operation: .max), operation: .max))
  }
}
