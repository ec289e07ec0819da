import CMPICH
import CMPICHShims

/// MPICH's constants, read through the `CMPICHShims` functions.
///
/// Every value is a `static inline` C function, so an optimized build folds it to a constant.
/// Only this module sees these names; callers use the typed constants on ``Datatype``,
/// ``ReductionOperation``, ``Communicator`` and ``ThreadLevel``. Nothing `@inlinable` may use
/// them: inlinable code is compiled into the caller's module, which must not see C.
internal enum Constants {
  // MARK: Special buffers

  static var inPlace: UnsafeMutableRawPointer? { CMPICHShims_MPI_IN_PLACE() }

  // MARK: Integers

  static var success: Int32 { CMPICHShims_MPI_SUCCESS() }
  static var undefined: Int32 { CMPICHShims_MPI_UNDEFINED() }
  static var anySource: Int32 { CMPICHShims_MPI_ANY_SOURCE() }
  static var anyTag: Int32 { CMPICHShims_MPI_ANY_TAG() }
  static var processNull: Int32 { CMPICHShims_MPI_PROC_NULL() }
  static var commTypeShared: Int32 { CMPICHShims_MPI_COMM_TYPE_SHARED() }
  static var maxProcessorName: Int32 { CMPICHShims_MPI_MAX_PROCESSOR_NAME() }
  static var maxErrorString: Int32 { CMPICHShims_MPI_MAX_ERROR_STRING() }
  static var maxLibraryVersionString: Int32 { CMPICHShims_MPI_MAX_LIBRARY_VERSION_STRING() }
  static var threadSingle: Int32 { CMPICHShims_MPI_THREAD_SINGLE() }
  static var threadFunneled: Int32 { CMPICHShims_MPI_THREAD_FUNNELED() }
  static var threadSerialized: Int32 { CMPICHShims_MPI_THREAD_SERIALIZED() }
  static var threadMultiple: Int32 { CMPICHShims_MPI_THREAD_MULTIPLE() }

  // MARK: Error classes for the Swift layer's own argument checks

  static var errorCount: Int32 { CMPICHShims_MPI_ERR_COUNT() }
  static var errorTag: Int32 { CMPICHShims_MPI_ERR_TAG() }
  static var errorRank: Int32 { CMPICHShims_MPI_ERR_RANK() }
  static var errorArgument: Int32 { CMPICHShims_MPI_ERR_ARG() }
  static var errorInStatus: Int32 { CMPICHShims_MPI_ERR_IN_STATUS() }
  static var errorPending: Int32 { CMPICHShims_MPI_ERR_PENDING() }

  // MARK: Handles

  static var commWorld: MPI_Comm { CMPICHShims_MPI_COMM_WORLD() }
  static var commSelf: MPI_Comm { CMPICHShims_MPI_COMM_SELF() }
  static var commNull: MPI_Comm { CMPICHShims_MPI_COMM_NULL() }
  static var requestNull: MPI_Request { CMPICHShims_MPI_REQUEST_NULL() }
  static var errorsReturn: MPI_Errhandler { CMPICHShims_MPI_ERRORS_RETURN() }
  static var infoNull: MPI_Info { CMPICHShims_MPI_INFO_NULL() }

  // MARK: Reduction operations

  static var opMax: MPI_Op { CMPICHShims_MPI_MAX() }
  static var opMin: MPI_Op { CMPICHShims_MPI_MIN() }
  static var opSum: MPI_Op { CMPICHShims_MPI_SUM() }
  static var opProduct: MPI_Op { CMPICHShims_MPI_PROD() }
  static var opLogicalAnd: MPI_Op { CMPICHShims_MPI_LAND() }
  static var opBitwiseAnd: MPI_Op { CMPICHShims_MPI_BAND() }
  static var opLogicalOr: MPI_Op { CMPICHShims_MPI_LOR() }
  static var opBitwiseOr: MPI_Op { CMPICHShims_MPI_BOR() }
  static var opLogicalXor: MPI_Op { CMPICHShims_MPI_LXOR() }
  static var opBitwiseXor: MPI_Op { CMPICHShims_MPI_BXOR() }
  static var opMinLocation: MPI_Op { CMPICHShims_MPI_MINLOC() }
  static var opMaxLocation: MPI_Op { CMPICHShims_MPI_MAXLOC() }

  // MARK: Datatypes

  static var typeByte: MPI_Datatype { CMPICHShims_MPI_BYTE() }
  static var typeChar: MPI_Datatype { CMPICHShims_MPI_CHAR() }
  static var typeCInt: MPI_Datatype { CMPICHShims_MPI_INT() }
  static var typeCLong: MPI_Datatype { CMPICHShims_MPI_LONG() }
  static var typeFloat: MPI_Datatype { CMPICHShims_MPI_FLOAT() }
  static var typeDouble: MPI_Datatype { CMPICHShims_MPI_DOUBLE() }
  static var typeInt8: MPI_Datatype { CMPICHShims_MPI_INT8_T() }
  static var typeInt16: MPI_Datatype { CMPICHShims_MPI_INT16_T() }
  static var typeInt32: MPI_Datatype { CMPICHShims_MPI_INT32_T() }
  static var typeInt64: MPI_Datatype { CMPICHShims_MPI_INT64_T() }
  static var typeUInt8: MPI_Datatype { CMPICHShims_MPI_UINT8_T() }
  static var typeUInt16: MPI_Datatype { CMPICHShims_MPI_UINT16_T() }
  static var typeUInt32: MPI_Datatype { CMPICHShims_MPI_UINT32_T() }
  static var typeUInt64: MPI_Datatype { CMPICHShims_MPI_UINT64_T() }
  static var typeBool: MPI_Datatype { CMPICHShims_MPI_C_BOOL() }
  static var typeFloatInt: MPI_Datatype { CMPICHShims_MPI_FLOAT_INT() }
  static var typeDoubleInt: MPI_Datatype { CMPICHShims_MPI_DOUBLE_INT() }
  static var typeTwoInt: MPI_Datatype { CMPICHShims_MPI_2INT() }
}
