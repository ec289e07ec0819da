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
  let timer: PhaseTimer

  /// Applies the panel to local columns `columns`. Collective over the process column (every
  /// process of the column passes the same range). `poll` returns true once nothing is pending.
  func apply(toLocalColumns columns: Range<Int>, poll: (() throws -> Bool)? = nil) throws {
    let nq = columns.count
    guard nq > 0, panel.width > 0 else { return }
    let a = matrix.storage + columns.lowerBound * matrix.leadingDimension
    if columnCommunicator.size == 1 {
      // One process row: swap in place and use U where it lies in A, as HPL does; the U storage
      // form only shapes the buffer that carries U between process rows.
      let u = MatrixView(
        base: a + panel.firstLocalRow, rows: panel.width, columns: nq, leadingDimension: matrix.leadingDimension)
      timer.measure(.rowSwaps) { swapInPlace(columns: a, count: nq) }
      timer.measure(.triangularUpdate) { solve(u) }
      try timer.measure(.trailingGemm) {
        try subtractProduct(columns: a, count: nq, u: u, uForm: .noTransposed, poll: poll)
      }
      return
    }
    // Several process rows: U travels in a buffer. Working through the columns in blocks keeps
    // that buffer (and every swap message) a few megabytes, whatever N is; the swap algorithm is
    // still chosen from the whole width, as HPL does.
    let algorithm = swap == .mix ? (nq > swapThreshold ? .spreadRoll : .binaryExchange) : swap
    var first = 0
    while first < nq {
      let count = min(Self.columnBlock, nq - first)
      let block = a + first * matrix.leadingDimension
      // U as rows: row j of U is `ut[j*count ..< (j+1)*count]`, also Uᵀ with leading dimension count.
      let ut = workspace.buffer(0, count: panel.width * count)
      try timer.measure(.rowSwaps) { try interchange(columns: block, count: count, into: ut, algorithm: algorithm) }
      let u = timer.measure(.triangularUpdate) { solveForU(columns: block, count: count, ut: ut) }
      try timer.measure(.trailingGemm) {
        try subtractProduct(columns: block, count: count, u: u, uForm: uForm, poll: poll)
      }
      first += count
    }
  }

  /// Columns per block of the update when U travels between process rows.
  static let columnBlock = 2048

  private var rowSwap: RowSwap {
    RowSwap(
      matrix: matrix, panel: panel, columnCommunicator: columnCommunicator,
      interchanges: interchanges, workspace: workspace)
  }

  /// P = 1: the pivots applied to the local columns in place.
  private func swapInPlace(columns a: UnsafeMutablePointer<Double>, count nq: Int) {
    rowSwap.swapLocally(columns: a, count: nq)
  }

  /// U = L1⁻¹ U for U (width × nq) stored as columns, with L1 in its storage form.
  private func solve(_ u: MatrixView<Double>) {
    let stored = panel.l1Form == .noTransposed
    trsm(
      side: .left, uplo: stored ? .lower : .upper, transA: stored ? .noTranspose : .transpose,
      diagonal: .unit, alpha: 1, panel.l1, u)
  }

  /// Applies the interchanges with the SWAP algorithm and leaves U's rows (the pivot rows) in `ut`.
  private func interchange(
    columns a: UnsafeMutablePointer<Double>, count nq: Int, into ut: UnsafeMutablePointer<Double>,
    algorithm: SwapAlgorithm
  ) throws {
    switch algorithm {
    case .binaryExchange:
      try rowSwap.binaryExchange(columns: a, count: nq, into: ut)
    default:
      try rowSwap.spreadRoll(columns: a, count: nq, into: ut, equilibrate: equilibration)
    }
  }

  /// U = L1⁻¹ U in the chosen storage forms; the top block's owner also keeps U in A.
  private func solveForU(columns a: UnsafeMutablePointer<Double>, count nq: Int, ut: UnsafeMutablePointer<Double>)
    -> MatrixView<Double>
  {
    let w = panel.width
    let ld = matrix.leadingDimension
    let u: MatrixView<Double>
    switch uForm {
    case .transposed:
      u = MatrixView(base: ut, rows: nq, columns: w, leadingDimension: nq)
      // Uᵀ L1ᵀ = (old U)ᵀ
      let stored = panel.l1Form == .noTransposed
      trsm(
        side: .right, uplo: stored ? .lower : .upper, transA: stored ? .transpose : .noTranspose,
        diagonal: .unit, alpha: 1, panel.l1, u)
    case .noTransposed:
      let un = workspace.buffer(1, count: w * nq)
      RowCopy.scatter((0..<w).map { ($0, $0) }, from: ut, count: nq, into: un, leadingDimension: w)
      u = MatrixView(base: un, rows: w, columns: nq, leadingDimension: w)
      solve(u)
    }
    if panel.ownsDiagonal {
      switch uForm {
      case .transposed:
        RowCopy.scatter(
          (0..<w).map { (panel.firstLocalRow + $0, $0) }, from: ut, count: nq, into: a, leadingDimension: ld)
      case .noTransposed:
        for c in 0..<nq { (a + c * ld + panel.firstLocalRow).update(from: u.base + c * w, count: w) }
      }
    }
    return u
  }

  /// A22 −= L2 · U, in NB-wide pieces while something is pending.
  private func subtractProduct(
    columns a: UnsafeMutablePointer<Double>, count nq: Int, u: MatrixView<Double>, uForm: StorageForm,
    poll: (() throws -> Bool)?
  ) throws {
    let m = panel.l2Rows
    guard m > 0 else { return }
    let w = panel.width
    let ld = matrix.leadingDimension
    let l2 = panel.l2
    var start = 0
    while start < nq {
      var end = nq
      if let poll, !(try poll()) { end = min(nq, start + matrix.blockSize) }
      let c = MatrixView(
        base: a + start * ld + panel.l2FirstLocalRow, rows: m, columns: end - start, leadingDimension: ld)
      switch uForm {
      case .transposed:
        let part = MatrixView(base: u.base + start, rows: end - start, columns: w, leadingDimension: u.leadingDimension)
        gemm(.noTranspose, .transpose, alpha: -1, l2, part, beta: 1, c)
      case .noTransposed:
        let part = MatrixView(
          base: u.base + start * u.leadingDimension, rows: w, columns: end - start, leadingDimension: u.leadingDimension
        )
        gemm(.noTranspose, .noTranspose, alpha: -1, l2, part, beta: 1, c)
      }
      start = end
    }
  }
}
