import BLAS
import MPI

/// Factorises one panel in place, in the process column that owns it, with partial pivoting over
/// the whole process column, then packs it into the panel's broadcast buffer.
///
/// The recursive variant (RFACT) splits a range of columns into NDIV parts until at most NBMIN
/// columns remain; those are factorised column by column with the PFACT variant. Both levels use
/// the same three schemes, which differ only in when updates are applied:
/// - right-looking: after each part, update everything to its right at once;
/// - left-looking: before each part, bring it up to date with everything to its left;
/// - Crout: before each part, update its columns; after it, finish its rows of U to the right.
///
/// The top `width` rows of the panel (the future L1/U block) are kept replicated in `l1` on every
/// process of the column: each pivot row is copied there when it is chosen, so that U entries and
/// Crout's row updates need no further communication. Rows whose global index has been passed
/// ("dead" rows) are ignored locally and restored from `l1` at the end.
/// netlib: `HPL_pdfact`, `HPL_pdrpan{ll,rl,cr}N`, `HPL_pdpan{ll,rl,cr}N`, `HPL_pdmxswp`.
struct PanelFactorizer {
  let matrix: DistributedMatrix
  let panel: Panel
  let columnCommunicator: Communicator
  let panelFactorization: PanelFactorization
  let recursiveFactorization: PanelFactorization
  let recursionStoppingSize: Int
  let panelDivisions: Int

  /// Column `c` of the panel in local storage.
  private let panelBase: UnsafeMutablePointer<Double>
  private let ld: Int
  /// The replicated top block, `width × width`, column-major with leading dimension `width`;
  /// owned by ``factor(_:of:columnCommunicator:settings:)``.
  private let l1: UnsafeMutablePointer<Double>
  private var pivots: [Int]
  /// The first zero pivot (global column + 1), 0 if none.
  private(set) var singularColumn = 0
  private var exchange: [Double]
  private var gathered: [Double]

  /// Factorises `panel` of `matrix` with the PFACT, RFACT, NBMIN and NDIV of `settings` and fills
  /// the panel's buffer. Collective over the process column that owns the panel.
  /// Returns the first zero pivot as a 1-based global column, or 0.
  static func factor(
    _ panel: Panel, of matrix: DistributedMatrix, columnCommunicator: Communicator, settings: TestParameters
  ) throws -> Int {
    // The replicated top block lives exactly as long as this call.
    var l1 = [Double](repeating: 0, count: max(1, panel.width * panel.width))
    return try l1.withUnsafeMutableBufferPointer { l1 in
      var factorizer = PanelFactorizer(
        matrix: matrix, panel: panel, columnCommunicator: columnCommunicator, settings: settings,
        l1: l1.baseAddress!)
      try factorizer.factor(0, panel.width)
      factorizer.finish()
      return factorizer.singularColumn
    }
  }

  /// A factorizer working in `l1`, which the caller owns and keeps alive while it runs.
  private init(
    matrix: DistributedMatrix, panel: Panel, columnCommunicator: Communicator, settings: TestParameters,
    l1: UnsafeMutablePointer<Double>
  ) {
    self.matrix = matrix
    self.panel = panel
    self.columnCommunicator = columnCommunicator
    panelFactorization = settings.panelFactorization
    recursiveFactorization = settings.recursivePanelFactorization
    recursionStoppingSize = max(1, settings.recursionStoppingSize)
    panelDivisions = max(2, settings.panelDivisions)
    let localColumn = matrix.columnLayout.localIndex(ofGlobal: panel.firstColumn)
    ld = matrix.leadingDimension
    panelBase = matrix.storage + localColumn * ld
    self.l1 = l1
    pivots = Array(repeating: 0, count: panel.width)
    let record = Self.recordLength(width: panel.width)
    exchange = Array(repeating: 0, count: record)
    gathered = Array(repeating: 0, count: columnCommunicator.size > 1 ? record * columnCommunicator.size : 0)
  }

  // MARK: - Recursion

  private mutating func factor(_ a: Int, _ b: Int) throws {
    let width = b - a
    if width == 1 {
      try factorColumn(a)
      return
    }
    let variant: PanelFactorization
    let partWidth: Int
    if width <= recursionStoppingSize {
      variant = panelFactorization
      partWidth = 1
    } else {
      variant = recursiveFactorization
      partWidth = (width + panelDivisions - 1) / panelDivisions
    }
    var p0 = a
    while p0 < b {
      let p1 = min(b, p0 + partWidth)
      switch variant {
      case .right:
        try factor(p0, p1)
        updateRight(p0, p1, through: b)
      case .left:
        bringUpToDateLeftLooking(p0, p1, from: a)
        try factor(p0, p1)
      case .crout:
        bringUpToDateCrout(p0, p1, from: a)
        try factor(p0, p1)
        finishRowsCrout(p0, p1, from: a, through: b)
      }
      p0 = p1
    }
  }

  /// The local row where rows with global index ≥ firstColumn + c begin.
  private func activeStart(_ c: Int) -> Int {
    panel.firstLocalRow + (panel.ownsDiagonal ? c : 0)
  }

  private func local(_ rows: Range<Int>, _ columns: Range<Int>) -> MatrixView<Double> {
    MatrixView(
      base: panelBase + columns.lowerBound * ld + rows.lowerBound, rows: rows.count,
      columns: columns.count, leadingDimension: ld)
  }

  private func top(_ rows: Range<Int>, _ columns: Range<Int>) -> MatrixView<Double> {
    let w = panel.width
    return MatrixView(
      base: l1 + columns.lowerBound * w + rows.lowerBound, rows: rows.count,
      columns: columns.count, leadingDimension: max(1, w))
  }

  private var localRowEnd: Int { matrix.localRows }

  /// Right-looking: U12 = L11⁻¹ A12 in the replicated block, then A22 −= L21 U12.
  private func updateRight(_ p0: Int, _ p1: Int, through b: Int) {
    guard p1 < b else { return }
    solveTop(p0..<p1, p1..<b)
    let rows = activeStart(p1)..<localRowEnd
    guard !rows.isEmpty else { return }
    multiplySubtract(local(rows, p0..<p1), top(p0..<p1, p1..<b), local(rows, p1..<b))
  }

  /// Left-looking: U = L⁻¹ (rows a..<p0 of the part) in the replicated block, then the part's
  /// active rows −= L · U (Crout's update, with U now final).
  private func bringUpToDateLeftLooking(_ p0: Int, _ p1: Int, from a: Int) {
    guard p0 > a else { return }
    solveTop(a..<p0, p0..<p1)
    bringUpToDateCrout(p0, p1, from: a)
  }

  /// Crout: the part's active rows −= L · U, where U (rows a..<p0) is already final.
  private func bringUpToDateCrout(_ p0: Int, _ p1: Int, from a: Int) {
    guard p0 > a else { return }
    let rows = activeStart(p0)..<localRowEnd
    guard !rows.isEmpty else { return }
    multiplySubtract(local(rows, a..<p0), top(a..<p0, p0..<p1), local(rows, p0..<p1))
  }

  /// Crout: U rows p0..<p1 to the right of the part, U = L11⁻¹ (A − L U), all in the replicated block.
  private func finishRowsCrout(_ p0: Int, _ p1: Int, from a: Int, through b: Int) {
    guard p1 < b else { return }
    if p0 > a {
      multiplySubtract(top(p0..<p1, a..<p0), top(a..<p0, p1..<b), top(p0..<p1, p1..<b))
    }
    solveTop(p0..<p1, p1..<b)
  }

  /// U = L⁻¹ U in the replicated block, for U its `rows` × `columns` and L the unit lower triangle
  /// of its `rows` × `rows`. With one row, L is 1 and there is nothing to do.
  private func solveTop(_ rows: Range<Int>, _ columns: Range<Int>) {
    guard rows.count > 1 else { return }
    trsm(
      side: .left, uplo: .lower, transA: .noTranspose, diagonal: .unit, alpha: 1,
      top(rows, rows), top(rows, columns))
  }

  /// c −= a · b, through ger or gemv when one dimension is 1.
  private func multiplySubtract(_ a: MatrixView<Double>, _ b: MatrixView<Double>, _ c: MatrixView<Double>) {
    if a.columns == 1 {
      ger(alpha: -1, a.column(0), b.row(0), c)
    } else if c.columns == 1 {
      gemv(.noTranspose, alpha: -1, a, b.column(0), beta: 1, c.column(0))
    } else {
      gemm(.noTranspose, .noTranspose, alpha: -1, a, b, beta: 1, c)
    }
  }

  // MARK: - One column: pivot search, exchange, scaling

  /// Record layout for the pivot exchange: [|max|, global row, has current row, candidate row…, current row…].
  static func recordLength(width: Int) -> Int { 3 + 2 * width }

  private mutating func factorColumn(_ c: Int) throws {
    let w = panel.width
    let globalRow = panel.firstColumn + c
    let start = activeStart(c)
    let active = start..<localRowEnd
    var bestAbs = -1.0
    var bestLocal = -1
    if !active.isEmpty {
      let column = local(active, c..<(c + 1)).column(0)
      let index = iamax(column)
      bestLocal = start + index
      bestAbs = abs(panelBase[c * ld + bestLocal])
    }

    let pivotRow: Int
    if columnCommunicator.size == 1 {
      // Everything is local: swap whole panel rows, then copy the pivot row to the top block.
      pivotRow = matrix.rowLayout.globalIndex(ofLocal: bestLocal, on: matrix.myRow)
      if bestLocal != start {
        for j in 0..<w {
          let t = panelBase[j * ld + start]
          panelBase[j * ld + start] = panelBase[j * ld + bestLocal]
          panelBase[j * ld + bestLocal] = t
        }
      }
      for j in 0..<w { l1[j * w + c] = panelBase[j * ld + start] }
    } else {
      pivotRow = try exchangePivot(column: c, start: start, bestAbs: bestAbs, bestLocal: bestLocal)
    }
    pivots[c] = pivotRow

    let pivotValue = l1[c * w + c]
    let below = activeStart(c + 1)..<localRowEnd
    if pivotValue != 0 {
      if !below.isEmpty { scal(1 / pivotValue, local(below, c..<(c + 1)).column(0)) }
    } else if singularColumn == 0 {
      singularColumn = globalRow + 1
    }
  }

  /// Chooses the pivot across the process column and exchanges rows: every process learns the
  /// pivot row (copied to the top block), the owner of the pivot row receives the current row, and
  /// the owner of the current row takes the pivot row. One allgather of small records.
  private mutating func exchangePivot(column c: Int, start: Int, bestAbs: Double, bestLocal: Int) throws -> Int {
    let w = panel.width
    let record = Self.recordLength(width: w)
    exchange[0] = bestAbs
    exchange[1] =
      bestLocal >= 0 ? Double(matrix.rowLayout.globalIndex(ofLocal: bestLocal, on: matrix.myRow)) : -1
    exchange[2] = panel.ownsDiagonal ? 1 : 0
    if bestLocal >= 0 {
      for j in 0..<w { exchange[3 + j] = panelBase[j * ld + bestLocal] }
    }
    if panel.ownsDiagonal {
      for j in 0..<w { exchange[3 + w + j] = panelBase[j * ld + start] }
    }
    try exchange.withUnsafeBufferPointer { send in
      try gathered.withUnsafeMutableBufferPointer { receive in
        try columnCommunicator.allgather(send, into: receive)
      }
    }
    // Deterministic choice on every process: the largest magnitude, ties to the smaller row.
    var winner = -1
    var diagonalOwner = -1
    for process in 0..<columnCommunicator.size {
      let base = process * record
      if gathered[base + 2] == 1 { diagonalOwner = process }
      guard gathered[base] >= 0 else { continue }
      if winner < 0 {
        winner = process
        continue
      }
      let wbase = winner * record
      if gathered[base] > gathered[wbase]
        || (gathered[base] == gathered[wbase] && gathered[base + 1] < gathered[wbase + 1])
      {
        winner = process
      }
    }
    let wbase = winner * record
    let pivotRow = Int(gathered[wbase + 1])
    for j in 0..<w { l1[j * w + c] = gathered[wbase + 3 + j] }
    let currentRow = panel.firstColumn + c
    if pivotRow != currentRow && matrix.rowLayout.owner(ofGlobal: pivotRow) == matrix.myRow {
      let localPivot = matrix.rowLayout.localIndex(ofGlobal: pivotRow)
      let dbase = diagonalOwner * record + 3 + w
      for j in 0..<w { panelBase[j * ld + localPivot] = gathered[dbase + j] }
    }
    if panel.ownsDiagonal {
      for j in 0..<w { panelBase[j * ld + start] = gathered[wbase + 3 + j] }
    }
    return pivotRow
  }

  // MARK: - Packing

  /// Restores the top rows from the replicated block and packs [L2 | L1 | pivots].
  private func finish() {
    let w = panel.width
    if panel.ownsDiagonal {
      for j in 0..<w {
        for i in 0..<w { panelBase[j * ld + panel.firstLocalRow + i] = l1[j * w + i] }
      }
    }
    let buffer = panel.buffer.baseAddress!
    let m = panel.packsL2 ? panel.l2Rows : 0
    if m > 0 {
      for j in 0..<w {
        (buffer + j * m).update(from: panelBase + j * ld + panel.l2FirstLocalRow, count: m)
      }
    }
    let l1Out = buffer + m * w
    switch panel.l1Form {
    case .noTransposed:
      l1Out.update(from: l1, count: w * w)
    case .transposed:
      for j in 0..<w {
        for i in 0..<w { l1Out[i * w + j] = l1[j * w + i] }
      }
    }
    panel.storePivots(pivots)
  }
}
