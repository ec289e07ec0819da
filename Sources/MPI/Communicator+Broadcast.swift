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
}
