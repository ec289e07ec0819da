/// The contents of an `HPL.dat` file: the problem sizes, grids and algorithm variants xhpl sweeps.
///
/// Read one with ``parse(contents:fileName:)`` or ``read(path:)``, write one with ``render()``,
/// and walk the sweep with ``tests``. Rank 0 reads and validates the file; every rank must end up
/// with the same value (global input).
///
/// The defaults of ``init(outputDevice:problemSizes:blockSizes:processMapping:grids:threshold:panelFactorizations:recursionStoppingSizes:panelDivisions:recursivePanelFactorizations:broadcasts:lookaheadDepths:swap:swapThreshold:l1Form:uForm:equilibration:alignment:ptransTail:)``
/// are the algorithm settings of commonly tuned HPL.dat files (PFACT Right, NBMIN 4, NDIV 2,
/// RFACT Crout, BCAST 1ringM, DEPTH 1, SWAP mix, L1 and U transposed, EQUIL yes, ALIGN 8).
///
/// netlib: the values returned by `HPL_pdinfo`
public struct HPLInput: Sendable, Equatable {
  /// The block size that sizing and job files choose when none is given. HPL's FAQ puts good
  /// block sizes in [32 .. 256] and advises small multiples of the BLAS dgemm's own blocking; 192 is a multiple of the 48- and 64-column blocks common in ATLAS and
  /// OpenBLAS kernels, and sits in the upper half of the range, which suits clusters whose
  /// network is slow next to their cores (fewer, larger messages). A sweep over 128, 192 and 256
  /// finds the best value for a given machine.
  public static let defaultBlockSize = 192

  /// Where the report goes (lines 3–4). netlib: `TEST->outfp`
  public var outputDevice: OutputDevice
  /// The matrix orders N to test, each ≥ 0 (line 6). netlib: `N`
  public var problemSizes: [Int]
  /// The block sizes NB to test, each ≥ 1 (line 8). netlib: `NB`
  public var blockSizes: [Int]
  /// How ranks map onto every grid (line 9). netlib: `PMAPPIN`
  public var processMapping: ProcessMapping
  /// The P × Q grids to test (lines 11–12). netlib: `P`, `Q`
  public var grids: [GridShape]
  /// The residual threshold (line 13). A test passes when its scaled residual is below it; a
  /// threshold ≤ 0 disables the residual check. netlib: `TEST->thrsh`
  public var threshold: Double
  /// The panel factorizations PFACT to test (line 15). netlib: `PF`
  public var panelFactorizations: [PanelFactorization]
  /// The recursion stopping sizes NBMIN to test, each ≥ 1 (line 17). netlib: `NBM`
  public var recursionStoppingSizes: [Int]
  /// The numbers of panels in recursion NDIV to test, each ≥ 2 (line 19). netlib: `NDV`
  public var panelDivisions: [Int]
  /// The recursive panel factorizations RFACT to test (line 21). netlib: `RF`
  public var recursivePanelFactorizations: [PanelFactorization]
  /// The panel broadcast topologies BCAST to test (line 23). netlib: `TP`
  public var broadcasts: [BroadcastTopology]
  /// The look-ahead depths DEPTH to test, each ≥ 0 (line 25). netlib: `DH`
  public var lookaheadDepths: [Int]
  /// The row-swap algorithm (line 26). netlib: `FSWAP`
  public var swap: SwapAlgorithm
  /// The column count above which ``SwapAlgorithm/mix`` uses spread-roll, ≥ 0 (line 27).
  /// netlib: `TSWAP`
  public var swapThreshold: Int
  /// Storage form of the panel block L1 (line 28). netlib: `L1NOTRAN`
  public var l1Form: StorageForm
  /// Storage form of the row panel U (line 29). netlib: `UNOTRAN`
  public var uForm: StorageForm
  /// Whether spread-roll swaps equilibrate U (line 30). netlib: `EQUIL`
  public var equilibration: Bool
  /// Memory alignment in doubles, ≥ 1 (line 31). netlib: `ALIGN`
  public var alignment: Int
  /// Lines 32 and later, verbatim (often HPC Challenge's PTRANS section). xhpl ignores them;
  /// ``render()`` writes them back unchanged.
  public var ptransTail: [String]

  public init(
    outputDevice: OutputDevice = .standardOutput,
    problemSizes: [Int],
    blockSizes: [Int],
    processMapping: ProcessMapping = .rowMajor,
    grids: [GridShape],
    threshold: Double = 16.0,
    panelFactorizations: [PanelFactorization] = [.right],
    recursionStoppingSizes: [Int] = [4],
    panelDivisions: [Int] = [2],
    recursivePanelFactorizations: [PanelFactorization] = [.crout],
    broadcasts: [BroadcastTopology] = [.oneRingModified],
    lookaheadDepths: [Int] = [1],
    swap: SwapAlgorithm = .mix,
    swapThreshold: Int = 64,
    l1Form: StorageForm = .transposed,
    uForm: StorageForm = .transposed,
    equilibration: Bool = true,
    alignment: Int = 8,
    ptransTail: [String] = []
  ) {
    self.outputDevice = outputDevice
    self.problemSizes = problemSizes
    self.blockSizes = blockSizes
    self.processMapping = processMapping
    self.grids = grids
    self.threshold = threshold
    self.panelFactorizations = panelFactorizations
    self.recursionStoppingSizes = recursionStoppingSizes
    self.panelDivisions = panelDivisions
    self.recursivePanelFactorizations = recursivePanelFactorizations
    self.broadcasts = broadcasts
    self.lookaheadDepths = lookaheadDepths
    self.swap = swap
    self.swapThreshold = swapThreshold
    self.l1Form = l1Form
    self.uForm = uForm
    self.equilibration = equilibration
    self.alignment = alignment
    self.ptransTail = ptransTail
  }

  /// The largest P · Q over ``grids``: the number of ranks the sweep needs (0 without grids).
  /// Ranks beyond a test's grid idle during that test.
  public var maximumProcessCount: Int {
    grids.map(\.processCount).max() ?? 0
  }

  /// Throws unless `processCount` ranks are enough for every grid.
  ///
  /// xhpl stops with "Need at least N processes for these tests"; this names the grid and the
  /// HPL.dat lines instead.
  ///
  /// - Parameters:
  ///   - processCount: the number of ranks running (global input).
  ///   - fileName: the name used in the error message.
  ///
  /// netlib: the process-count check of `HPL_pdinfo`
  public func checkProcessCount(_ processCount: Int, fileName: String = "HPL.dat")
    throws(HPLInputError)
  {
    guard let grid = grids.first(where: { $0.processCount > processCount }) else { return }
    let running = processCount == 1 ? "only 1 is running" : "only \(processCount) are running"
    throw HPLInputError(
      fileName: fileName, line: HPLDatLine.gridRows.rawValue, key: "Ps, Qs",
      message: "grid \(grid.rows) × \(grid.columns) needs \(grid.processCount) processes, but "
        + "\(running); the largest grid needs \(maximumProcessCount) (start more ranks, e.g. "
        + "mpiexec -n \(maximumProcessCount), or use smaller grids)")
  }
}
