import BLAS
import MPI

/// The scaled residual ||Ax − b||_oo / (eps · (||A||_oo · ||x||_oo + ||b||_oo) · N), computed on the
/// distributed matrix after it has been regenerated (the factorisation overwrote it), with the
/// solution pieces left by `TriangularSolve`.
/// netlib: the check in `HPL_pdtest` (with `HPL_pdlange` for the norms).
struct ResidualCheck {
  /// The relative machine precision HPL uses, 2⁻⁵³.
  static let epsilon = 0x1p-53

  let matrix: DistributedMatrix
  let grid: ProcessGrid

  /// Returns the residual and the six norms. Collective over the grid.
  func run() throws -> (residual: Double, norms: ResidualNorms) {
    let n = matrix.order
    let ld = matrix.leadingDimension
    let m = matrix.localRows
    let columnsOfA = matrix.localColumnsOfA
    let a = MatrixView(base: matrix.storage, rows: m, columns: columnsOfA, leadingDimension: ld)
    let b: UnsafeMutablePointer<Double>? =
      matrix.holdsRightHandSide
      ? matrix.storage + matrix.columnLayout.localIndex(ofGlobal: n) * ld : nil

    // A·x − b for my rows, summed over the process row.
    var residual = [Double](repeating: 0, count: max(1, m))
    var rowSums = [Double](repeating: 0, count: max(1, m))
    var columnSums = [Double](repeating: 0, count: max(1, columnsOfA))
    var x = matrix.solution
    if m > 0 && columnsOfA > 0 {
      residual.withUnsafeMutableBufferPointer { r in
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
          rowSums[i] += v
        }
        columnSums[j] = sum
      }
    }
    if let b { for i in 0..<m { residual[i] -= b[i] } }
    if grid.columns > 1 {
      try grid.rowCommunicator.allreduce(&residual, operation: .sum)
      try grid.rowCommunicator.allreduce(&rowSums, operation: .sum)
    }
    if grid.rows > 1 { try grid.columnCommunicator.allreduce(&columnSums, operation: .sum) }

    func maximum(_ values: ArraySlice<Double>) -> Double { values.reduce(0) { max($0, abs($1)) } }
    let localResidual = m > 0 ? maximum(residual[0..<m]) : 0
    let localRowSum = m > 0 ? maximum(rowSums[0..<m]) : 0
    let localColumnSum = columnsOfA > 0 ? maximum(columnSums[0..<columnsOfA]) : 0
    let localB = b.map { b in (0..<m).reduce(0.0) { max($0, abs(b[$1])) } } ?? 0
    let localXMax = maximum(x[...])
    let localXSum = x.reduce(0) { $0 + abs($1) }

    // Rows are complete along process rows; reduce over process columns, and the reverse.
    let residualNorm = try grid.columnCommunicator.allreduce(localResidual, operation: .max)
    let matrixInfinity = try grid.columnCommunicator.allreduce(localRowSum, operation: .max)
    let matrixOne = try grid.rowCommunicator.allreduce(localColumnSum, operation: .max)
    let solutionInfinity = try grid.rowCommunicator.allreduce(localXMax, operation: .max)
    let solutionOne = try grid.rowCommunicator.allreduce(localXSum, operation: .sum)
    let bNorm = try grid.rowCommunicator.allreduce(
      try grid.columnCommunicator.allreduce(localB, operation: .max), operation: .max)

    let norms = ResidualNorms(
      residualInfinity: residualNorm, matrixInfinity: matrixInfinity, matrixOne: matrixOne,
      solutionInfinity: solutionInfinity, solutionOne: solutionOne, rightHandSideInfinity: bNorm)
    let scaled =
      n == 0
      ? 0
      : residualNorm / (Self.epsilon * (matrixInfinity * solutionInfinity + bNorm) * Double(n))
    return (scaled, norms)
  }
}
