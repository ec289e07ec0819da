import BLAS
import MPI

/// Applies one factorised panel to a range of this process's trailing columns: the row
/// interchanges (which also build U from the pivot rows), U = L1⁻¹ U, then A −= L2 · U.
///
/// The interchanges and U's distribution over the process column follow the SWAP setting
/// (`RowSwap`); the storage forms of L1 and U pick the matching trsm/gemm calls. The final
/// rank-NB gemm can be cut into NB-wide pieces while a broadcast is pending, so that `poll`
/// (which tests the broadcast) is called between pieces, as HPL does.
/// netlib: `HPL_pdupdate{NN,NT,TN,TT}`, `HPL_pdlaswp*`.
struct TrailingUpdate {
  let matrix: DistributedMatrix
  let panel: Panel
  let columnCommunicator: Communicator
  let swap: SwapAlgorithm
  let swapThreshold: Int
  let equilibration: Bool
  let uForm: StorageForm
  let interchanges: RowInterchanges
  let workspace: Workspace

  /// Applies the panel to local columns `columns`. Collective over the process column (every
  /// process of the column passes the same range). `poll` returns true once nothing is pending.
  func apply(toLocalColumns columns: Range<Int>, poll: (() throws -> Bool)? = nil) throws {
    let nq = columns.count
    let w = panel.width
    guard nq > 0, w > 0 else { return }
    let ld = matrix.leadingDimension
    let a = matrix.storage + columns.lowerBound * ld

    // U as rows: row j of U is `ut[j*nq ..< (j+1)*nq]`, which is also Uᵀ with leading dimension nq.
    let ut = workspace.buffer(0, count: w * nq)
    let rowSwap = RowSwap(
      matrix: matrix, panel: panel, columnCommunicator: columnCommunicator,
      interchanges: interchanges, workspace: workspace)
    if columnCommunicator.size == 1 {
      rowSwap.swapLocally(columns: a, count: nq, into: ut)
    } else {
      let algorithm = swap == .mix ? (nq > swapThreshold ? .spreadRoll : .binaryExchange) : swap
      switch algorithm {
      case .binaryExchange:
        try rowSwap.binaryExchange(columns: a, count: nq, into: ut)
      default:
        try rowSwap.spreadRoll(columns: a, count: nq, into: ut, equilibrate: equilibration)
      }
    }

    // U = L1⁻¹ U, in the chosen storage forms.
    let u: MatrixView<Double>
    let l1 = panel.l1
    let l1Uplo: Uplo = panel.l1Form == .noTransposed ? .lower : .upper
    switch uForm {
    case .transposed:
      u = MatrixView(base: ut, rows: nq, columns: w, leadingDimension: nq)
      // Uᵀ L1ᵀ = (old U)ᵀ
      trsm(
        side: .right, uplo: l1Uplo, transA: panel.l1Form == .noTransposed ? .transpose : .noTranspose,
        diagonal: .unit, alpha: 1, l1, u)
    case .noTransposed:
      let un = workspace.buffer(1, count: w * nq)
      for c in 0..<nq {
        for j in 0..<w { un[c * w + j] = ut[j * nq + c] }
      }
      u = MatrixView(base: un, rows: w, columns: nq, leadingDimension: w)
      trsm(
        side: .left, uplo: l1Uplo, transA: panel.l1Form == .noTransposed ? .noTranspose : .transpose,
        diagonal: .unit, alpha: 1, l1, u)
    }

    // The top block's owner keeps U in A.
    if panel.ownsDiagonal {
      for c in 0..<nq {
        let column = a + c * ld + panel.firstLocalRow
        for j in 0..<w { column[j] = uForm == .transposed ? u[c, j] : u[j, c] }
      }
    }

    // A22 −= L2 · U, in NB-wide pieces while something is pending.
    let m = panel.l2Rows
    guard m > 0 else { return }
    let l2 = panel.l2
    var start = 0
    while start < nq {
      var end = nq
      if let poll, !(try poll()) { end = min(nq, start + matrix.blockSize) }
      let c = MatrixView(
        base: a + start * ld + panel.l2FirstLocalRow, rows: m, columns: end - start, leadingDimension: ld)
      switch uForm {
      case .transposed:
        let part = MatrixView(base: ut + start, rows: end - start, columns: w, leadingDimension: nq)
        gemm(.noTranspose, .transpose, alpha: -1, l2, part, beta: 1, c)
      case .noTransposed:
        let part = MatrixView(base: u.base + start * w, rows: w, columns: end - start, leadingDimension: w)
        gemm(.noTranspose, .noTranspose, alpha: -1, l2, part, beta: 1, c)
      }
      start = end
    }
  }
}
