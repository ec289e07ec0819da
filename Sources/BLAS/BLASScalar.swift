/// An element type the BLAS computes with: `Double` (the `d` routines) or `Float` (`s`).
///
/// Every routine of this module is generic over it and picks the precision from the element
/// type, so `gemm` on `MatrixView<Double>` calls `cblas_dgemm`. Do not conform other types:
/// the routines reinterpret memory by ``blasPrecision``.
public protocol BLASScalar: BinaryFloatingPoint, BitwiseCopyable, Sendable {
  /// Which family of BLAS routines computes with this type.
  static var blasPrecision: BLASPrecision { get }
}

/// The two real precisions of the BLAS.
public enum BLASPrecision: Sendable, Hashable {
  /// 32-bit `Float`: the `cblas_s*` routines.
  case single
  /// 64-bit `Double`: the `cblas_d*` routines.
  case double
}

extension Double: BLASScalar {
  /// `.double`: the `cblas_d*` routines.
  @inlinable public static var blasPrecision: BLASPrecision { .double }
}

extension Float: BLASScalar {
  /// `.single`: the `cblas_s*` routines.
  @inlinable public static var blasPrecision: BLASPrecision { .single }
}
