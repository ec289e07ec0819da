// Scatter: the root's blocks, one to each process, in rank order.

extension Communicator {
  /// Sends block `r` of the root's `send` (offset `r * receive.count`) to rank `r`'s `receive`
  /// (collective).
  ///
  /// - Parameters:
  ///   - send: input at the root, at least `size * receive.count` elements; ignored (may be
  ///     `nil`) elsewhere.
  ///   - receive: local output; the same count on every process.
  ///   - root: global input.
  /// The corresponding C function is `MPI_Scatter`.
  @inlinable
  public func scatter<T: MPIScalar>(
    _ send: UnsafeBufferPointer<T>?, into receive: UnsafeMutableBufferPointer<T>, root: Int
  ) throws {
    let count = try cInt(receive.count, .count, in: "MPI_Scatter")
    var sendBase: UnsafePointer<T>? = nil
    if rank == root {
      guard let send else {
        throw MPIError.invalidArgument("MPI_Scatter", "the root needs a send buffer")
      }
      try checkCapacity(
        send.count, needed: size * receive.count, "send buffer", in: "MPI_Scatter")
      sendBase = send.baseAddress
    }
    try CMPI.scatter(
      sendBase, count, into: receive.baseAddress, count, T.mpiDatatype.rawValue,
      root: try cInt(root, .rank, in: "MPI_Scatter"), handle)
  }

  /// Returns this process's block of `count` elements from the root's `array`.
  ///
  /// - Parameters:
  ///   - array: significant at the root only; at least `size * count` elements.
  ///   - count: global input; the elements each process receives.
  ///   - root: global input.
  /// The corresponding C function is `MPI_Scatter`.
  @inlinable
  public func scatter<T: MPIScalar>(_ array: [T], count: Int, root: Int) throws -> [T] {
    guard count >= 0 else {
      throw MPIError.invalidArgument("MPI_Scatter", "the count \(count) must be ≥ 0")
    }
    return try [T](unsafeUninitializedCapacity: count) { result, initialized in
      try array.withUnsafeBufferPointer { try scatter($0, into: result, root: root) }
      initialized = count
    }
  }

  /// Sends blocks of different lengths from the root (collective): rank `r` receives
  /// `counts[r]` elements from `send[displacements[r]...]` into `receive`.
  ///
  /// - Parameters:
  ///   - send: input at the root; ignored (may be `nil`) elsewhere.
  ///   - counts: significant at the root only; one per process.
  ///   - displacements: significant at the root only; element offsets into `send`.
  ///   - receive: local output; at least this process's count.
  ///   - root: global input.
  /// The corresponding C function is `MPI_Scatterv`.
  @inlinable
  public func scatterv<T: MPIScalar>(
    _ send: UnsafeBufferPointer<T>?, counts: [Int], displacements: [Int],
    into receive: UnsafeMutableBufferPointer<T>, root: Int
  ) throws {
    let receiveCount = try cInt(receive.count, .count, in: "MPI_Scatterv")
    let cRoot = try cInt(root, .rank, in: "MPI_Scatterv")
    guard rank == root else {
      try CMPI.scatterv(
        nil, counts: nil, displacements: nil, into: receive.baseAddress, receiveCount,
        T.mpiDatatype.rawValue, root: cRoot, handle)
      return
    }
    guard let send else {
      throw MPIError.invalidArgument("MPI_Scatterv", "the root needs a send buffer")
    }
    try withBlockLayout(
      counts: counts, displacements: displacements, processes: size, capacity: send.count,
      in: "MPI_Scatterv"
    ) { cCounts, cDisplacements in
      try CMPI.scatterv(
        send.baseAddress, counts: cCounts, displacements: cDisplacements,
        into: receive.baseAddress, receiveCount, T.mpiDatatype.rawValue, root: cRoot, handle)
    }
  }

  /// Returns this process's block of the root's `array`, cut into consecutive blocks of
  /// `counts[r]` elements for rank `r`.
  ///
  /// - Parameters:
  ///   - array: significant at the root only.
  ///   - counts: global input; one per process.
  ///   - root: global input.
  /// The corresponding C function is `MPI_Scatterv`.
  @inlinable
  public func scatterv<T: MPIScalar>(_ array: [T], counts: [Int], root: Int) throws -> [T] {
    let processes = size
    guard counts.count == processes else {
      throw MPIError.invalidArgument(
        "MPI_Scatterv", "needs one count per process (\(processes)); got \(counts.count)")
    }
    let mine = counts[rank]
    guard mine >= 0 else {
      throw MPIError.invalidArgument("MPI_Scatterv", "the count \(mine) must be ≥ 0")
    }
    return try [T](unsafeUninitializedCapacity: mine) { result, initialized in
      try array.withUnsafeBufferPointer {
        try scatterv(
          $0, counts: counts, displacements: packedDisplacements(counts), into: result,
          root: root)
      }
      initialized = mine
    }
  }
}
