// Reductions: combine every process's elements, element by element, with one operation.

extension Communicator {
  /// Combines `send` from every process into `receive` at the root (collective).
  ///
  /// - Parameters:
  ///   - send: local input; its count must be the same on every process.
  ///   - receive: output at the root, which must hold at least `send.count` elements; ignored
  ///     (may be `nil`) elsewhere.
  ///   - operation: global input.
  ///   - root: global input.
  /// The corresponding C function is `MPI_Reduce`.
  @inlinable
  public func reduce<T: MPIScalar>(
    _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>?,
    operation: ReductionOperation, root: Int
  ) throws {
    let count = try cInt(send.count, .count, in: "MPI_Reduce")
    var receiveBase: UnsafeMutablePointer<T>? = nil
    if rank == root {
      guard let receive else {
        throw MPIError.invalidArgument("MPI_Reduce", "the root needs a receive buffer")
      }
      try checkCapacity(receive.count, needed: send.count, "receive buffer", in: "MPI_Reduce")
      receiveBase = receive.baseAddress
    }
    try CMPI.reduce(
      send.baseAddress, inPlace: false, into: receiveBase, count, T.mpiDatatype.rawValue,
      operation.handle, root: try cInt(root, .rank, in: "MPI_Reduce"), handle)
  }

  /// Combines `buffer` from every process into the root's `buffer` (collective); the root
  /// passes `MPI_IN_PLACE`, the others only send, and their buffers are unchanged.
  ///
  /// - Parameters:
  ///   - buffer: input everywhere, output at the root; same count on every process.
  ///   - operation: global input.
  ///   - root: global input.
  /// The corresponding C call is `MPI_Reduce` with `MPI_IN_PLACE` at the root.
  @inlinable
  public func reduce<T: MPIScalar>(
    inPlace buffer: UnsafeMutableBufferPointer<T>, operation: ReductionOperation, root: Int
  ) throws {
    let isRoot = rank == root
    try CMPI.reduce(
      UnsafeRawPointer(buffer.baseAddress), inPlace: isRoot,
      into: isRoot ? UnsafeMutableRawPointer(buffer.baseAddress) : nil,
      try cInt(buffer.count, .count, in: "MPI_Reduce"), T.mpiDatatype.rawValue,
      operation.handle, root: try cInt(root, .rank, in: "MPI_Reduce"), handle)
  }

  /// Returns the combination of every process's `array` at the root and `nil` elsewhere;
  /// `array.count` must be the same on every process. The corresponding C function is `MPI_Reduce`.
  @inlinable
  public func reduce<T: MPIScalar>(_ array: [T], operation: ReductionOperation, root: Int)
    throws -> [T]?
  {
    var result = array
    try result.withUnsafeMutableBufferPointer {
      try reduce(inPlace: $0, operation: operation, root: root)
    }
    return rank == root ? result : nil
  }

  /// Returns the combination of every process's `value` at the root and `nil` elsewhere.
  /// The corresponding C function is `MPI_Reduce`.
  @inlinable
  public func reduce<T: MPIScalar>(_ value: T, operation: ReductionOperation, root: Int)
    throws -> T?
  {
    var result = value
    try withUnsafeMutablePointer(to: &result) {
      try reduce(
        inPlace: UnsafeMutableBufferPointer(start: $0, count: 1), operation: operation,
        root: root)
    }
    return rank == root ? result : nil
  }

  /// Combines `send` from every process into `receive` on every process (collective).
  ///
  /// - Parameters:
  ///   - send: local input; same count on every process.
  ///   - receive: local output; at least `send.count` elements.
  ///   - operation: global input.
  /// The corresponding C function is `MPI_Allreduce`.
  @inlinable
  public func allreduce<T: MPIScalar>(
    _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>,
    operation: ReductionOperation
  ) throws {
    try checkCapacity(receive.count, needed: send.count, "receive buffer", in: "MPI_Allreduce")
    try CMPI.allreduce(
      send.baseAddress, inPlace: false, into: receive.baseAddress,
      try cInt(send.count, .count, in: "MPI_Allreduce"), T.mpiDatatype.rawValue,
      operation.handle, handle)
  }

  /// Replaces `buffer` on every process by the combination of all processes' buffers
  /// (collective); same count on every process.
  /// The corresponding C call is `MPI_Allreduce` with `MPI_IN_PLACE`.
  @inlinable
  public func allreduce<T: MPIScalar>(
    inPlace buffer: UnsafeMutableBufferPointer<T>, operation: ReductionOperation
  ) throws {
    try CMPI.allreduce(
      nil, inPlace: true, into: buffer.baseAddress,
      try cInt(buffer.count, .count, in: "MPI_Allreduce"), T.mpiDatatype.rawValue,
      operation.handle, handle)
  }

  /// Starts replacing `buffer` on every process by the combination of all processes' buffers and
  /// returns at once (collective; every process must start it in the same order among its other
  /// collectives, and a non-blocking collective never matches a blocking one). Keep the buffer
  /// alive and untouched until the request completes; testing the request lets MPI progress.
  /// The corresponding C call is `MPI_Iallreduce` with `MPI_IN_PLACE`.
  @inlinable
  public func immediateAllreduce<T: MPIScalar>(
    inPlace buffer: UnsafeMutableBufferPointer<T>, operation: ReductionOperation
  ) throws -> Request {
    let request = try CMPI.immediateAllreduceInPlace(
      buffer.baseAddress, try cInt(buffer.count, .count, in: "MPI_Iallreduce"), T.mpiDatatype.rawValue,
      operation.handle, handle)
    return Request(handle: request, datatype: T.mpiDatatype)
  }

  /// Replaces `array` on every process by the combination of all processes' arrays, in place;
  /// `array.count` must be the same on every process.
  /// The corresponding C call is `MPI_Allreduce` with `MPI_IN_PLACE`.
  @inlinable
  public func allreduce<T: MPIScalar>(_ array: inout [T], operation: ReductionOperation) throws {
    try array.withUnsafeMutableBufferPointer { try allreduce(inPlace: $0, operation: operation) }
  }

  /// Returns the combination of every process's `value`, on every process.
  /// The corresponding C function is `MPI_Allreduce`.
  @inlinable
  public func allreduce<T: MPIScalar>(_ value: T, operation: ReductionOperation) throws -> T {
    var result = value
    try withUnsafeMutablePointer(to: &result) {
      try allreduce(inPlace: UnsafeMutableBufferPointer(start: $0, count: 1), operation: operation)
    }
    return result
  }
}
