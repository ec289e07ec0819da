import BLAS

/// One panel of the LU: NB (or fewer) consecutive columns of [A|b] starting at global column
/// `firstColumn`, factorised in the process column that owns them and broadcast along process rows.
///
/// After factorisation the panel lives in one contiguous buffer that is also the broadcast message:
/// `[ L2 | L1 | pivots ]`, where L2 is this process row's part of the columns below the top
/// `width` rows (`l2Rows × width`, leading dimension `l2Rows`), L1 is the top `width × width` block
/// (unit lower L and upper U, stored transposed when the L1 form says so), and pivots are the global
/// row indices chosen for each column, as doubles. Processes in one process row own the same local
/// rows, so every one of them knows the message size before it arrives.
/// netlib: `HPL_T_panel`, `HPL_pdpanel_init`.
public final class Panel {
  /// Index of the panel (global first column / NB).
  public let index: Int
  /// The global column of the panel's first column (and the global row of its diagonal block).
  public let firstColumn: Int
  /// The number of columns, min(NB, N − firstColumn).
  public let width: Int
  /// The process column that factorises the panel and is the broadcast's root.
  public let ownerColumn: Int
  /// The process row that owns the panel's top `width` rows.
  public let diagonalRow: Int
  /// Whether this process is in `diagonalRow`.
  public let ownsDiagonal: Bool
  /// The local row where this process's rows with global index ≥ firstColumn begin.
  public let firstLocalRow: Int
  /// The local row where L2 (global rows ≥ firstColumn + width) begins.
  public let l2FirstLocalRow: Int
  /// The number of L2 rows on this process row.
  public let l2Rows: Int
  /// How L1 is stored in `buffer`.
  public let l1Form: StorageForm
  /// `[L2 | L1 | pivots]`, `l2Rows·width + width² + width` doubles; without L2 when the panel
  /// never leaves its process column (Q = 1), where L2 is read from the matrix itself.
  public let buffer: UnsafeMutableBufferPointer<Double>
  /// L2 in the matrix (Q = 1), or nil when it is packed in `buffer`.
  private let l2InMatrix: MatrixView<Double>?
  /// The number of L2 doubles at the start of `buffer`.
  private var packedL2Count: Int { l2InMatrix == nil ? l2Rows * width : 0 }
  /// Broadcast progress; set when the broadcast starts.
  var broadcast: PanelBroadcast?

  /// A panel of `matrix`; `packsL2` is false when there is a single process column, so the
  /// panel is never sent and L2 stays where it was factorised.
  init(index: Int, matrix: DistributedMatrix, l1Form: StorageForm, packsL2: Bool) {
    self.index = index
    firstColumn = index * matrix.blockSize
    width = min(matrix.blockSize, matrix.order - firstColumn)
    ownerColumn = matrix.columnLayout.owner(ofGlobal: firstColumn)
    diagonalRow = matrix.rowLayout.owner(ofGlobal: firstColumn)
    ownsDiagonal = diagonalRow == matrix.myRow
    firstLocalRow = matrix.rowLayout.localCount(below: firstColumn, on: matrix.myRow)
    l2FirstLocalRow = firstLocalRow + (ownsDiagonal ? width : 0)
    l2Rows = matrix.localRows - l2FirstLocalRow
    self.l1Form = l1Form
    if packsL2 {
      l2InMatrix = nil
    } else {
      let localColumn = matrix.columnLayout.localIndex(ofGlobal: firstColumn)
      l2InMatrix = MatrixView(
        base: matrix.storage + localColumn * matrix.leadingDimension + l2FirstLocalRow, rows: l2Rows,
        columns: width, leadingDimension: matrix.leadingDimension)
    }
    buffer = .allocate(capacity: (packsL2 ? l2Rows * width : 0) + width * width + width)
  }

  /// Whether L2 must be copied into `buffer` after factorisation.
  var packsL2: Bool { l2InMatrix == nil }

  deinit { buffer.deallocate() }

  /// L2: this process row's rows below the top block, `l2Rows × width`.
  public var l2: MatrixView<Double> {
    l2InMatrix
      ?? MatrixView(base: buffer.baseAddress!, rows: l2Rows, columns: width, leadingDimension: max(1, l2Rows))
  }

  /// L1 as stored (transposed or not), `width × width`.
  public var l1: MatrixView<Double> {
    MatrixView(
      base: buffer.baseAddress! + packedL2Count, rows: width, columns: width,
      leadingDimension: max(1, width))
  }

  /// The global pivot row chosen for panel column `column`.
  public func pivot(_ column: Int) -> Int {
    Int(buffer[packedL2Count + width * width + column])
  }

  /// Records the pivots (global row indices) in the buffer.
  func storePivots(_ pivots: [Int]) {
    let base = packedL2Count + width * width
    for (column, row) in pivots.enumerated() { buffer[base + column] = Double(row) }
  }
}
