/// A predefined reduction for ``Communicator/reduce(_:into:operation:root:)`` and
/// ``Communicator/allreduce(_:into:operation:)``.
///
/// MPI decides which operations apply to which datatypes: arithmetic and ordering for numbers,
/// logical and bitwise ones for integers (and `Bool` for the logical ones), the location ones
/// for ``DoubleAndIndex`` and its kin. A mismatch is reported as ``MPIError`` (`MPI_ERR_OP`).
public enum ReductionOperation: Sendable, Hashable, CaseIterable {
  /// The corresponding C constant is `MPI_SUM`.
  case sum
  /// The corresponding C constant is `MPI_PROD`.
  case product
  /// The corresponding C constant is `MPI_MAX`.
  case max
  /// The corresponding C constant is `MPI_MIN`.
  case min
  /// Largest value with the smallest index among ties. The corresponding C constant is `MPI_MAXLOC`.
  case maxLocation
  /// Smallest value with the smallest index among ties. The corresponding C constant is `MPI_MINLOC`.
  case minLocation
  /// The corresponding C constant is `MPI_LAND`.
  case logicalAnd
  /// The corresponding C constant is `MPI_LOR`.
  case logicalOr
  /// The corresponding C constant is `MPI_LXOR`.
  case logicalXor
  /// The corresponding C constant is `MPI_BAND`.
  case bitwiseAnd
  /// The corresponding C constant is `MPI_BOR`.
  case bitwiseOr
  /// The corresponding C constant is `MPI_BXOR`.
  case bitwiseXor

  /// The C handle (`MPI_Op`).
  @usableFromInline
  internal var handle: Int32 {
    switch self {
    case .sum: Constants.opSum
    case .product: Constants.opProduct
    case .max: Constants.opMax
    case .min: Constants.opMin
    case .maxLocation: Constants.opMaxLocation
    case .minLocation: Constants.opMinLocation
    case .logicalAnd: Constants.opLogicalAnd
    case .logicalOr: Constants.opLogicalOr
    case .logicalXor: Constants.opLogicalXor
    case .bitwiseAnd: Constants.opBitwiseAnd
    case .bitwiseOr: Constants.opBitwiseOr
    case .bitwiseXor: Constants.opBitwiseXor
    }
  }
}
