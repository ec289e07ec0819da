import MPI

/// Right-looking blocked LU with row partial pivoting of the distributed [A|b], with look-ahead.
///
/// Panels are factorised in the process column that owns them, broadcast along process rows and
/// applied to the trailing columns. With look-ahead depth d > 0 (and more than one process
/// column), the panel d steps ahead is brought up to date, factorised and sent before the bulk of
/// the current trailing update, so the next panel's owner is not the one everybody waits for.
/// Each column block records how many panels it has received, so no update is applied twice.
/// L is applied to b (column N) along the way; U x = y is left for `TriangularSolve`.
/// netlib: `HPL_pdgesv0` (depth 0), `HPL_pdgesvK2` (look-ahead).
public struct LUFactorization {
  let matrix: DistributedMatrix
  let grid: ProcessGrid
  /// The variant settings of the test (N, NB and the grid come from `matrix` and `grid`).
  let settings: TestParameters
  /// Receives the wall time of each stage.
  let timer: PhaseTimer
  let workspace = Workspace()

  /// The factorisation of `matrix` over `grid`; untimed unless given an enabled `timer`.
  public init(
    matrix: DistributedMatrix, grid: ProcessGrid, settings: TestParameters, timer: PhaseTimer = PhaseTimer()
  ) {
    self.matrix = matrix
    self.grid = grid
    self.settings = settings
    self.timer = timer
  }

  /// Factorises. Collective over the grid. Returns the first zero pivot (1-based global column),
  /// or 0 when A is numerically nonsingular.
  public func run() throws -> Int {
    let panelCount = (matrix.order + matrix.blockSize - 1) / matrix.blockSize
    guard panelCount > 0 else { return 0 }
    let depth = grid.columns == 1 ? 0 : settings.lookaheadDepth
    var progress = Progress(panelCount: panelCount)
    // Prime the look-ahead window: panels 0..<depth are factorised and on their way first.
    for index in 0..<min(depth, panelCount) {
      try bringUpToDate(index, through: index, &progress)
      try factor(index, &progress)
    }
    for index in 0..<panelCount {
      try step(index, depth: depth, &progress)
    }
    return progress.singularColumn
  }

  /// What the factorisation has done so far.
  struct Progress {
    let panelCount: Int
    /// The first zero pivot (1-based global column), 0 if none yet.
    var singularColumn = 0
    /// The panels factorised (or being received) and not yet applied everywhere.
    var panels: [Int: Panel] = [:]
    /// `applied[block]`: how many panels column block `block` has received.
    var applied: [Int]

    init(panelCount: Int) {
      self.panelCount = panelCount
      applied = Array(repeating: 0, count: panelCount)
    }

    /// A poll that tests every broadcast still in flight (true once all are complete), or nil
    /// when none is, so the trailing update need not cut its dgemm.
    func pollPendingBroadcasts() -> (() throws -> Bool)? {
      let pending = panels.values.compactMap(\.broadcast).filter { !$0.isComplete }
      guard !pending.isEmpty else { return nil }
      return {
        var done = true
        for broadcast in pending where !(try broadcast.test()) { done = false }
        return done
      }
    }
  }

  /// Step `index` of the sweep: panel `index` arrives, the panel `depth` ahead is factorised and
  /// sent, and panel `index` updates everything right of the look-ahead window, b included.
  private func step(_ index: Int, depth: Int, _ progress: inout Progress) throws {
    if depth == 0 { try factor(index, &progress) }
    let panel = try received(index, progress)
    let next = index + depth
    if depth > 0 && next < progress.panelCount {
      try bringUpToDate(next, through: next, &progress)
      try factor(next, &progress)
    }
    let n = matrix.order
    let restStart = min((next + 1) * matrix.blockSize, n)
    try update(with: panel, globalColumns: restStart..<(n + 1), poll: progress.pollPendingBroadcasts())
    if next + 1 < progress.panelCount {
      for block in (next + 1)..<progress.panelCount { progress.applied[block] = index + 1 }
    }
    try panel.broadcast?.finish()
    progress.panels[index] = nil
  }

  /// Factorises panel `index` in its process column and starts its broadcast along the rows.
  private func factor(_ index: Int, _ progress: inout Progress) throws {
    let panel = Panel(index: index, matrix: matrix, l1Form: settings.l1Form, packsL2: grid.columns > 1)
    if panel.ownerColumn == grid.myColumn {
      let zero = try timer.measure(.panelFactorization) {
        try PanelFactorizer.factor(
          panel, of: matrix, columnCommunicator: grid.columnCommunicator, settings: settings)
      }
      if progress.singularColumn == 0 { progress.singularColumn = zero }
    }
    panel.broadcast = try PanelBroadcast(
      topology: settings.broadcast, communicator: grid.rowCommunicator, root: panel.ownerColumn,
      buffer: panel.buffer, panelIndex: index)
    progress.panels[index] = panel
  }

  /// Panel `index`, once its broadcast has reached this process.
  private func received(_ index: Int, _ progress: Progress) throws -> Panel {
    let panel = progress.panels[index]!
    try timer.measure(.panelBroadcast) { try panel.broadcast?.wait() }
    return panel
  }

  /// Applies every panel column block `index` has not yet received, up to (not including)
  /// `limit`. Only the process column that owns the block has work to do (and waits for panels).
  private func bringUpToDate(_ index: Int, through limit: Int, _ progress: inout Progress) throws {
    let nb = matrix.blockSize
    guard matrix.columnLayout.owner(ofGlobal: index * nb) == grid.myColumn else {
      progress.applied[index] = max(progress.applied[index], limit)
      return
    }
    let block = (index * nb)..<min(matrix.order, (index + 1) * nb)
    while progress.applied[index] < limit {
      try update(with: try received(progress.applied[index], progress), globalColumns: block)
      progress.applied[index] += 1
    }
  }

  /// Applies `panel` to this process's columns among `globalColumns`.
  private func update(with panel: Panel, globalColumns: Range<Int>, poll: (() throws -> Bool)? = nil) throws {
    let layout = matrix.columnLayout
    let first = layout.localCount(below: globalColumns.lowerBound, on: grid.myColumn)
    let columns = first..<layout.localCount(below: globalColumns.upperBound, on: grid.myColumn)
    guard !columns.isEmpty else { return }
    let pivots = (0..<panel.width).map { panel.pivot($0) }
    let update = TrailingUpdate(
      matrix: matrix, panel: panel, columnCommunicator: grid.columnCommunicator, swap: settings.swap,
      swapThreshold: settings.swapThreshold, equilibration: settings.equilibration, uForm: settings.uForm,
      interchanges: RowInterchanges(firstRow: panel.firstColumn, pivots: pivots), workspace: workspace,
      timer: timer)
    try update.apply(toLocalColumns: columns, poll: poll)
  }
}
