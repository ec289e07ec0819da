// A `BLASScalar` buffer is a `Double` or a `Float` buffer, as its `blasPrecision` says. The
// generic routines view it as the concrete type with these helpers; after specialization the
// precision switch and the casts fold away.

@inlinable @inline(__always)
internal func concrete<T, U>(_ pointer: UnsafeMutablePointer<T>, as type: U.Type)
  -> UnsafeMutablePointer<U>
{
  UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: U.self)
}

@inlinable @inline(__always)
internal func concreteReadOnly<T, U>(_ pointer: UnsafeMutablePointer<T>, as type: U.Type)
  -> UnsafePointer<U>
{
  UnsafePointer(concrete(pointer, as: U.self))
}

@inlinable @inline(__always)
internal func concrete<T: BLASScalar, U: BLASScalar>(_ value: T, as type: U.Type) -> U {
  unsafeBitCast(value, to: U.self)
}

@inlinable @inline(__always)
internal func generic<U: BLASScalar, T: BLASScalar>(_ value: U, as type: T.Type) -> T {
  unsafeBitCast(value, to: T.self)
}

/// The leading dimension or increment the BLAS accepts for a possibly empty view.
@inlinable @inline(__always)
internal func atLeastOne(_ value: Int) -> Int { value > 1 ? value : 1 }
