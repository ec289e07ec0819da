import BLAS
import TestSupport
import Testing

@Suite("Level 1 BLAS against naive loops")
struct Level1Tests {
  @Test("iamax is 0-based, takes the first of ties, and is -1 when empty")
  func iamaxCases() {
    checkIamax(Double.self)
    checkIamax(Float.self)
  }

  @Test("scal, swap, copy and axpy with strides")
  func updates() {
    checkUpdates(Double.self)
    checkUpdates(Float.self)
  }

  @Test("dot, nrm2 and asum")
  func reductions() {
    checkReductions(Double.self)
    checkReductions(Float.self)
  }

  func checkIamax<T: BLASScalar>(_ type: T.Type) {
    var values: [T] = [1, -7, 3, 7, -2, 0]
    values.withUnsafeMutableBufferPointer { buffer in
      let whole = VectorView(buffer)
      #expect(iamax(whole) == 1, "the first of two equal magnitudes")
      let strided = VectorView(base: buffer.baseAddress! + 2, count: 2, stride: 2)
      #expect(iamax(strided) == 0, "elements 3 and -2 (stride 2): the largest is the first")
      #expect(iamax(whole.subvector(2..<4)) == 1)
      #expect(iamax(whole.subvector(3..<3)) == -1)
    }
  }

  func checkUpdates<T: BLASScalar>(_ type: T.Type) {
    let n = 7
    let x = TestVector<T>(count: n, stride: 2, seed: 61)
    let y = TestVector<T>(count: n, stride: 3, seed: 62)
    let (x0, y0) = (x.values, y.values)

    scal(T(2.5), x.view)
    #expect(x.values == x0.map { Double(T(2.5) * T($0)) })
    scal(alpha: T(0.4), x.view)
    #expect(isApproximatelyEqual(x.values, x0, relativeTolerance: tolerance(T.self)))

    let x1 = x.values
    swap(x.view, y.view)
    #expect(x.values == y0 && y.values == x1)

    copy(from: x.view, to: y.view)
    #expect(y.values == y0)
    copy(x.view, y.view)
    #expect(y.values == x.values)

    let before = y.values
    axpy(T(-3), x.view, y.view)
    let expected = zip(x.values, before).map { -3 * $0 + $1 }
    #expect(
      isApproximatelyEqual(
        y.values, expected, relativeTolerance: tolerance(T.self),
        absoluteTolerance: tolerance(T.self)))
    axpy(alpha: T(3), x.view, y.view)
    #expect(
      isApproximatelyEqual(
        y.values, before, relativeTolerance: tolerance(T.self),
        absoluteTolerance: tolerance(T.self)))

    // Elements between the strides are never touched.
    let gaps = (0..<x.storage.count).filter { $0 % x.stride != 0 || $0 / x.stride >= n }
    let saved = gaps.map { x.storage[$0] }
    scal(T(3), x.view)
    #expect(gaps.map { x.storage[$0] } == saved)
  }

  func checkReductions<T: BLASScalar>(_ type: T.Type) {
    let x = TestVector<T>(count: 9, stride: 2, seed: 71)
    let y = TestVector<T>(count: 9, stride: 1, seed: 72)
    let dotExpected = zip(x.values, y.values).reduce(0.0) { $0 + $1.0 * $1.1 }
    let nrm2Expected = x.values.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
    let asumExpected = x.values.reduce(0.0) { $0 + abs($1) }
    let tol = tolerance(T.self)
    #expect(isApproximatelyEqual(Double(dot(x.view, y.view)), dotExpected, relativeTolerance: tol))
    #expect(isApproximatelyEqual(Double(nrm2(x.view)), nrm2Expected, relativeTolerance: tol))
    #expect(isApproximatelyEqual(Double(asum(x.view)), asumExpected, relativeTolerance: tol))
    let empty = x.view.subvector(0..<0)
    #expect(dot(empty, empty) == 0 && nrm2(empty) == 0 && asum(empty) == 0)
  }
}
