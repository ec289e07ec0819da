/// What a completed receive (or a probe) learned about its message.
///
/// The corresponding C type is `MPI_Status`, read through `MPI_Get_count`.
public struct Status: Sendable, Equatable {
  /// The rank the message came from, in the communicator of the call (useful with
  /// ``Communicator/anySource``). The corresponding C field is `MPI_SOURCE`.
  public let source: Int
  /// The message's tag (useful with ``Communicator/anyTag``). The corresponding C field is `MPI_TAG`.
  public let tag: Int
  /// The number of elements received, in the element type of the receiving call. For
  /// ``Communicator/probe(from:tag:)`` and ``Communicator/immediateProbe(from:tag:)``, which
  /// know no element type, it is the number of bytes (see ``count(of:)``). For a completed
  /// send request it is 0. The corresponding C function is `MPI_Get_count`.
  public let count: Int
  /// The size of the message in bytes.
  public let byteCount: Int

  /// A status with the given fields.
  public init(source: Int, tag: Int, count: Int, byteCount: Int) {
    self.source = source
    self.tag = tag
    self.count = count
    self.byteCount = byteCount
  }

  /// The number of elements of `type` in the message, or `nil` when its bytes are not a whole
  /// number of them. Use it after a probe to size the receive buffer.
  /// The corresponding C function is `MPI_Get_count`.
  public func count<T: MPIScalar>(of type: T.Type) -> Int? {
    let size = CMPI.typeSize(T.mpiDatatype.rawValue)
    guard size > 0 else { return byteCount == 0 ? 0 : nil }
    return byteCount % size == 0 ? byteCount / size : nil
  }
}
