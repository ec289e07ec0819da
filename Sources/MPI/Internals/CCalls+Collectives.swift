import CMPICH

// MARK: - Collectives
//
// `inPlace` arguments select `MPI_IN_PLACE` for the buffer the standard allows; counts and
// displacements arrive already converted to C ints.

extension CMPI {
  @usableFromInline
  static func broadcast(
    _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: Int32, root: Int32,
    _ communicator: Int32
  ) throws {
    try check(MPI_Bcast(buffer, count, datatype, root, communicator), "MPI_Bcast")
  }

  /// `MPI_Reduce`; with `inPlace` the root passes `MPI_IN_PLACE` as its send buffer.
  @usableFromInline
  static func reduce(
    _ send: UnsafeRawPointer?, inPlace: Bool, into receive: UnsafeMutableRawPointer?,
    _ count: Int32, _ datatype: Int32, _ operation: Int32, root: Int32, _ communicator: Int32
  ) throws {
    let sendBuffer = inPlace ? UnsafeRawPointer(Constants.inPlace) : send
    try check(
      MPI_Reduce(sendBuffer, receive, count, datatype, operation, root, communicator),
      "MPI_Reduce")
  }

  /// `MPI_Allreduce`; with `inPlace` every process passes `MPI_IN_PLACE` as its send buffer.
  @usableFromInline
  static func allreduce(
    _ send: UnsafeRawPointer?, inPlace: Bool, into receive: UnsafeMutableRawPointer?,
    _ count: Int32, _ datatype: Int32, _ operation: Int32, _ communicator: Int32
  ) throws {
    let sendBuffer = inPlace ? UnsafeRawPointer(Constants.inPlace) : send
    try check(
      MPI_Allreduce(sendBuffer, receive, count, datatype, operation, communicator),
      "MPI_Allreduce")
  }

  @usableFromInline
  static func gather(
    _ send: UnsafeRawPointer?, _ sendCount: Int32, into receive: UnsafeMutableRawPointer?,
    _ receiveCount: Int32, _ datatype: Int32, root: Int32, _ communicator: Int32
  ) throws {
    try check(
      MPI_Gather(
        send, sendCount, datatype, receive, receiveCount, datatype, root, communicator),
      "MPI_Gather")
  }

  @usableFromInline
  static func gatherv(
    _ send: UnsafeRawPointer?, _ sendCount: Int32, into receive: UnsafeMutableRawPointer?,
    counts: UnsafePointer<Int32>?, displacements: UnsafePointer<Int32>?, _ datatype: Int32,
    root: Int32, _ communicator: Int32
  ) throws {
    try check(
      MPI_Gatherv(
        send, sendCount, datatype, receive, counts, displacements, datatype, root, communicator),
      "MPI_Gatherv")
  }

  /// `MPI_Allgather`; with `inPlace` each process's block is already in `receive`.
  @usableFromInline
  static func allgather(
    _ send: UnsafeRawPointer?, inPlace: Bool, _ sendCount: Int32,
    into receive: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ datatype: Int32,
    _ communicator: Int32
  ) throws {
    let sendBuffer = inPlace ? UnsafeRawPointer(Constants.inPlace) : send
    try check(
      MPI_Allgather(
        sendBuffer, sendCount, datatype, receive, receiveCount, datatype, communicator),
      "MPI_Allgather")
  }

  /// `MPI_Allgatherv`; with `inPlace` each process's block is already in `receive`.
  @usableFromInline
  static func allgatherv(
    _ send: UnsafeRawPointer?, inPlace: Bool, _ sendCount: Int32,
    into receive: UnsafeMutableRawPointer?, counts: UnsafePointer<Int32>?,
    displacements: UnsafePointer<Int32>?, _ datatype: Int32, _ communicator: Int32
  ) throws {
    let sendBuffer = inPlace ? UnsafeRawPointer(Constants.inPlace) : send
    try check(
      MPI_Allgatherv(
        sendBuffer, sendCount, datatype, receive, counts, displacements, datatype, communicator),
      "MPI_Allgatherv")
  }

  @usableFromInline
  static func scatter(
    _ send: UnsafeRawPointer?, _ sendCount: Int32, into receive: UnsafeMutableRawPointer?,
    _ receiveCount: Int32, _ datatype: Int32, root: Int32, _ communicator: Int32
  ) throws {
    try check(
      MPI_Scatter(
        send, sendCount, datatype, receive, receiveCount, datatype, root, communicator),
      "MPI_Scatter")
  }

  @usableFromInline
  static func scatterv(
    _ send: UnsafeRawPointer?, counts: UnsafePointer<Int32>?,
    displacements: UnsafePointer<Int32>?, into receive: UnsafeMutableRawPointer?,
    _ receiveCount: Int32, _ datatype: Int32, root: Int32, _ communicator: Int32
  ) throws {
    try check(
      MPI_Scatterv(
        send, counts, displacements, datatype, receive, receiveCount, datatype, root,
        communicator),
      "MPI_Scatterv")
  }
}
