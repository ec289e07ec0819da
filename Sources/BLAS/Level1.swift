// Level 1 BLAS: vector routines. HPL calls these per column in its panel factorizations.

/// The index of the first element of largest absolute value, 0-based; -1 for an empty vector.
/// The corresponding C functions are `cblas_idamax` and `cblas_isamax` (which count from 0).
@inlinable
public func iamax<T: BLASScalar>(_ x: VectorView<T>) -> Int {
  guard x.count > 0 else { return -1 }
  switch T.blasPrecision {
  case .double:
    return CBLASCalls.iamax(x.count, concreteReadOnly(x.base, as: Double.self), x.stride)
  case .single:
    return CBLASCalls.iamax(x.count, concreteReadOnly(x.base, as: Float.self), x.stride)
  }
}

/// `x ← alpha · x`. The corresponding C functions are `cblas_dscal` and `cblas_sscal`.
@inlinable
public func scal<T: BLASScalar>(_ alpha: T, _ x: VectorView<T>) {
  guard x.count > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.scal(
      x.count, concrete(alpha, as: Double.self), concrete(x.base, as: Double.self), x.stride)
  case .single:
    CBLASCalls.scal(
      x.count, concrete(alpha, as: Float.self), concrete(x.base, as: Float.self), x.stride)
  }
}

/// `x ← alpha · x`, with the label the Level 2 and 3 routines use.
/// The corresponding C functions are `cblas_dscal` and `cblas_sscal`.
@inlinable
public func scal<T: BLASScalar>(alpha: T, _ x: VectorView<T>) {
  scal(alpha, x)
}

/// Exchanges the elements of `x` and `y`, which have the same length.
/// The corresponding C functions are `cblas_dswap` and `cblas_sswap`.
@inlinable
public func swap<T: BLASScalar>(_ x: VectorView<T>, _ y: VectorView<T>) {
  precondition(x.count == y.count, "swap: vectors of lengths \(x.count) and \(y.count)")
  guard x.count > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.swap(
      x.count, concrete(x.base, as: Double.self), x.stride, concrete(y.base, as: Double.self),
      y.stride)
  case .single:
    CBLASCalls.swap(
      x.count, concrete(x.base, as: Float.self), x.stride, concrete(y.base, as: Float.self),
      y.stride)
  }
}

/// `y ← x`, for vectors of the same length.
/// The corresponding C functions are `cblas_dcopy` and `cblas_scopy`.
@inlinable
public func copy<T: BLASScalar>(from x: VectorView<T>, to y: VectorView<T>) {
  precondition(x.count == y.count, "copy: vectors of lengths \(x.count) and \(y.count)")
  guard x.count > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.copy(
      x.count, concreteReadOnly(x.base, as: Double.self), x.stride,
      concrete(y.base, as: Double.self), y.stride)
  case .single:
    CBLASCalls.copy(
      x.count, concreteReadOnly(x.base, as: Float.self), x.stride,
      concrete(y.base, as: Float.self), y.stride)
  }
}

/// `y ← x`, in BLAS argument order. The corresponding C functions are `cblas_dcopy` and
/// `cblas_scopy`.
@inlinable
public func copy<T: BLASScalar>(_ x: VectorView<T>, _ y: VectorView<T>) {
  copy(from: x, to: y)
}

/// `y ← alpha · x + y`, for vectors of the same length.
/// The corresponding C functions are `cblas_daxpy` and `cblas_saxpy`.
@inlinable
public func axpy<T: BLASScalar>(_ alpha: T, _ x: VectorView<T>, _ y: VectorView<T>) {
  precondition(x.count == y.count, "axpy: vectors of lengths \(x.count) and \(y.count)")
  guard x.count > 0 else { return }
  switch T.blasPrecision {
  case .double:
    CBLASCalls.axpy(
      x.count, concrete(alpha, as: Double.self), concreteReadOnly(x.base, as: Double.self),
      x.stride, concrete(y.base, as: Double.self), y.stride)
  case .single:
    CBLASCalls.axpy(
      x.count, concrete(alpha, as: Float.self), concreteReadOnly(x.base, as: Float.self),
      x.stride, concrete(y.base, as: Float.self), y.stride)
  }
}

/// `y ← alpha · x + y`, with the label the Level 2 and 3 routines use.
/// The corresponding C functions are `cblas_daxpy` and `cblas_saxpy`.
@inlinable
public func axpy<T: BLASScalar>(alpha: T, _ x: VectorView<T>, _ y: VectorView<T>) {
  axpy(alpha, x, y)
}

/// The dot product `xᵀ y` of vectors of the same length.
/// The corresponding C functions are `cblas_ddot` and `cblas_sdot`.
@inlinable
public func dot<T: BLASScalar>(_ x: VectorView<T>, _ y: VectorView<T>) -> T {
  precondition(x.count == y.count, "dot: vectors of lengths \(x.count) and \(y.count)")
  guard x.count > 0 else { return 0 }
  switch T.blasPrecision {
  case .double:
    return generic(
      CBLASCalls.dot(
        x.count, concreteReadOnly(x.base, as: Double.self), x.stride,
        concreteReadOnly(y.base, as: Double.self), y.stride), as: T.self)
  case .single:
    return generic(
      CBLASCalls.dot(
        x.count, concreteReadOnly(x.base, as: Float.self), x.stride,
        concreteReadOnly(y.base, as: Float.self), y.stride), as: T.self)
  }
}

/// The Euclidean norm `‖x‖₂`, computed without undue overflow.
/// The corresponding C functions are `cblas_dnrm2` and `cblas_snrm2`.
@inlinable
public func nrm2<T: BLASScalar>(_ x: VectorView<T>) -> T {
  guard x.count > 0 else { return 0 }
  switch T.blasPrecision {
  case .double:
    return generic(
      CBLASCalls.nrm2(x.count, concreteReadOnly(x.base, as: Double.self), x.stride), as: T.self)
  case .single:
    return generic(
      CBLASCalls.nrm2(x.count, concreteReadOnly(x.base, as: Float.self), x.stride), as: T.self)
  }
}

/// The sum of absolute values `Σ |xᵢ|`.
/// The corresponding C functions are `cblas_dasum` and `cblas_sasum`.
@inlinable
public func asum<T: BLASScalar>(_ x: VectorView<T>) -> T {
  guard x.count > 0 else { return 0 }
  switch T.blasPrecision {
  case .double:
    return generic(
      CBLASCalls.asum(x.count, concreteReadOnly(x.base, as: Double.self), x.stride), as: T.self)
  case .single:
    return generic(
      CBLASCalls.asum(x.count, concreteReadOnly(x.base, as: Float.self), x.stride), as: T.self)
  }
}
