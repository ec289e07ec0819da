/// A Swift element type that MPI can send, receive and reduce directly.
///
/// Every typed call of ``Communicator`` takes the datatype from its buffer's element type, so a
/// buffer of `Double` always travels as `MPI_DOUBLE`. Conform only types whose memory layout is
/// exactly the C type's: the scalars below and the location pairs (``DoubleAndIndex`` ...).
/// Conformances: `Double`, `Float`, `Int8`, `Int16`, `Int32`, `Int64`, `Int` (64 or 32 bits,
/// as the platform's), `UInt8`, `UInt16`, `UInt32`, `UInt64`, `UInt`, `Bool`.
public protocol MPIScalar: BitwiseCopyable {
  /// The datatype MPI uses for a buffer of this type.
  static var mpiDatatype: Datatype { get }
}

extension Double: MPIScalar {
  /// `MPI_DOUBLE`.
  public static var mpiDatatype: Datatype { .double }
}

extension Float: MPIScalar {
  /// `MPI_FLOAT`.
  public static var mpiDatatype: Datatype { .float }
}

extension Int8: MPIScalar {
  /// `MPI_INT8_T`.
  public static var mpiDatatype: Datatype { .int8 }
}

extension Int16: MPIScalar {
  /// `MPI_INT16_T`.
  public static var mpiDatatype: Datatype { .int16 }
}

extension Int32: MPIScalar {
  /// `MPI_INT32_T`.
  public static var mpiDatatype: Datatype { .int32 }
}

extension Int64: MPIScalar {
  /// `MPI_INT64_T`.
  public static var mpiDatatype: Datatype { .int64 }
}

extension Int: MPIScalar {
  /// `MPI_INT64_T` on 64-bit platforms, `MPI_INT32_T` on 32-bit ones.
  public static var mpiDatatype: Datatype {
    MemoryLayout<Int>.size == 8 ? .int64 : .int32
  }
}

extension UInt8: MPIScalar {
  /// `MPI_UINT8_T`.
  public static var mpiDatatype: Datatype { .uint8 }
}

extension UInt16: MPIScalar {
  /// `MPI_UINT16_T`.
  public static var mpiDatatype: Datatype { .uint16 }
}

extension UInt32: MPIScalar {
  /// `MPI_UINT32_T`.
  public static var mpiDatatype: Datatype { .uint32 }
}

extension UInt64: MPIScalar {
  /// `MPI_UINT64_T`.
  public static var mpiDatatype: Datatype { .uint64 }
}

extension UInt: MPIScalar {
  /// `MPI_UINT64_T` on 64-bit platforms, `MPI_UINT32_T` on 32-bit ones.
  public static var mpiDatatype: Datatype {
    MemoryLayout<UInt>.size == 8 ? .uint64 : .uint32
  }
}

extension Bool: MPIScalar {
  /// `MPI_C_BOOL` (Swift's `Bool` is one byte holding 0 or 1, as C's `bool`).
  public static var mpiDatatype: Datatype { .bool }
}
