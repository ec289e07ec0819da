/// The parameters of one test of the sweep: one N, NB, grid and one value of every variant.
///
/// All fields are global input: every rank runs the test with the same values. ``HPLInput/tests``
/// lists them in xhpl's run order.
///
/// netlib: the arguments of `HPL_pdtest` (`N`, `NB`, `GRID`, `ALGO`, `TEST->thrsh`)
public struct TestParameters: Sendable, Equatable, Hashable {
  /// The matrix order N (≥ 0). netlib: `N`
  public var n: Int
  /// The block size NB (≥ 1). netlib: `NB`
  public var nb: Int
  /// The rank-to-grid mapping. netlib: `GRID->order`
  public var processMapping: ProcessMapping
  /// P, the number of process rows. netlib: `nprow`
  public var rows: Int
  /// Q, the number of process columns. netlib: `npcol`
  public var columns: Int
  /// PFACT. netlib: `ALGO->pfact`
  public var panelFactorization: PanelFactorization
  /// NBMIN. netlib: `ALGO->nbmin`
  public var recursionStoppingSize: Int
  /// NDIV. netlib: `ALGO->nbdiv`
  public var panelDivisions: Int
  /// RFACT. netlib: `ALGO->rfact`
  public var recursivePanelFactorization: PanelFactorization
  /// BCAST. netlib: `ALGO->btopo`
  public var broadcast: BroadcastTopology
  /// DEPTH. netlib: `ALGO->depth`
  public var lookaheadDepth: Int
  /// SWAP. netlib: `ALGO->fswap`
  public var swap: SwapAlgorithm
  /// The mix swap threshold in columns. netlib: `ALGO->fsthr`
  public var swapThreshold: Int
  /// L1's storage form. netlib: `L1notran`
  public var l1Form: StorageForm
  /// U's storage form. netlib: `Unotran`
  public var uForm: StorageForm
  /// Whether spread-roll swaps equilibrate. netlib: `ALGO->equil`
  public var equilibration: Bool
  /// Memory alignment in doubles. netlib: `ALGO->align`
  public var alignment: Int
  /// The residual threshold; ≤ 0 means no residual check. netlib: `TEST->thrsh`
  public var threshold: Double

  public init(
    n: Int, nb: Int, processMapping: ProcessMapping = .rowMajor, rows: Int, columns: Int,
    panelFactorization: PanelFactorization = .right, recursionStoppingSize: Int = 4,
    panelDivisions: Int = 2, recursivePanelFactorization: PanelFactorization = .crout,
    broadcast: BroadcastTopology = .oneRingModified, lookaheadDepth: Int = 1,
    swap: SwapAlgorithm = .mix, swapThreshold: Int = 64, l1Form: StorageForm = .transposed,
    uForm: StorageForm = .transposed, equilibration: Bool = true, alignment: Int = 8,
    threshold: Double = 16.0
  ) {
    self.n = n
    self.nb = nb
    self.processMapping = processMapping
    self.rows = rows
    self.columns = columns
    self.panelFactorization = panelFactorization
    self.recursionStoppingSize = recursionStoppingSize
    self.panelDivisions = panelDivisions
    self.recursivePanelFactorization = recursivePanelFactorization
    self.broadcast = broadcast
    self.lookaheadDepth = lookaheadDepth
    self.swap = swap
    self.swapThreshold = swapThreshold
    self.l1Form = l1Form
    self.uForm = uForm
    self.equilibration = equilibration
    self.alignment = alignment
    self.threshold = threshold
  }

  /// The grid, P × Q.
  public var grid: GridShape { GridShape(rows: rows, columns: columns) }

  /// The block size the matrix is dealt and factorised with: NB, clamped to N + 1 when NB is
  /// larger than N, as netlib HPL does in effect.
  ///
  /// xhpl accepts any NB ≥ 1 and prints it as given; with NB > N all of [A|b] (N + 1 columns)
  /// falls in block 0 on process (0, 0), and each panel is min(NB, N − j) columns wide
  /// (`jb = Mmin(n, nb)` in `HPL_pdgesv0`/`HPL_pdgesvK2`, `HPL_pdpanel_new(..., Mmin(N, nb), ...)`).
  /// N + 1 deals the same way, while buffers sized by the block size stay bounded by N.
  public var distributionBlockSize: Int { nb > n ? n + 1 : max(1, nb) }

  /// The parts of the test the T/V code encodes.
  public var variant: VariantCode {
    VariantCode(
      processMapping: processMapping, lookaheadDepth: lookaheadDepth, broadcast: broadcast,
      recursivePanelFactorization: recursivePanelFactorization, panelDivisions: panelDivisions,
      panelFactorization: panelFactorization, recursionStoppingSize: recursionStoppingSize)
  }

  /// The T/V code of xhpl's result line, e.g. `WR11C2R4` (see ``VariantCode``).
  public var variantCode: String { variant.text }

  /// Decodes a T/V code such as `WR11C2R4` or `WR11C2R100`; nil when it is not one.
  public static func decode(variantCode: String) -> VariantCode? {
    VariantCode(variantCode)
  }
}
