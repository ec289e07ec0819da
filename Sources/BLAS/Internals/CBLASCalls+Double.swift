import CBLAS

// The `cblas_d*` routines; `CBLASCalls+Float.swift` has the same for `cblas_s*`.

// MARK: - Double

extension CBLASCalls {
  @usableFromInline
  static func gemm(
    _ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
    _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double,
    _ c: UnsafeMutablePointer<Double>, _ ldc: Int
  ) {
    cblas_dgemm(
      CblasColMajor, transA.cValue, transB.cValue, Int32(m), Int32(n), Int32(k), alpha,
      a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  @usableFromInline
  static func trsm(
    _ side: Side, _ uplo: Uplo, _ transA: Transpose, _ diagonal: Diagonal, _ m: Int, _ n: Int,
    _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafeMutablePointer<Double>,
    _ ldb: Int
  ) {
    cblas_dtrsm(
      CblasColMajor, side.cValue, uplo.cValue, transA.cValue, diagonal.cValue, Int32(m),
      Int32(n), alpha, a, Int32(lda), b, Int32(ldb))
  }

  @usableFromInline
  static func gemv(
    _ trans: Transpose, _ m: Int, _ n: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
    _ x: UnsafePointer<Double>, _ incx: Int, _ beta: Double, _ y: UnsafeMutablePointer<Double>,
    _ incy: Int
  ) {
    cblas_dgemv(
      CblasColMajor, trans.cValue, Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incx),
      beta, y, Int32(incy))
  }

  @usableFromInline
  static func ger(
    _ m: Int, _ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ incx: Int,
    _ y: UnsafePointer<Double>, _ incy: Int, _ a: UnsafeMutablePointer<Double>, _ lda: Int
  ) {
    cblas_dger(
      CblasColMajor, Int32(m), Int32(n), alpha, x, Int32(incx), y, Int32(incy), a, Int32(lda))
  }

  @usableFromInline
  static func trsv(
    _ uplo: Uplo, _ trans: Transpose, _ diagonal: Diagonal, _ n: Int, _ a: UnsafePointer<Double>,
    _ lda: Int, _ x: UnsafeMutablePointer<Double>, _ incx: Int
  ) {
    cblas_dtrsv(
      CblasColMajor, uplo.cValue, trans.cValue, diagonal.cValue, Int32(n), a, Int32(lda), x,
      Int32(incx))
  }

  @usableFromInline
  static func iamax(_ n: Int, _ x: UnsafePointer<Double>, _ incx: Int) -> Int {
    Int(cblas_idamax(Int32(n), x, Int32(incx)))
  }

  @usableFromInline
  static func scal(_ n: Int, _ alpha: Double, _ x: UnsafeMutablePointer<Double>, _ incx: Int) {
    cblas_dscal(Int32(n), alpha, x, Int32(incx))
  }

  @usableFromInline
  static func swap(
    _ n: Int, _ x: UnsafeMutablePointer<Double>, _ incx: Int, _ y: UnsafeMutablePointer<Double>,
    _ incy: Int
  ) {
    cblas_dswap(Int32(n), x, Int32(incx), y, Int32(incy))
  }

  @usableFromInline
  static func copy(
    _ n: Int, _ x: UnsafePointer<Double>, _ incx: Int, _ y: UnsafeMutablePointer<Double>,
    _ incy: Int
  ) {
    cblas_dcopy(Int32(n), x, Int32(incx), y, Int32(incy))
  }

  @usableFromInline
  static func axpy(
    _ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ incx: Int,
    _ y: UnsafeMutablePointer<Double>,
    _ incy: Int
  ) {
    cblas_daxpy(Int32(n), alpha, x, Int32(incx), y, Int32(incy))
  }

  @usableFromInline
  static func dot(
    _ n: Int, _ x: UnsafePointer<Double>, _ incx: Int, _ y: UnsafePointer<Double>, _ incy: Int
  ) -> Double {
    cblas_ddot(Int32(n), x, Int32(incx), y, Int32(incy))
  }

  @usableFromInline
  static func nrm2(_ n: Int, _ x: UnsafePointer<Double>, _ incx: Int) -> Double {
    cblas_dnrm2(Int32(n), x, Int32(incx))
  }

  @usableFromInline
  static func asum(_ n: Int, _ x: UnsafePointer<Double>, _ incx: Int) -> Double {
    cblas_dasum(Int32(n), x, Int32(incx))
  }
}
