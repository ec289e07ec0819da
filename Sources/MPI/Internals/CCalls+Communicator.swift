import CMPICH

// MARK: - Communicators

extension CMPI {
  @usableFromInline
  static func commRank(_ communicator: Int32) throws -> Int {
    var rank: Int32 = 0
    try check(MPI_Comm_rank(communicator, &rank), "MPI_Comm_rank")
    return Int(rank)
  }

  @usableFromInline
  static func commSize(_ communicator: Int32) throws -> Int {
    var size: Int32 = 0
    try check(MPI_Comm_size(communicator, &size), "MPI_Comm_size")
    return Int(size)
  }

  /// `MPI_Comm_split`; `nil` color means `MPI_UNDEFINED`. Returns `MPI_COMM_NULL` for those.
  static func commSplit(_ communicator: Int32, color: Int32?, key: Int32) throws -> Int32 {
    var result = Constants.commNull
    try check(
      MPI_Comm_split(communicator, color ?? Constants.undefined, key, &result), "MPI_Comm_split")
    return result
  }

  static func commSplitShared(_ communicator: Int32, key: Int32) throws -> Int32 {
    var result = Constants.commNull
    try check(
      MPI_Comm_split_type(
        communicator, Constants.commTypeShared, key, Constants.infoNull, &result),
      "MPI_Comm_split_type")
    return result
  }

  static func commDuplicate(_ communicator: Int32) throws -> Int32 {
    var result = Constants.commNull
    try check(MPI_Comm_dup(communicator, &result), "MPI_Comm_dup")
    return result
  }

  static func commFree(_ communicator: Int32) {
    var handle = communicator
    _ = MPI_Comm_free(&handle)
  }

  @usableFromInline
  static func barrier(_ communicator: Int32) throws {
    try blocking(
      "MPI_Barrier", { _ in MPI_Barrier(communicator) },
      { MPI_Ibarrier(communicator, $0) })
  }
}
