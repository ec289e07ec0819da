import CMPICH

/// The raw MPI calls of this module, one thin function each, grouped by concern as
/// swift-system's `Internals/Syscalls.swift` groups system calls. Every function checks its
/// return code; nothing outside `Internals/` calls MPICH directly.
///
/// These functions are `@usableFromInline` but never `@inlinable`: the typed generic wrappers
/// inline into callers (HPL's hot loops), while the C call itself stays in this module.
@usableFromInline
internal enum CMPI {}

// MARK: - Environment

extension CMPI {
  @usableFromInline
  static func initialized() -> Bool {
    var flag: Int32 = 0
    _ = MPI_Initialized(&flag)
    return flag != 0
  }

  @usableFromInline
  static func finalized() -> Bool {
    var flag: Int32 = 0
    _ = MPI_Finalized(&flag)
    return flag != 0
  }

  /// `MPI_Init_thread(NULL, NULL, required, &provided)`; returns the provided level.
  static func initThread(required: Int32) throws -> Int32 {
    var provided: Int32 = 0
    try check(MPI_Init_thread(nil, nil, required, &provided), "MPI_Init_thread")
    return provided
  }

  static func queryThread() throws -> Int32 {
    var provided: Int32 = 0
    try check(MPI_Query_thread(&provided), "MPI_Query_thread")
    return provided
  }

  /// Makes MPI return error codes on `communicator` instead of aborting the job.
  static func setErrorsReturn(_ communicator: Int32) throws {
    try check(
      MPI_Comm_set_errhandler(communicator, Constants.errorsReturn), "MPI_Comm_set_errhandler")
  }

  static func finalize() throws {
    try check(MPI_Finalize(), "MPI_Finalize")
  }

  static func abort(_ communicator: Int32, code: Int32) {
    _ = MPI_Abort(communicator, code)
  }

  @usableFromInline
  static func wallTime() -> Double { MPI_Wtime() }

  static func wallTick() -> Double { MPI_Wtick() }

  static func processorName() throws -> String {
    let capacity = Int(Constants.maxProcessorName) + 1
    return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
      buffer.initialize(repeating: 0)
      var length: Int32 = 0
      try check(MPI_Get_processor_name(buffer.baseAddress, &length), "MPI_Get_processor_name")
      return decodeCString(buffer, length: Int(length))
    }
  }

  /// `MPI_Get_library_version`: callable before `MPI_Init`.
  static func libraryVersion() throws -> String {
    let capacity = Int(Constants.maxLibraryVersionString) + 1
    return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
      buffer.initialize(repeating: 0)
      var length: Int32 = 0
      try check(MPI_Get_library_version(buffer.baseAddress, &length), "MPI_Get_library_version")
      return decodeCString(buffer, length: Int(length))
    }
  }

  static func errorString(_ code: Int32) -> String {
    let capacity = Int(Constants.maxErrorString) + 1
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
      buffer.initialize(repeating: 0)
      var length: Int32 = 0
      guard MPI_Error_string(code, buffer.baseAddress, &length) == Constants.success else {
        return "MPI error code \(code) (MPI_Error_string failed)"
      }
      return decodeCString(buffer, length: Int(length))
    }
  }

  static func errorClass(_ code: Int32) -> Int32 {
    var errorClass: Int32 = 0
    guard MPI_Error_class(code, &errorClass) == Constants.success else { return code }
    return errorClass
  }

  private static func decodeCString(_ buffer: UnsafeMutableBufferPointer<CChar>, length: Int)
    -> String
  {
    let bytes = UnsafeRawBufferPointer(
      rebasing: UnsafeRawBufferPointer(buffer)[0..<min(length, buffer.count)])
    return String(decoding: bytes, as: UTF8.self)
  }
}
