import CBLAS

// The `cblas_s*` routines; `CBLASCalls+Double.swift` has the same for `cblas_d*`.

// MARK: - Float

extension CBLASCalls {
  @usableFromInline
  static func gemm(
    _ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int
  ) {
    cblas_sgemm(
      CblasColMajor, transA.cValue, transB.cValue, Int32(m), Int32(n), Int32(k), alpha,
      a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  @usableFromInline
  static func trsm(
    _ side: Side, _ uplo: Uplo, _ transA: Transpose, _ diagonal: Diagonal, _ m: Int, _ n: Int,
    _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafeMutablePointer<Float>,
    _ ldb: Int
  ) {
    cblas_strsm(
      CblasColMajor, side.cValue, uplo.cValue, transA.cValue, diagonal.cValue, Int32(m),
      Int32(n), alpha, a, Int32(lda), b, Int32(ldb))
  }

  @usableFromInline
  static func gemv(
    _ trans: Transpose, _ m: Int, _ n: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
    _ x: UnsafePointer<Float>, _ incx: Int, _ beta: Float, _ y: UnsafeMutablePointer<Float>,
    _ incy: Int
  ) {
    cblas_sgemv(
      CblasColMajor, trans.cValue, Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incx),
      beta, y, Int32(incy))
  }

  @usableFromInline
  static func ger(
    _ m: Int, _ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ incx: Int,
    _ y: UnsafePointer<Float>, _ incy: Int, _ a: UnsafeMutablePointer<Float>, _ lda: Int
  ) {
    cblas_sger(
      CblasColMajor, Int32(m), Int32(n), alpha, x, Int32(incx), y, Int32(incy), a, Int32(lda))
  }

  @usableFromInline
  static func trsv(
    _ uplo: Uplo, _ trans: Transpose, _ diagonal: Diagonal, _ n: Int, _ a: UnsafePointer<Float>,
    _ lda: Int, _ x: UnsafeMutablePointer<Float>, _ incx: Int
  ) {
    cblas_strsv(
      CblasColMajor, uplo.cValue, trans.cValue, diagonal.cValue, Int32(n), a, Int32(lda), x,
      Int32(incx))
  }

  @usableFromInline
  static func iamax(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int) -> Int {
    Int(cblas_isamax(Int32(n), x, Int32(incx)))
  }

  @usableFromInline
  static func scal(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>, _ incx: Int) {
    cblas_sscal(Int32(n), alpha, x, Int32(incx))
  }

  @usableFromInline
  static func swap(
    _ n: Int, _ x: UnsafeMutablePointer<Float>, _ incx: Int, _ y: UnsafeMutablePointer<Float>,
    _ incy: Int
  ) {
    cblas_sswap(Int32(n), x, Int32(incx), y, Int32(incy))
  }

  @usableFromInline
  static func copy(
    _ n: Int, _ x: UnsafePointer<Float>, _ incx: Int, _ y: UnsafeMutablePointer<Float>, _ incy: Int
  ) {
    cblas_scopy(Int32(n), x, Int32(incx), y, Int32(incy))
  }

  @usableFromInline
  static func axpy(
    _ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ incx: Int,
    _ y: UnsafeMutablePointer<Float>,
    _ incy: Int
  ) {
    cblas_saxpy(Int32(n), alpha, x, Int32(incx), y, Int32(incy))
  }

  @usableFromInline
  static func dot(
    _ n: Int, _ x: UnsafePointer<Float>, _ incx: Int, _ y: UnsafePointer<Float>, _ incy: Int
  ) -> Float {
    cblas_sdot(Int32(n), x, Int32(incx), y, Int32(incy))
  }

  @usableFromInline
  static func nrm2(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int) -> Float {
    cblas_snrm2(Int32(n), x, Int32(incx))
  }

  @usableFromInline
  static func asum(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int) -> Float {
    cblas_sasum(Int32(n), x, Int32(incx))
  }
}
