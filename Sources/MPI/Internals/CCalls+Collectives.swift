import CMPICH

// MARK: - Collectives
//
// `inPlace` arguments select `MPI_IN_PLACE` for the buffer the standard allows; counts and
// displacements arrive already converted to C ints. Each call is blocking for its caller and
// passes both its blocking and its non-blocking MPI function to `blocking(_:_:requests:_:)`, which
// picks one by the wait policy.

extension CMPI {
  @usableFromInline
  static func broadcast(
    _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: Int32, root: Int32,
    _ communicator: Int32
  ) throws {
    try blocking(
      "MPI_Bcast", { _ in MPI_Bcast(buffer, count, datatype, root, communicator) },
      { MPI_Ibcast(buffer, count, datatype, root, communicator, $0) })
  }

  /// `MPI_Reduce`; with `inPlace` the root passes `MPI_IN_PLACE` as its send buffer.
  @usableFromInline
  static func reduce(
    _ send: UnsafeRawPointer?, inPlace: Bool, into receive: UnsafeMutableRawPointer?,
    _ count: Int32, _ datatype: Int32, _ operation: Int32, root: Int32, _ communicator: Int32
  ) throws {
    let sendBuffer = inPlace ? UnsafeRawPointer(Constants.inPlace) : send
    try blocking(
      "MPI_Reduce",
      { _ in MPI_Reduce(sendBuffer, receive, count, datatype, operation, root, communicator) },
      { MPI_Ireduce(sendBuffer, receive, count, datatype, operation, root, communicator, $0) })
  }

  /// `MPI_Allreduce`; with `inPlace` every process passes `MPI_IN_PLACE` as its send buffer.
  @usableFromInline
  static func allreduce(
    _ send: UnsafeRawPointer?, inPlace: Bool, into receive: UnsafeMutableRawPointer?,
    _ count: Int32, _ datatype: Int32, _ operation: Int32, _ communicator: Int32
  ) throws {
    let sendBuffer = inPlace ? UnsafeRawPointer(Constants.inPlace) : send
    try blocking(
      "MPI_Allreduce",
      { _ in MPI_Allreduce(sendBuffer, receive, count, datatype, operation, communicator) },
      { MPI_Iallreduce(sendBuffer, receive, count, datatype, operation, communicator, $0) })
  }

  /// `MPI_Iallreduce` in place: starts the reduction and returns its request.
  @usableFromInline
  static func immediateAllreduceInPlace(
    _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: Int32, _ operation: Int32, _ communicator: Int32
  ) throws -> Int32 {
    var request = Constants.requestNull
    try check(
      MPI_Iallreduce(Constants.inPlace, buffer, count, datatype, operation, communicator, &request), "MPI_Iallreduce")
    return request
  }

  @usableFromInline
  static func gather(
    _ send: UnsafeRawPointer?, _ sendCount: Int32, into receive: UnsafeMutableRawPointer?,
    _ receiveCount: Int32, _ datatype: Int32, root: Int32, _ communicator: Int32
  ) throws {
    try blocking(
      "MPI_Gather",
      { _ in
        MPI_Gather(
          send, sendCount, datatype, receive, receiveCount, datatype, root, communicator)
      },
      {
        MPI_Igather(
          send, sendCount, datatype, receive, receiveCount, datatype, root, communicator, $0)
      })
  }

  @usableFromInline
  static func gatherv(
    _ send: UnsafeRawPointer?, _ sendCount: Int32, into receive: UnsafeMutableRawPointer?,
    counts: UnsafePointer<Int32>?, displacements: UnsafePointer<Int32>?, _ datatype: Int32,
    root: Int32, _ communicator: Int32
  ) throws {
    try blocking(
      "MPI_Gatherv",
      { _ in
        MPI_Gatherv(
          send, sendCount, datatype, receive, counts, displacements, datatype, root,
          communicator)
      },
      {
        MPI_Igatherv(
          send, sendCount, datatype, receive, counts, displacements, datatype, root,
          communicator, $0)
      })
  }

  /// `MPI_Allgather`; with `inPlace` each process's block is already in `receive`.
  @usableFromInline
  static func allgather(
    _ send: UnsafeRawPointer?, inPlace: Bool, _ sendCount: Int32,
    into receive: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ datatype: Int32,
    _ communicator: Int32
  ) throws {
    let sendBuffer = inPlace ? UnsafeRawPointer(Constants.inPlace) : send
    try blocking(
      "MPI_Allgather",
      { _ in
        MPI_Allgather(
          sendBuffer, sendCount, datatype, receive, receiveCount, datatype, communicator)
      },
      {
        MPI_Iallgather(
          sendBuffer, sendCount, datatype, receive, receiveCount, datatype, communicator, $0)
      })
  }

  /// `MPI_Allgatherv`; with `inPlace` each process's block is already in `receive`.
  @usableFromInline
  static func allgatherv(
    _ send: UnsafeRawPointer?, inPlace: Bool, _ sendCount: Int32,
    into receive: UnsafeMutableRawPointer?, counts: UnsafePointer<Int32>?,
    displacements: UnsafePointer<Int32>?, _ datatype: Int32, _ communicator: Int32
  ) throws {
    let sendBuffer = inPlace ? UnsafeRawPointer(Constants.inPlace) : send
    try blocking(
      "MPI_Allgatherv",
      { _ in
        MPI_Allgatherv(
          sendBuffer, sendCount, datatype, receive, counts, displacements, datatype,
          communicator)
      },
      {
        MPI_Iallgatherv(
          sendBuffer, sendCount, datatype, receive, counts, displacements, datatype,
          communicator, $0)
      })
  }

  @usableFromInline
  static func scatter(
    _ send: UnsafeRawPointer?, _ sendCount: Int32, into receive: UnsafeMutableRawPointer?,
    _ receiveCount: Int32, _ datatype: Int32, root: Int32, _ communicator: Int32
  ) throws {
    try blocking(
      "MPI_Scatter",
      { _ in
        MPI_Scatter(
          send, sendCount, datatype, receive, receiveCount, datatype, root, communicator)
      },
      {
        MPI_Iscatter(
          send, sendCount, datatype, receive, receiveCount, datatype, root, communicator, $0)
      })
  }

  @usableFromInline
  static func scatterv(
    _ send: UnsafeRawPointer?, counts: UnsafePointer<Int32>?,
    displacements: UnsafePointer<Int32>?, into receive: UnsafeMutableRawPointer?,
    _ receiveCount: Int32, _ datatype: Int32, root: Int32, _ communicator: Int32
  ) throws {
    try blocking(
      "MPI_Scatterv",
      { _ in
        MPI_Scatterv(
          send, counts, displacements, datatype, receive, receiveCount, datatype, root,
          communicator)
      },
      {
        MPI_Iscatterv(
          send, counts, displacements, datatype, receive, receiveCount, datatype, root,
          communicator, $0)
      })
  }
}
