import HPL

/// An HPL.dat sized for a cluster by ``DatSizer``, with the reasoning behind each choice.
public struct DatPlan: Sendable, Equatable {
  /// The number of nodes.
  public var nodeCount: Int
  /// The number of MPI ranks, one per core: P · Q.
  public var ranks: Int
  /// The share of memory the matrix may use, in (0, 1].
  public var memoryFraction: Double
  /// The most bytes the matrix may take over all ranks.
  public var matrixBudgetBytes: Int
  /// The problem size N: the largest multiple of ``nb`` whose matrix fits the budget.
  public var n: Int
  /// The block size NB.
  public var nb: Int
  /// The process grid, P ≤ Q, as close to square as the rank count allows.
  public var grid: GridShape
  /// One sentence per decision, for the user: how N, NB, the grid and the algorithm settings
  /// were chosen, plus warnings.
  public var explanation: [String]
  /// The complete HPL.dat content.
  public var input: HPLInput

  public init(
    nodeCount: Int, ranks: Int, memoryFraction: Double, matrixBudgetBytes: Int, n: Int, nb: Int,
    grid: GridShape, explanation: [String], input: HPLInput
  ) {
    self.nodeCount = nodeCount
    self.ranks = ranks
    self.memoryFraction = memoryFraction
    self.matrixBudgetBytes = matrixBudgetBytes
    self.n = n
    self.nb = nb
    self.grid = grid
    self.explanation = explanation
    self.input = input
  }

  /// The matrix's size, 8 · N² bytes (`Int.max` when that does not fit an `Int`).
  public var matrixBytes: Int { DatSizer.matrixBytes(n) ?? Int.max }

  /// The HPL.dat file text.
  public func render() -> String { input.render() }
}
