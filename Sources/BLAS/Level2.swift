// Level 2 BLAS: matrix-vector routines.

/// `y ← alpha · op(A) · x + beta · y`.
///
/// Shapes: `A` is m × n; `x` has n elements (m for `.transpose`), `y` m (n for `.transpose`).
/// With `beta == 0`, `y`'s old contents are not read.
/// The corresponding C functions are `cblas_dgemv` and `cblas_sgemv`.
@inlinable
public func gemv<T: BLASScalar>(
  _ trans: Transpose, alpha: T, _ a: MatrixView<T>, _ x: VectorView<T>, beta: T,
  _ y: VectorView<T>
) {
  let m = a.rows
  let n = a.columns
  precondition(x.count == (trans == .noTranspose ? n : m), "gemv: x has wrong length")
  precondition(y.count == (trans == .noTranspose ? m : n), "gemv: y has wrong length")
  guard y.count > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.gemv(
      trans, m, n, concrete(alpha, as: Double.self), concreteReadOnly(a.base, as: Double.self),
      atLeastOne(a.leadingDimension), concreteReadOnly(x.base, as: Double.self), x.stride,
      concrete(beta, as: Double.self), concrete(y.base, as: Double.self), y.stride)
  case .single:
    CBLASCalls.gemv(
      trans, m, n, concrete(alpha, as: Float.self), concreteReadOnly(a.base, as: Float.self),
      atLeastOne(a.leadingDimension), concreteReadOnly(x.base, as: Float.self), x.stride,
      concrete(beta, as: Float.self), concrete(y.base, as: Float.self), y.stride)
  }
}

/// The rank-1 update `A ← alpha · x · yᵀ + A`.
///
/// Shapes: `A` is m × n, `x` has m elements, `y` n.
/// The corresponding C functions are `cblas_dger` and `cblas_sger`.
@inlinable
public func ger<T: BLASScalar>(
  alpha: T, _ x: VectorView<T>, _ y: VectorView<T>, _ a: MatrixView<T>
) {
  precondition(x.count == a.rows && y.count == a.columns, "ger: vectors do not match A")
  guard a.rows > 0, a.columns > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.ger(
      a.rows, a.columns, concrete(alpha, as: Double.self),
      concreteReadOnly(x.base, as: Double.self), x.stride,
      concreteReadOnly(y.base, as: Double.self), y.stride, concrete(a.base, as: Double.self),
      atLeastOne(a.leadingDimension))
  case .single:
    CBLASCalls.ger(
      a.rows, a.columns, concrete(alpha, as: Float.self),
      concreteReadOnly(x.base, as: Float.self), x.stride,
      concreteReadOnly(y.base, as: Float.self), y.stride, concrete(a.base, as: Float.self),
      atLeastOne(a.leadingDimension))
  }
}

/// Solves the triangular system `op(A) · x = b` in place: `x` holds `b` on entry and the
/// solution on exit.
///
/// Shapes: `A` is n × n (only its `uplo` triangle is read, the diagonal only for `.nonUnit`),
/// `x` has n elements.
/// The corresponding C functions are `cblas_dtrsv` and `cblas_strsv`.
@inlinable
public func trsv<T: BLASScalar>(
  uplo: Uplo, trans: Transpose, diagonal: Diagonal, _ a: MatrixView<T>, _ x: VectorView<T>
) {
  let n = a.rows
  precondition(a.columns == n && x.count == n, "trsv: A must be n × n and x of length n")
  guard n > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.trsv(
      uplo, trans, diagonal, n, concreteReadOnly(a.base, as: Double.self),
      atLeastOne(a.leadingDimension), concrete(x.base, as: Double.self), x.stride)
  case .single:
    CBLASCalls.trsv(
      uplo, trans, diagonal, n, concreteReadOnly(a.base, as: Float.self),
      atLeastOne(a.leadingDimension), concrete(x.base, as: Float.self), x.stride)
  }
}
