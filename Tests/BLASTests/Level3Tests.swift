import BLAS
import TestSupport
import Testing

@Suite("Level 3 BLAS against naive loops")
struct Level3Tests {
  static let transposes = [
    (Transpose.noTranspose, Transpose.noTranspose), (.noTranspose, .transpose),
    (.transpose, .noTranspose), (.transpose, .transpose),
  ]

  @Test("gemm Double", arguments: transposes)
  func gemmDouble(transA: Transpose, transB: Transpose) { checkGemm(Double.self, transA, transB) }

  @Test("gemm Float", arguments: transposes)
  func gemmFloat(transA: Transpose, transB: Transpose) { checkGemm(Float.self, transA, transB) }

  @Test("trsm Double", arguments: Side.allCases, Uplo.allCases)
  func trsmDouble(side: Side, uplo: Uplo) {
    for trans in Transpose.allCases {
      for diagonal in Diagonal.allCases { checkTrsm(Double.self, side, uplo, trans, diagonal) }
    }
  }

  @Test("trsm Float", arguments: Side.allCases, Uplo.allCases)
  func trsmFloat(side: Side, uplo: Uplo) {
    for trans in Transpose.allCases {
      for diagonal in Diagonal.allCases { checkTrsm(Float.self, side, uplo, trans, diagonal) }
    }
  }

  @Test("gemm on a submatrix leaves the rest alone; empty shapes do nothing")
  func gemmSubmatrix() {
    let a = TestMatrix<Double>(rows: 6, columns: 6, seed: 1)
    let b = TestMatrix<Double>(rows: 6, columns: 6, seed: 2)
    let c = TestMatrix<Double>(rows: 6, columns: 6, seed: 3)
    let before = c.snapshot
    let block = c.view.submatrix(rows: 1..<4, columns: 2..<5)
    gemm(
      .noTranspose, .noTranspose, alpha: 1, a.view.submatrix(rows: 0..<3, columns: 0..<2),
      b.view.submatrix(rows: 0..<2, columns: 0..<3), beta: 1, block)
    for j in 0..<6 {
      for i in 0..<c.leadingDimension where !((1..<4).contains(i) && (2..<5).contains(j)) {
        #expect(c.storage[i + j * c.leadingDimension] == before[i + j * c.leadingDimension])
      }
    }
    let untouched = c.snapshot
    gemm(
      .noTranspose, .noTranspose, alpha: 1, a.view.submatrix(rows: 0..<0, columns: 0..<2),
      b.view.submatrix(rows: 0..<2, columns: 0..<3), beta: 0,
      c.view.submatrix(rows: 0..<0, columns: 0..<3))
    #expect(c.snapshot == untouched)
  }

  func checkGemm<T: BLASScalar>(_ type: T.Type, _ transA: Transpose, _ transB: Transpose) {
    let (m, n, k) = (7, 5, 4)
    let a =
      transA == .noTranspose
      ? TestMatrix<T>(rows: m, columns: k, seed: 11) : TestMatrix<T>(rows: k, columns: m, seed: 11)
    let b =
      transB == .noTranspose
      ? TestMatrix<T>(rows: k, columns: n, seed: 12) : TestMatrix<T>(rows: n, columns: k, seed: 12)
    let c = TestMatrix<T>(rows: m, columns: n, seed: 13)
    let (alpha, beta) = (1.5, -0.5)
    var expected = [Double](repeating: 0, count: m * n)
    for j in 0..<n {
      for i in 0..<m {
        var sum = 0.0
        for p in 0..<k { sum += element(a, transA, i, p) * element(b, transB, p, j) }
        expected[i + j * m] = alpha * sum + beta * c[i, j]
      }
    }
    gemm(transA, transB, alpha: T(alpha), a.view, b.view, beta: T(beta), c.view)
    for j in 0..<n {
      for i in 0..<m {
        #expect(
          isApproximatelyEqual(
            c[i, j], expected[i + j * m], relativeTolerance: tolerance(T.self),
            absoluteTolerance: tolerance(T.self)), "C[\(i), \(j)]")
      }
    }
  }

  /// Solves, then multiplies back: op(A)·X must equal alpha·B (or X·op(A) for the right side).
  func checkTrsm<T: BLASScalar>(
    _ type: T.Type, _ side: Side, _ uplo: Uplo, _ trans: Transpose, _ diagonal: Diagonal
  ) {
    let (m, n) = (5, 4)
    let order = side == .left ? m : n
    let a = TestMatrix<T>(rows: order, columns: order, seed: 21)
    a.strengthenDiagonal()
    let b = TestMatrix<T>(rows: m, columns: n, seed: 22)
    let original = (0..<n).flatMap { j in (0..<m).map { b[$0, j] } }
    let alpha = 2.0
    trsm(side: side, uplo: uplo, transA: trans, diagonal: diagonal, alpha: T(alpha), a.view, b.view)
    // The triangle the routine reads, with the implicit unit diagonal.
    func t(_ i: Int, _ j: Int) -> Double {
      let (r, c) = trans == .noTranspose ? (i, j) : (j, i)
      if r == c { return diagonal == .unit ? 1 : a[r, c] }
      return (uplo == .upper ? r < c : r > c) ? a[r, c] : 0
    }
    for j in 0..<n {
      for i in 0..<m {
        var product = 0.0
        if side == .left {
          for p in 0..<m { product += t(i, p) * b[p, j] }
        } else {
          for p in 0..<n { product += b[i, p] * t(p, j) }
        }
        #expect(
          isApproximatelyEqual(
            product, alpha * original[i + j * m],
            relativeTolerance: tolerance(T.self) * 10, absoluteTolerance: tolerance(T.self) * 10),
          "\(side) \(uplo) \(trans) \(diagonal) (\(i), \(j))")
      }
    }
  }
}
