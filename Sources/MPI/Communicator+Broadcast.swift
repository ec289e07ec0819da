// Broadcast: the root's data to every process.

extension Communicator {
  /// Copies the root's `buffer` into `buffer` on every other process (collective).
  ///
  /// - Parameters:
  ///   - buffer: input at the root, output elsewhere; its count must be the same on every
  ///     process (global input).
  ///   - root: global input; the rank whose data is sent.
  /// The corresponding C function is `MPI_Bcast`.
  @inlinable
  public func broadcast<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
    try CMPI.broadcast(
      buffer.baseAddress, try cInt(buffer.count, .count, in: "MPI_Bcast"),
      T.mpiDatatype.rawValue, root: try cInt(root, .rank, in: "MPI_Bcast"), handle)
  }

  /// Copies the root's array elements into `array` on every process; `array.count` must be the
  /// same everywhere (global input). The corresponding C function is `MPI_Bcast`.
  @inlinable
  public func broadcast<T: MPIScalar>(_ array: inout [T], root: Int) throws {
    try array.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
  }

  /// Returns the root's `value` on every process (the argument is ignored elsewhere).
  /// The corresponding C function is `MPI_Bcast`.
  @inlinable
  public func broadcast<T: MPIScalar>(_ value: T, root: Int) throws -> T {
    var result = value
    try withUnsafeMutablePointer(to: &result) {
      try broadcast(UnsafeMutableBufferPointer(start: $0, count: 1), root: root)
    }
    return result
  }

  /// Returns the root's `array`, whatever its length, on every process (the argument is ignored elsewhere):
  /// the way rank 0 shares what only it read, such as a model file. Collective.
  /// The corresponding C function is `MPI_Bcast` (the length, then the elements).
  public func broadcastArray<T: MPIScalar>(_ array: [T], root: Int) throws -> [T] {
    let count = try broadcast(array.count, root: root)
    guard rank != root else {
      if count > 0 {
        try array.withUnsafeBufferPointer { try broadcast(UnsafeMutableBufferPointer(mutating: $0), root: root) }
      }
      return array
    }
    return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 { try broadcast(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]), root: root) }
      initialized = count
    }
  }
}
