import Foundation
import MPI

/// What became of one test (one combination of HPL.dat).
public enum TestOutcome: Sendable {
  /// It ran; `result.passed` is nil when the threshold turned the check off.
  case completed(TestResult)
  /// It could not run or finish; the text is xhpl's skip message.
  case skipped(String)
}

/// One test: generate [A|b], time the factorisation and solve, regenerate and check the residual.
/// The timed part starts after a barrier and is the maximum over the grid's processes.
/// netlib: `HPL_pdtest`.
public struct TestRun {
  public let parameters: TestParameters
  public let grid: ProcessGrid
  public let seed: UInt64

  /// Whether to collect the whole solution x on the grid's rank 0 (for tests and debugging).
  public let collectsSolution: Bool
  /// x, on the grid's rank 0 after `run()` when `collectsSolution` is set.
  public private(set) var solution: [Double]? = nil
  /// This test's time per stage on this process; it times only when made with `detailedTiming`.
  public let timer: PhaseTimer

  /// A test of `parameters` on `grid`; `detailedTiming` times each stage (`--timing`) in ``timer``.
  public init(
    parameters: TestParameters, grid: ProcessGrid, seed: UInt64 = 100, collectsSolution: Bool = false,
    detailedTiming: Bool = false
  ) {
    self.parameters = parameters
    self.grid = grid
    self.seed = seed
    self.collectsSolution = collectsSolution
    timer = PhaseTimer(isEnabled: detailedTiming)
  }

  /// Runs the test. Collective over the grid; every process returns the same outcome.
  public mutating func run() throws -> TestOutcome {
    let communicator = grid.communicator
    let generator = RandomMatrix(order: parameters.n, seed: seed)
    var matrix: DistributedMatrix?
    do {
      matrix = try DistributedMatrix(
        order: parameters.n, blockSize: parameters.distributionBlockSize, grid: grid,
        alignment: parameters.alignment)
    } catch {
      matrix = nil
    }
    // Every rank skips when any could not allocate, with the message of the first that could not.
    let failure =
      matrix == nil ? "[\(grid.myRow),\(grid.myColumn)] Memory allocation failed for A, x and b. Skip." : ""
    if let message = try communicator.firstProblem(failure) { return .skipped(message) }
    guard let matrix else { return .skipped(failure) }  // not reached: this rank's failure is a problem
    matrix.generate(generator)

    try communicator.barrier()
    let startTime = Date()
    let start = MPIEnvironment.wallTime()
    let singular = try LUFactorization(matrix: matrix, grid: grid, settings: parameters, timer: timer).run()
    let anySingular = try communicator.allreduce(Int64(singular), operation: .max)
    if anySingular == 0 { try TriangularSolve(matrix: matrix, grid: grid, timer: timer).run() }
    let localSeconds = MPIEnvironment.wallTime() - start
    let endTime = Date()
    let seconds = try communicator.allreduce(localSeconds, operation: .max)
    guard anySingular == 0 else {
      return .skipped("Error code returned by solve is \(anySingular), skip")
    }

    if collectsSolution { solution = try gatherSolution(matrix) }

    var residual: Double? = nil
    var norms: ResidualNorms? = nil
    var passed: Bool? = nil
    if parameters.threshold > 0 {
      matrix.generate(generator)
      let check = try ResidualCheck(matrix: matrix, grid: grid).run()
      residual = check.residual
      norms = check.norms
      passed = check.residual < parameters.threshold
    }
    return .completed(
      TestResult(
        parameters: parameters, seconds: seconds, gflops: ReportWriter.gflops(n: parameters.n, seconds: seconds),
        startTime: startTime, endTime: endTime, residual: residual, norms: norms, passed: passed))
  }
}

extension TestRun {
  /// x in global order on the grid's process (0, 0); process row 0 holds every block of it.
  func gatherSolution(_ matrix: DistributedMatrix) throws -> [Double]? {
    guard grid.myRow == 0 else { return nil }
    let layout = BlockCyclicLayout(count: matrix.order, blockSize: matrix.blockSize, processCount: grid.columns)
    let counts = (0..<grid.columns).map { layout.localCount(on: $0) }
    var displacements = [0]
    for count in counts.dropLast() { displacements.append(displacements.last! + count) }
    var gathered = [Double](repeating: 0, count: max(1, matrix.order))
    try matrix.solution.withUnsafeBufferPointer { send in
      try gathered.withUnsafeMutableBufferPointer { receive in
        try grid.rowCommunicator.gatherv(
          send, into: receive, counts: counts, displacements: displacements, root: 0)
      }
    }
    guard grid.myColumn == 0 else { return nil }
    var x = [Double](repeating: 0, count: matrix.order)
    for column in 0..<grid.columns {
      for local in 0..<counts[column] {
        x[layout.globalIndex(ofLocal: local, on: column)] = gathered[displacements[column] + local]
      }
    }
    return x
  }
}
