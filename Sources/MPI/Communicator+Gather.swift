// Gather: every process's block to the root, in rank order.

extension Communicator {
  /// Collects `send` from every process into `receive` at the root, block `r` from rank `r`
  /// at offset `r * send.count` (collective).
  ///
  /// - Parameters:
  ///   - send: local input; the same count on every process.
  ///   - receive: output at the root, at least `size * send.count` elements; ignored (may be
  ///     `nil`) elsewhere.
  ///   - root: global input.
  /// The corresponding C function is `MPI_Gather`.
  @inlinable
  public func gather<T: MPIScalar>(
    _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>?, root: Int
  ) throws {
    let count = try cInt(send.count, .count, in: "MPI_Gather")
    var receiveBase: UnsafeMutablePointer<T>? = nil
    if rank == root {
      guard let receive else {
        throw MPIError.invalidArgument("MPI_Gather", "the root needs a receive buffer")
      }
      try checkCapacity(
        receive.count, needed: size * send.count, "receive buffer", in: "MPI_Gather")
      receiveBase = receive.baseAddress
    }
    try CMPI.gather(
      send.baseAddress, count, into: receiveBase, count, T.mpiDatatype.rawValue,
      root: try cInt(root, .rank, in: "MPI_Gather"), handle)
  }

  /// Returns every process's `array`, concatenated in rank order, at the root and `nil`
  /// elsewhere; `array.count` must be the same on every process.
  /// The corresponding C function is `MPI_Gather`.
  @inlinable
  public func gather<T: MPIScalar>(_ array: [T], root: Int) throws -> [T]? {
    guard rank == root else {
      try array.withUnsafeBufferPointer { try gather($0, into: nil, root: root) }
      return nil
    }
    let total = size * array.count
    return try [T](unsafeUninitializedCapacity: total) { result, initialized in
      try array.withUnsafeBufferPointer { try gather($0, into: result, root: root) }
      initialized = total
    }
  }

  /// Returns every process's `value` in rank order at the root and `nil` elsewhere.
  /// The corresponding C function is `MPI_Gather`.
  @inlinable
  public func gather<T: MPIScalar>(_ value: T, root: Int) throws -> [T]? {
    try gather([value], root: root)
  }

  /// Collects blocks of different lengths at the root (collective): rank `r`'s `send` lands
  /// at `receive[displacements[r]...]` and must have `counts[r]` elements.
  ///
  /// - Parameters:
  ///   - send: local input.
  ///   - receive: output at the root; ignored (may be `nil`) elsewhere.
  ///   - counts: significant at the root only; one per process.
  ///   - displacements: significant at the root only; element offsets into `receive`.
  ///   - root: global input.
  /// The corresponding C function is `MPI_Gatherv`.
  @inlinable
  public func gatherv<T: MPIScalar>(
    _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>?,
    counts: [Int], displacements: [Int], root: Int
  ) throws {
    let sendCount = try cInt(send.count, .count, in: "MPI_Gatherv")
    let cRoot = try cInt(root, .rank, in: "MPI_Gatherv")
    guard rank == root else {
      try CMPI.gatherv(
        send.baseAddress, sendCount, into: nil, counts: nil, displacements: nil,
        T.mpiDatatype.rawValue, root: cRoot, handle)
      return
    }
    guard let receive else {
      throw MPIError.invalidArgument("MPI_Gatherv", "the root needs a receive buffer")
    }
    try withBlockLayout(
      counts: counts, displacements: displacements, processes: size, capacity: receive.count,
      in: "MPI_Gatherv"
    ) { cCounts, cDisplacements in
      try CMPI.gatherv(
        send.baseAddress, sendCount, into: receive.baseAddress, counts: cCounts,
        displacements: cDisplacements, T.mpiDatatype.rawValue, root: cRoot, handle)
    }
  }

  /// Returns every process's `array` (of any length) concatenated in rank order at the root,
  /// `nil` elsewhere. It gathers the lengths first, so it makes two collective calls.
  /// The corresponding C functions are `MPI_Gather` and `MPI_Gatherv`.
  @inlinable
  public func gatherv<T: MPIScalar>(_ array: [T], root: Int) throws -> [T]? {
    let counts = try gather(array.count, root: root)
    guard let counts else {
      try array.withUnsafeBufferPointer {
        try gatherv($0, into: nil, counts: [], displacements: [], root: root)
      }
      return nil
    }
    let total = counts.reduce(0, +)
    return try [T](unsafeUninitializedCapacity: total) { result, initialized in
      try array.withUnsafeBufferPointer {
        try gatherv(
          $0, into: result, counts: counts, displacements: packedDisplacements(counts),
          root: root)
      }
      initialized = total
    }
  }
}
