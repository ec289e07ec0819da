/// An MPI datatype handle: how MPI reads the elements of a buffer.
///
/// Most code never names one: ``MPIScalar`` maps each Swift element type to its datatype and
/// every typed call picks it from the buffer's element type. MPICH's handles are C `int`s,
/// which this type wraps. The corresponding C type is `MPI_Datatype`.
public struct Datatype: RawRepresentable, Hashable, Sendable {
  /// The C handle (`MPI_Datatype`, an `int` in MPICH).
  public let rawValue: Int32

  /// Wraps a C handle.
  public init(rawValue: Int32) { self.rawValue = rawValue }

  /// 64-bit IEEE float. The corresponding C constant is `MPI_DOUBLE`.
  public static let double = Datatype(rawValue: Constants.typeDouble)
  /// 32-bit IEEE float. The corresponding C constant is `MPI_FLOAT`.
  public static let float = Datatype(rawValue: Constants.typeFloat)
  /// Signed 8-bit integer. The corresponding C constant is `MPI_INT8_T`.
  public static let int8 = Datatype(rawValue: Constants.typeInt8)
  /// Signed 16-bit integer. The corresponding C constant is `MPI_INT16_T`.
  public static let int16 = Datatype(rawValue: Constants.typeInt16)
  /// Signed 32-bit integer. The corresponding C constant is `MPI_INT32_T`.
  public static let int32 = Datatype(rawValue: Constants.typeInt32)
  /// Signed 64-bit integer. The corresponding C constant is `MPI_INT64_T`.
  public static let int64 = Datatype(rawValue: Constants.typeInt64)
  /// Unsigned 8-bit integer. The corresponding C constant is `MPI_UINT8_T`.
  public static let uint8 = Datatype(rawValue: Constants.typeUInt8)
  /// Unsigned 16-bit integer. The corresponding C constant is `MPI_UINT16_T`.
  public static let uint16 = Datatype(rawValue: Constants.typeUInt16)
  /// Unsigned 32-bit integer. The corresponding C constant is `MPI_UINT32_T`.
  public static let uint32 = Datatype(rawValue: Constants.typeUInt32)
  /// Unsigned 64-bit integer. The corresponding C constant is `MPI_UINT64_T`.
  public static let uint64 = Datatype(rawValue: Constants.typeUInt64)
  /// C `bool` (one byte, as Swift's `Bool`). The corresponding C constant is `MPI_C_BOOL`.
  public static let bool = Datatype(rawValue: Constants.typeBool)
  /// Untyped bytes. The corresponding C constant is `MPI_BYTE`.
  public static let byte = Datatype(rawValue: Constants.typeByte)
  /// C `char`. The corresponding C constant is `MPI_CHAR`.
  public static let char = Datatype(rawValue: Constants.typeChar)
  /// C `int`. The corresponding C constant is `MPI_INT`.
  public static let cInt = Datatype(rawValue: Constants.typeCInt)
  /// C `long`. The corresponding C constant is `MPI_LONG`.
  public static let cLong = Datatype(rawValue: Constants.typeCLong)
  /// A `double` and an `int`, for ``ReductionOperation/maxLocation`` and
  /// ``ReductionOperation/minLocation``. The corresponding C constant is `MPI_DOUBLE_INT`.
  public static let doubleAndIndex = Datatype(rawValue: Constants.typeDoubleInt)
  /// A `float` and an `int`. The corresponding C constant is `MPI_FLOAT_INT`.
  public static let floatAndIndex = Datatype(rawValue: Constants.typeFloatInt)
  /// Two `int`s. The corresponding C constant is `MPI_2INT`.
  public static let int32AndIndex = Datatype(rawValue: Constants.typeTwoInt)
}
