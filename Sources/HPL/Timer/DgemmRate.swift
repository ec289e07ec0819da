import BLAS
import MPI

/// The dgemm rate every rank reaches at once at one shape, the ceiling the LU's trailing update
/// can approach: C (m×n) −= A (m×k) · B (k×n), as in the update with k = NB.
public struct DgemmRate: Sendable {
  public let m: Int
  public let n: Int
  public let k: Int
  public let repetitions: Int

  public init(m: Int, n: Int, k: Int, repetitions: Int) {
    self.m = m
    self.n = n
    self.k = k
    self.repetitions = repetitions
  }

  /// The bytes of A, B and C on one rank, 8 · (m·k + k·n + m·n); nil when that does not fit an
  /// `Int`. Check it against the host's memory before ``measure(on:)`` allocates.
  public static func bytes(m: Int, n: Int, k: Int) -> Int? {
    var total = 0
    for (rows, columns) in [(m, k), (k, n), (m, n)] {
      let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
      let (bytes, overflowBytes) = count.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
      let (sum, overflowSum) = total.addingReportingOverflow(bytes)
      if overflow || overflowBytes || overflowSum { return nil }
      total = sum
    }
    return total
  }

  /// Per-rank GFLOPS of the best repetition, and their sum. Every rank runs its dgemm between
  /// the same barriers, so the ranks compete for the machine as the LU's ranks do.
  public func measure(on communicator: Communicator) throws -> (perRank: [Double], total: Double) {
    let a = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, m * k))
    let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, k * n))
    let c = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, m * n))
    defer {
      a.deallocate()
      b.deallocate()
      c.deallocate()
    }
    let generator = RandomMatrix(order: max(m, 1), seed: UInt64(17 + communicator.rank))
    generator.fill(column: 0, firstRow: 0, rowCount: m * k, into: a.baseAddress!)
    generator.fill(column: 1, firstRow: 0, rowCount: k * n, into: b.baseAddress!)
    generator.fill(column: 2, firstRow: 0, rowCount: m * n, into: c.baseAddress!)
    let av = MatrixView(base: a.baseAddress!, rows: m, columns: k, leadingDimension: max(1, m))
    let bv = MatrixView(base: b.baseAddress!, rows: k, columns: n, leadingDimension: max(1, k))
    let cv = MatrixView(base: c.baseAddress!, rows: m, columns: n, leadingDimension: max(1, m))
    var best = Double.infinity
    var totalBest = 0.0
    for _ in 0..<max(1, repetitions) {
      try communicator.barrier()
      let start = MPIEnvironment.wallTime()
      gemm(.noTranspose, .noTranspose, alpha: -1, av, bv, beta: 1, cv)
      let seconds = MPIEnvironment.wallTime() - start
      best = min(best, seconds)
      // The machine-wide rate of one repetition is limited by its slowest rank.
      let slowest = try communicator.allreduce(seconds, operation: .max)
      totalBest = max(totalBest, 2 * Double(m) * Double(n) * Double(k) * Double(communicator.size) / slowest / 1e9)
    }
    let mine = 2 * Double(m) * Double(n) * Double(k) / best / 1e9
    var all = [Double](repeating: 0, count: communicator.size)
    try [mine].withUnsafeBufferPointer { send in
      try all.withUnsafeMutableBufferPointer { receive in try communicator.allgather(send, into: receive) }
    }
    return (all, totalBest)
  }
}
