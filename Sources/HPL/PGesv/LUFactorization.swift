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
  let workspace = Workspace()

  public init(matrix: DistributedMatrix, grid: ProcessGrid, settings: TestParameters) {
    self.matrix = matrix
    self.grid = grid
    self.settings = settings
  }

  /// Factorises. Collective over the grid. Returns the first zero pivot (1-based global column),
  /// or 0 when A is numerically nonsingular.
  public func run() throws -> Int {
    let n = matrix.order
    let nb = matrix.blockSize
    let panelCount = (n + nb - 1) / nb
    guard panelCount > 0 else { return 0 }
    let depth = grid.columns == 1 ? 0 : settings.lookaheadDepth
    var singular = 0
    var panels: [Int: Panel] = [:]
    var applied = Array(repeating: 0, count: panelCount)

    func factor(_ index: Int) throws {
      let panel = Panel(index: index, matrix: matrix, l1Form: settings.l1Form, packsL2: grid.columns > 1)
      if panel.ownerColumn == grid.myColumn {
        var factorizer = PanelFactorizer(
          matrix: matrix, panel: panel, columnCommunicator: grid.columnCommunicator,
          panelFactorization: settings.panelFactorization,
          recursiveFactorization: settings.recursivePanelFactorization,
          recursionStoppingSize: settings.recursionStoppingSize, panelDivisions: settings.panelDivisions)
        let zero = try PhaseTimer.shared.measure(.panelFactorization) { try factorizer.run() }
        if singular == 0 { singular = zero }
      }
      panel.broadcast = try PanelBroadcast(
        topology: settings.broadcast, communicator: grid.rowCommunicator, root: panel.ownerColumn,
        buffer: panel.buffer, panelIndex: index)
      panels[index] = panel
    }

    func received(_ index: Int) throws -> Panel {
      let panel = panels[index]!
      try PhaseTimer.shared.measure(.panelBroadcast) { try panel.broadcast?.wait() }
      return panel
    }

    /// Local columns whose global index is in `global`.
    func localColumns(_ global: Range<Int>) -> Range<Int> {
      let layout = matrix.columnLayout
      return layout.localCount(
        below: global.lowerBound, on: grid.myColumn)..<layout.localCount(
          below: global.upperBound, on: grid.myColumn)
    }

    func update(with panel: Panel, globalColumns: Range<Int>, poll: (() throws -> Bool)? = nil) throws {
      let columns = localColumns(globalColumns)
      guard !columns.isEmpty else { return }
      let pivots = (0..<panel.width).map { panel.pivot($0) }
      let update = TrailingUpdate(
        matrix: matrix, panel: panel, columnCommunicator: grid.columnCommunicator, swap: settings.swap,
        swapThreshold: settings.swapThreshold, equilibration: settings.equilibration, uForm: settings.uForm,
        interchanges: RowInterchanges(firstRow: panel.firstColumn, pivots: pivots), workspace: workspace)
      try update.apply(toLocalColumns: columns, poll: poll)
    }

    func blockColumns(_ index: Int) -> Range<Int> { (index * nb)..<min(n, (index + 1) * nb) }

    /// Applies every panel block `index` has not yet received, up to (not including) `limit`.
    /// Only the process column that owns the block has work to do (and waits for panels).
    func bringUpToDate(_ index: Int, through limit: Int) throws {
      guard matrix.columnLayout.owner(ofGlobal: index * nb) == grid.myColumn else {
        applied[index] = max(applied[index], limit)
        return
      }
      while applied[index] < limit {
        try update(with: try received(applied[index]), globalColumns: blockColumns(index))
        applied[index] += 1
      }
    }

    if depth > 0 {
      for index in 0..<min(depth, panelCount) {
        try bringUpToDate(index, through: index)
        try factor(index)
      }
    }
    for index in 0..<panelCount {
      if depth == 0 { try factor(index) }
      let panel = try received(index)
      var restStart = (index + 1) * nb
      if depth > 0 {
        let next = index + depth
        if next < panelCount {
          try bringUpToDate(next, through: next)
          try factor(next)
        }
        restStart = (index + depth + 1) * nb
      }
      // Everything right of the look-ahead window, including b (column N).
      let pending = panels.values.compactMap { $0.broadcast }.filter { !$0.isComplete }
      let poll: (() throws -> Bool)? =
        pending.isEmpty
        ? nil
        : {
          var done = true
          for broadcast in pending where !(try broadcast.test()) { done = false }
          return done
        }
      try update(with: panel, globalColumns: min(restStart, n)..<(n + 1), poll: poll)
      if index + depth + 1 < panelCount {
        for block in (index + depth + 1)..<panelCount { applied[block] = index + 1 }
      }
      try panel.broadcast?.finish()
      panels[index] = nil
    }
    return singular
  }
}
