/// A plain serial LU with row partial pivoting (the textbook right-looking algorithm, one column
/// at a time), the reference the distributed factorisation is tested against.
public struct SerialLU {
  /// The factors, column-major n×n: unit lower L below the diagonal, U on and above it.
  public var factors: [Double]
  /// The pivot row chosen for each column (global row indices).
  public var pivots: [Int]
  public let order: Int

  /// Factorises the n×n column-major matrix `a`. Ties in |pivot| go to the smaller row index.
  public init(order n: Int, matrix a: [Double]) {
    precondition(a.count >= n * n)
    var f = Array(a.prefix(n * n))
    var pivots = [Int](repeating: 0, count: n)
    for k in 0..<n {
      var best = k
      for i in (k + 1)..<max(k + 1, n) where abs(f[k * n + i]) > abs(f[k * n + best]) { best = i }
      pivots[k] = best
      if best != k {
        for j in 0..<n { f.swapAt(j * n + k, j * n + best) }
      }
      let pivot = f[k * n + k]
      guard pivot != 0 else { continue }
      for i in (k + 1)..<max(k + 1, n) { f[k * n + i] /= pivot }
      for j in (k + 1)..<max(k + 1, n) {
        let ukj = f[j * n + k]
        if ukj == 0 { continue }
        for i in (k + 1)..<n { f[j * n + i] -= f[k * n + i] * ukj }
      }
    }
    factors = f
    self.pivots = pivots
    order = n
  }

  /// Solves A x = b with the factors.
  public func solve(_ b: [Double]) -> [Double] {
    let n = order
    var x = b
    for k in 0..<n where pivots[k] != k { x.swapAt(k, pivots[k]) }
    for j in 0..<n {
      for i in (j + 1)..<max(j + 1, n) { x[i] -= factors[j * n + i] * x[j] }
    }
    for j in stride(from: n - 1, through: 0, by: -1) {
      x[j] /= factors[j * n + j]
      for i in 0..<j { x[i] -= factors[j * n + i] * x[j] }
    }
    return x
  }
}
