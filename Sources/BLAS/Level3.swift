// Level 3 BLAS: matrix-matrix routines, the bulk of HPL's flops.

/// `C ← alpha · op(A) · op(B) + beta · C`, where `op(X)` is `X` or its transpose.
///
/// Shapes: `C` is m × n, `op(A)` m × k, `op(B)` k × n (checked always). With
/// `beta == 0`, `C`'s old contents are not read.
/// The corresponding C functions are `cblas_dgemm` and `cblas_sgemm`.
@inlinable
public func gemm<T: BLASScalar>(
  _ transA: Transpose, _ transB: Transpose, alpha: T, _ a: MatrixView<T>, _ b: MatrixView<T>,
  beta: T, _ c: MatrixView<T>
) {
  let m = c.rows
  let n = c.columns
  let k = transA == .noTranspose ? a.columns : a.rows
  precondition((transA == .noTranspose ? a.rows : a.columns) == m, "gemm: op(A) has wrong row count")
  precondition((transB == .noTranspose ? b.rows : b.columns) == k, "gemm: op(B) has wrong row count")
  precondition((transB == .noTranspose ? b.columns : b.rows) == n, "gemm: op(B) has wrong column count")
  guard m > 0, n > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.gemm(
      transA, transB, m, n, k, concrete(alpha, as: Double.self),
      concreteReadOnly(a.base, as: Double.self), atLeastOne(a.leadingDimension),
      concreteReadOnly(b.base, as: Double.self), atLeastOne(b.leadingDimension),
      concrete(beta, as: Double.self), concrete(c.base, as: Double.self),
      atLeastOne(c.leadingDimension))
  case .single:
    CBLASCalls.gemm(
      transA, transB, m, n, k, concrete(alpha, as: Float.self),
      concreteReadOnly(a.base, as: Float.self), atLeastOne(a.leadingDimension),
      concreteReadOnly(b.base, as: Float.self), atLeastOne(b.leadingDimension),
      concrete(beta, as: Float.self), concrete(c.base, as: Float.self),
      atLeastOne(c.leadingDimension))
  }
}

/// Solves a triangular system with many right-hand sides in place:
/// `op(A) · X = alpha · B` (`.left`) or `X · op(A) = alpha · B` (`.right`); `X` overwrites `B`.
///
/// Shapes: `B` is m × n; `A` is m × m for `.left`, n × n for `.right`; only the `uplo`
/// triangle of `A` is read, and its diagonal only for `.nonUnit`.
/// The corresponding C functions are `cblas_dtrsm` and `cblas_strsm`.
@inlinable
public func trsm<T: BLASScalar>(
  side: Side, uplo: Uplo, transA: Transpose, diagonal: Diagonal, alpha: T, _ a: MatrixView<T>,
  _ b: MatrixView<T>
) {
  let m = b.rows
  let n = b.columns
  precondition(a.rows == a.columns && a.rows == (side == .left ? m : n), "trsm: A has wrong shape")
  guard m > 0, n > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.trsm(
      side, uplo, transA, diagonal, m, n, concrete(alpha, as: Double.self),
      concreteReadOnly(a.base, as: Double.self), atLeastOne(a.leadingDimension),
      concrete(b.base, as: Double.self), atLeastOne(b.leadingDimension))
  case .single:
    CBLASCalls.trsm(
      side, uplo, transA, diagonal, m, n, concrete(alpha, as: Float.self),
      concreteReadOnly(a.base, as: Float.self), atLeastOne(a.leadingDimension),
      concrete(b.base, as: Float.self), atLeastOne(b.leadingDimension))
  }
}
