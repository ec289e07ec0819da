import MPI
import TestSupport
import Testing

@testable import HPL

/// The distributed LU on one rank (MPI singleton) against the serial reference, for every panel
/// factorisation variant and storage form. Multi-rank runs are in ProgramTests.
@Suite(.serialized) struct FactorizationTests {
  static func singleRankGrid() throws -> ProcessGrid {
    _ = try MPIEnvironment.initialize(threadLevel: .funneled)
    return try ProcessGrid(communicator: .world, rows: 1, columns: 1, order: .rowMajor)
  }

  static func parameters(
    n: Int, nb: Int, pfact: PanelFactorization = .right, rfact: PanelFactorization = .crout, nbmin: Int = 4,
    ndiv: Int = 2, depth: Int = 1, l1: StorageForm = .transposed, u: StorageForm = .transposed
  ) -> TestParameters {
    var input = HPLInput(problemSizes: [n], blockSizes: [nb], grids: [GridShape(rows: 1, columns: 1)])
    input.panelFactorizations = [pfact]
    input.recursivePanelFactorizations = [rfact]
    input.recursionStoppingSizes = [nbmin]
    input.panelDivisions = [ndiv]
    input.lookaheadDepths = [depth]
    input.l1Form = l1
    input.uForm = u
    return input.tests[0]
  }

  /// Factorises [A|b] for `test` on one rank and returns (factored A, y = L⁻¹Pb, x).
  static func factorise(_ test: TestParameters) throws -> (a: [Double], x: [Double]) {
    let grid = try singleRankGrid()
    let matrix = try DistributedMatrix(order: test.n, blockSize: test.nb, grid: grid, alignment: test.alignment)
    matrix.generate(RandomMatrix(order: test.n))
    let singular = try LUFactorization(matrix: matrix, grid: grid, settings: test).run()
    #expect(singular == 0)
    try TriangularSolve(matrix: matrix, grid: grid).run()
    var a: [Double] = []
    for j in 0..<test.n {
      for i in 0..<test.n { a.append(matrix.storage[j * matrix.leadingDimension + i]) }
    }
    return (a, matrix.solution)
  }

  static func reference(n: Int) -> (lu: SerialLU, x: [Double]) {
    let generator = RandomMatrix(order: n)
    var a: [Double] = []
    for j in 0..<n { for i in 0..<n { a.append(generator.entry(row: i, column: j)) } }
    let b = (0..<n).map { generator.entry(row: $0, column: n) }
    let lu = SerialLU(order: n, matrix: a)
    return (lu, lu.solve(b))
  }

  static let variants: [(PanelFactorization, PanelFactorization, Int, Int)] = {
    var all: [(PanelFactorization, PanelFactorization, Int, Int)] = []
    for pfact in PanelFactorization.allCases {
      for rfact in PanelFactorization.allCases {
        for (nbmin, ndiv) in [(1, 2), (4, 2), (2, 3)] { all.append((pfact, rfact, nbmin, ndiv)) }
      }
    }
    return all
  }()

  @Test(arguments: variants)
  func panelVariantsMatchSerialLU(variant: (PanelFactorization, PanelFactorization, Int, Int)) throws {
    let n = 53
    let test = Self.parameters(n: n, nb: 12, pfact: variant.0, rfact: variant.1, nbmin: variant.2, ndiv: variant.3)
    var (a, x) = try Self.factorise(test)
    let (lu, xReference) = Self.reference(n: n)
    // HPL leaves L unpivoted: a panel's L does not see the row swaps of later panels. Apply
    // them (the pivots of both factorisations agree) before comparing with LAPACK-style factors.
    for k in 0..<n where lu.pivots[k] != k {
      for j in 0..<(k / test.nb * test.nb) { a.swapAt(j * n + k, j * n + lu.pivots[k]) }
    }
    for k in 0..<(n * n) {
      #expect(
        isApproximatelyEqual(a[k], lu.factors[k], relativeTolerance: 1e-9, absoluteTolerance: 1e-12), "entry \(k)")
    }
    for i in 0..<n {
      #expect(isApproximatelyEqual(x[i], xReference[i], relativeTolerance: 1e-9, absoluteTolerance: 1e-12))
    }
  }

  @Test(arguments: [StorageForm.transposed, .noTransposed], [StorageForm.transposed, .noTransposed])
  func storageFormsMatchSerialLU(l1: StorageForm, u: StorageForm) throws {
    for (n, nb) in [(40, 8), (33, 5), (7, 16), (1, 1)] {
      let (_, x) = try Self.factorise(Self.parameters(n: n, nb: nb, l1: l1, u: u))
      let (_, xReference) = Self.reference(n: n)
      for i in 0..<n {
        #expect(isApproximatelyEqual(x[i], xReference[i], relativeTolerance: 1e-9, absoluteTolerance: 1e-12))
      }
    }
  }

  @Test(arguments: [0, 1, 2, 3])
  func lookaheadDepthsGiveTheSameSolution(depth: Int) throws {
    let (_, x) = try Self.factorise(Self.parameters(n: 45, nb: 4, depth: depth))
    let (_, xReference) = Self.reference(n: 45)
    for i in 0..<45 {
      #expect(isApproximatelyEqual(x[i], xReference[i], relativeTolerance: 1e-9, absoluteTolerance: 1e-12))
    }
  }

  /// The residual check passes on a real solution and catches a corrupted one.
  @Test func residualCheckCatchesACorruptedSolution() throws {
    let grid = try Self.singleRankGrid()
    let test = Self.parameters(n: 60, nb: 8)
    let matrix = try DistributedMatrix(order: 60, blockSize: 8, grid: grid, alignment: 8)
    matrix.generate(RandomMatrix(order: 60))
    _ = try LUFactorization(matrix: matrix, grid: grid, settings: test).run()
    try TriangularSolve(matrix: matrix, grid: grid).run()
    matrix.generate(RandomMatrix(order: 60))
    let good = try ResidualCheck(matrix: matrix, grid: grid).run()
    #expect(good.residual < 16 && good.residual >= 0)
    matrix.solution[17] += 1e-6
    let bad = try ResidualCheck(matrix: matrix, grid: grid).run()
    #expect(bad.residual > 16)
    #expect(bad.norms.solutionInfinity > 0 && bad.norms.matrixInfinity > 0 && bad.norms.matrixOne > 0)
  }

  @Test func orderZeroPassesWithZeroResidual() throws {
    var run = TestRun(parameters: Self.parameters(n: 0, nb: 4), grid: try Self.singleRankGrid())
    guard case .completed(let result) = try run.run() else {
      Issue.record("N = 0 was skipped")
      return
    }
    #expect(result.residual == 0)
    #expect(result.passed == true)
  }
}
