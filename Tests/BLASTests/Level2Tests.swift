import BLAS
import TestSupport
import Testing

@Suite("Level 2 BLAS against naive loops")
struct Level2Tests {
  @Test("gemv", arguments: Transpose.allCases)
  func gemvBoth(trans: Transpose) {
    checkGemv(Double.self, trans)
    checkGemv(Float.self, trans)
  }

  @Test("ger")
  func gerBoth() {
    checkGer(Double.self)
    checkGer(Float.self)
  }

  @Test("trsv", arguments: Uplo.allCases, Transpose.allCases)
  func trsvBoth(uplo: Uplo, trans: Transpose) {
    for diagonal in Diagonal.allCases {
      checkTrsv(Double.self, uplo, trans, diagonal)
      checkTrsv(Float.self, uplo, trans, diagonal)
    }
  }

  func checkGemv<T: BLASScalar>(_ type: T.Type, _ trans: Transpose) {
    let (m, n) = (6, 4)
    let a = TestMatrix<T>(rows: m, columns: n, seed: 31)
    let (xCount, yCount) = trans == .noTranspose ? (n, m) : (m, n)
    let x = TestVector<T>(count: xCount, stride: 2, seed: 32)
    let y = TestVector<T>(count: yCount, stride: 3, seed: 33)
    let (alpha, beta) = (0.75, 2.0)
    let expected = (0..<yCount).map { i in
      alpha * (0..<xCount).reduce(0.0) { $0 + element(a, trans, i, $1) * x[$1] } + beta * y[i]
    }
    gemv(trans, alpha: T(alpha), a.view, x.view, beta: T(beta), y.view)
    #expect(
      isApproximatelyEqual(
        y.values, expected, relativeTolerance: tolerance(T.self),
        absoluteTolerance: tolerance(T.self)), "\(T.self) \(trans)")
  }

  func checkGer<T: BLASScalar>(_ type: T.Type) {
    let (m, n) = (5, 3)
    let a = TestMatrix<T>(rows: m, columns: n, seed: 41)
    let x = TestVector<T>(count: m, stride: 1, seed: 42)
    let y = TestVector<T>(count: n, stride: 2, seed: 43)
    let alpha = -1.25
    let expected = (0..<n).flatMap { j in (0..<m).map { a[$0, j] + alpha * x[$0] * y[j] } }
    let padding = (0..<n).flatMap { j in
      (m..<a.leadingDimension).map { a.storage[$0 + j * a.leadingDimension] }
    }
    ger(alpha: T(alpha), x.view, y.view, a.view)
    let actual = (0..<n).flatMap { j in (0..<m).map { a[$0, j] } }
    #expect(
      isApproximatelyEqual(
        actual, expected, relativeTolerance: tolerance(T.self),
        absoluteTolerance: tolerance(T.self)), "\(T.self)")
    let paddingAfter = (0..<n).flatMap { j in
      (m..<a.leadingDimension).map { a.storage[$0 + j * a.leadingDimension] }
    }
    #expect(padding == paddingAfter, "ger wrote outside the view")
  }

  func checkTrsv<T: BLASScalar>(
    _ type: T.Type, _ uplo: Uplo, _ trans: Transpose, _ diagonal: Diagonal
  ) {
    let n = 6
    let a = TestMatrix<T>(rows: n, columns: n, seed: 51)
    a.strengthenDiagonal()
    let x = TestVector<T>(count: n, stride: 2, seed: 52)
    let b = x.values
    trsv(uplo: uplo, trans: trans, diagonal: diagonal, a.view, x.view)
    func t(_ i: Int, _ j: Int) -> Double {
      let (r, c) = trans == .noTranspose ? (i, j) : (j, i)
      if r == c { return diagonal == .unit ? 1 : a[r, c] }
      return (uplo == .upper ? r < c : r > c) ? a[r, c] : 0
    }
    let product = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + t(i, $1) * x[$1] } }
    #expect(
      isApproximatelyEqual(
        product, b, relativeTolerance: tolerance(T.self) * 10,
        absoluteTolerance: tolerance(T.self) * 10), "\(T.self) \(uplo) \(trans) \(diagonal)")
  }
}
