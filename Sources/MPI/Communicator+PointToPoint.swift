// Point-to-point messages. Ranks are in this communicator; `Communicator.nullProcess` sends or
// receives nothing; receives accept `Communicator.anySource` and `Communicator.anyTag`.
// Buffers carry their counts; nothing is copied.

extension Communicator {
  /// Sends `buffer` to `destination` and returns when the buffer may be reused.
  ///
  /// - Parameters:
  ///   - buffer: local input; its count is the message length.
  ///   - destination: local input; a rank of this communicator, or ``nullProcess``.
  ///   - tag: local input; matched by the receiver.
  /// The corresponding C function is `MPI_Send`.
  @inlinable
  public func send<T: MPIScalar>(
    _ buffer: UnsafeBufferPointer<T>, to destination: Int, tag: Int = 0
  )
    throws
  {
    try CMPI.send(
      buffer.baseAddress, try cInt(buffer.count, .count, in: "MPI_Send"),
      T.mpiDatatype.rawValue, to: try cInt(destination, .rank, in: "MPI_Send"),
      tag: try cInt(tag, .tag, in: "MPI_Send"), handle)
  }

  /// Sends a mutable buffer; the same as ``send(_:to:tag:)`` with an immutable view of it.
  /// The corresponding C function is `MPI_Send`.
  @inlinable
  public func send<T: MPIScalar>(
    _ buffer: UnsafeMutableBufferPointer<T>, to destination: Int, tag: Int = 0
  ) throws {
    try send(UnsafeBufferPointer(buffer), to: destination, tag: tag)
  }

  /// Sends the elements of `array`. The corresponding C function is `MPI_Send`.
  @inlinable
  public func send<T: MPIScalar>(_ array: [T], to destination: Int, tag: Int = 0) throws {
    try array.withUnsafeBufferPointer { try send($0, to: destination, tag: tag) }
  }

  /// Receives a message into `buffer`, which must hold at least the message's elements.
  ///
  /// - Parameters:
  ///   - buffer: local output; its count is the largest message accepted.
  ///   - source: local input; a rank, ``anySource`` or ``nullProcess``.
  ///   - tag: local input; a tag or ``anyTag``.
  /// - Returns: the sender, tag and element count actually received.
  /// The corresponding C function is `MPI_Recv`.
  @inlinable
  @discardableResult
  public func receive<T: MPIScalar>(
    into buffer: UnsafeMutableBufferPointer<T>, from source: Int, tag: Int = 0
  ) throws -> Status {
    try CMPI.receive(
      buffer.baseAddress, try cInt(buffer.count, .count, in: "MPI_Recv"),
      T.mpiDatatype.rawValue, from: try cInt(source, .rank, in: "MPI_Recv"),
      tag: try cInt(tag, .tag, in: "MPI_Recv"), handle)
  }

  /// Receives into the existing elements of `array` (its count is the largest message
  /// accepted). The corresponding C function is `MPI_Recv`.
  @inlinable
  @discardableResult
  public func receive<T: MPIScalar>(into array: inout [T], from source: Int, tag: Int = 0)
    throws -> Status
  {
    try array.withUnsafeMutableBufferPointer { try receive(into: $0, from: source, tag: tag) }
  }

  /// Sends `sendBuffer` to `destination` and receives into `receiveBuffer` from `source` in one
  /// call, which cannot deadlock in a ring or a pairwise exchange.
  ///
  /// - Returns: the status of the receive.
  /// The corresponding C function is `MPI_Sendrecv`.
  @inlinable
  @discardableResult
  public func sendReceive<T: MPIScalar>(
    _ sendBuffer: UnsafeBufferPointer<T>, to destination: Int, sendTag: Int = 0,
    into receiveBuffer: UnsafeMutableBufferPointer<T>, from source: Int, receiveTag: Int = 0
  ) throws -> Status {
    try CMPI.sendReceive(
      sendBuffer.baseAddress, try cInt(sendBuffer.count, .count, in: "MPI_Sendrecv"),
      to: try cInt(destination, .rank, in: "MPI_Sendrecv"),
      sendTag: try cInt(sendTag, .tag, in: "MPI_Sendrecv"),
      receiveBuffer.baseAddress, try cInt(receiveBuffer.count, .count, in: "MPI_Sendrecv"),
      from: try cInt(source, .rank, in: "MPI_Sendrecv"),
      receiveTag: try cInt(receiveTag, .tag, in: "MPI_Sendrecv"), T.mpiDatatype.rawValue, handle)
  }

  /// Sends the contents of `buffer` and replaces them with the message received.
  ///
  /// - Returns: the status of the receive.
  /// The corresponding C function is `MPI_Sendrecv_replace`.
  @inlinable
  @discardableResult
  public func sendReceiveReplace<T: MPIScalar>(
    _ buffer: UnsafeMutableBufferPointer<T>, to destination: Int, sendTag: Int = 0,
    from source: Int, receiveTag: Int = 0
  ) throws -> Status {
    try CMPI.sendReceiveReplace(
      buffer.baseAddress, try cInt(buffer.count, .count, in: "MPI_Sendrecv_replace"),
      T.mpiDatatype.rawValue, to: try cInt(destination, .rank, in: "MPI_Sendrecv_replace"),
      sendTag: try cInt(sendTag, .tag, in: "MPI_Sendrecv_replace"),
      from: try cInt(source, .rank, in: "MPI_Sendrecv_replace"),
      receiveTag: try cInt(receiveTag, .tag, in: "MPI_Sendrecv_replace"), handle)
  }

  /// Starts sending `buffer` and returns at once. Keep the buffer alive and unchanged until the
  /// returned request completes. The corresponding C function is `MPI_Isend`.
  @inlinable
  public func immediateSend<T: MPIScalar>(
    _ buffer: UnsafeBufferPointer<T>, to destination: Int, tag: Int = 0
  ) throws -> Request {
    let handle = try CMPI.immediateSend(
      buffer.baseAddress, try cInt(buffer.count, .count, in: "MPI_Isend"),
      T.mpiDatatype.rawValue, to: try cInt(destination, .rank, in: "MPI_Isend"),
      tag: try cInt(tag, .tag, in: "MPI_Isend"), self.handle)
    return Request(handle: handle, datatype: T.mpiDatatype)
  }

  /// Starts sending a mutable buffer, as the `UnsafeBufferPointer` form does.
  /// The corresponding C function is `MPI_Isend`.
  @inlinable
  public func immediateSend<T: MPIScalar>(
    _ buffer: UnsafeMutableBufferPointer<T>, to destination: Int, tag: Int = 0
  ) throws -> Request {
    try immediateSend(UnsafeBufferPointer(buffer), to: destination, tag: tag)
  }

  /// Starts receiving into `buffer` and returns at once. Do not touch the buffer until the
  /// returned request completes; its status then tells what arrived.
  /// The corresponding C function is `MPI_Irecv`.
  @inlinable
  public func immediateReceive<T: MPIScalar>(
    into buffer: UnsafeMutableBufferPointer<T>, from source: Int, tag: Int = 0
  ) throws -> Request {
    let handle = try CMPI.immediateReceive(
      buffer.baseAddress, try cInt(buffer.count, .count, in: "MPI_Irecv"),
      T.mpiDatatype.rawValue, from: try cInt(source, .rank, in: "MPI_Irecv"),
      tag: try cInt(tag, .tag, in: "MPI_Irecv"), self.handle)
    return Request(handle: handle, datatype: T.mpiDatatype)
  }

  /// Blocks until a message from `source` with `tag` can be received, without receiving it.
  /// The status's `count` is in bytes; use ``Status/count(of:)`` for elements.
  /// The corresponding C function is `MPI_Probe`.
  public func probe(from source: Int = Communicator.anySource, tag: Int = Communicator.anyTag)
    throws -> Status
  {
    try CMPI.probe(
      from: try cInt(source, .rank, in: "MPI_Probe"), tag: try cInt(tag, .tag, in: "MPI_Probe"),
      handle)
  }

  /// Checks without blocking whether a message from `source` with `tag` is waiting: its status
  /// (count in bytes), or `nil`. The corresponding C function is `MPI_Iprobe`.
  public func immediateProbe(
    from source: Int = Communicator.anySource, tag: Int = Communicator.anyTag
  ) throws -> Status? {
    try CMPI.immediateProbe(
      from: try cInt(source, .rank, in: "MPI_Iprobe"), tag: try cInt(tag, .tag, in: "MPI_Iprobe"),
      handle)
  }
}
