// Allgather: every process's block to every process, in rank order.

extension Communicator {
  /// Collects `send` from every process into `receive` on every process, block `r` at offset
  /// `r * send.count` (collective).
  ///
  /// - Parameters:
  ///   - send: local input; the same count on every process.
  ///   - receive: local output; at least `size * send.count` elements.
  /// The corresponding C function is `MPI_Allgather`.
  @inlinable
  public func allgather<T: MPIScalar>(
    _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>
  ) throws {
    try checkCapacity(
      receive.count, needed: size * send.count, "receive buffer", in: "MPI_Allgather")
    let count = try cInt(send.count, .count, in: "MPI_Allgather")
    try CMPI.allgather(
      send.baseAddress, inPlace: false, count, into: receive.baseAddress, count,
      T.mpiDatatype.rawValue, handle)
  }

  /// Fills `buffer` with every process's block, in place (collective): `buffer` is split into
  /// `size` equal blocks and each process contributes the block at its own rank.
  /// The corresponding C call is `MPI_Allgather` with `MPI_IN_PLACE`.
  @inlinable
  public func allgather<T: MPIScalar>(inPlace buffer: UnsafeMutableBufferPointer<T>) throws {
    let processes = size
    guard buffer.count % processes == 0 else {
      throw MPIError.invalidArgument(
        "MPI_Allgather",
        "an in-place buffer of \(buffer.count) elements cannot be split into \(processes) blocks")
    }
    try CMPI.allgather(
      nil, inPlace: true, 0, into: buffer.baseAddress,
      try cInt(buffer.count / processes, .count, in: "MPI_Allgather"), T.mpiDatatype.rawValue,
      handle)
  }

  /// Returns every process's `array` concatenated in rank order, on every process;
  /// `array.count` must be the same on every process. The corresponding C function is `MPI_Allgather`.
  @inlinable
  public func allgather<T: MPIScalar>(_ array: [T]) throws -> [T] {
    let total = size * array.count
    return try [T](unsafeUninitializedCapacity: total) { result, initialized in
      try array.withUnsafeBufferPointer { try allgather($0, into: result) }
      initialized = total
    }
  }

  /// Returns every process's `value` in rank order, on every process.
  /// The corresponding C function is `MPI_Allgather`.
  @inlinable
  public func allgather<T: MPIScalar>(_ value: T) throws -> [T] {
    try allgather([value])
  }

  /// Collects blocks of different lengths on every process (collective): rank `r`'s `send`
  /// lands at `receive[displacements[r]...]` and must have `counts[r]` elements.
  ///
  /// - Parameters:
  ///   - send: local input.
  ///   - receive: local output.
  ///   - counts: global input; one per process.
  ///   - displacements: global input; element offsets into `receive`.
  /// The corresponding C function is `MPI_Allgatherv`.
  @inlinable
  public func allgatherv<T: MPIScalar>(
    _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>,
    counts: [Int], displacements: [Int]
  ) throws {
    let sendCount = try cInt(send.count, .count, in: "MPI_Allgatherv")
    try withBlockLayout(
      counts: counts, displacements: displacements, processes: size, capacity: receive.count,
      in: "MPI_Allgatherv"
    ) { cCounts, cDisplacements in
      try CMPI.allgatherv(
        send.baseAddress, inPlace: false, sendCount, into: receive.baseAddress, counts: cCounts,
        displacements: cDisplacements, T.mpiDatatype.rawValue, handle)
    }
  }

  /// Fills `buffer` with every process's block, in place (collective): block `r` is
  /// `buffer[displacements[r] ..< displacements[r] + counts[r]]` and rank `r` contributes it.
  /// `counts` and `displacements` are global input.
  /// The corresponding C call is `MPI_Allgatherv` with `MPI_IN_PLACE`.
  @inlinable
  public func allgatherv<T: MPIScalar>(
    inPlace buffer: UnsafeMutableBufferPointer<T>, counts: [Int], displacements: [Int]
  ) throws {
    try withBlockLayout(
      counts: counts, displacements: displacements, processes: size, capacity: buffer.count,
      in: "MPI_Allgatherv"
    ) { cCounts, cDisplacements in
      try CMPI.allgatherv(
        nil, inPlace: true, 0, into: buffer.baseAddress, counts: cCounts,
        displacements: cDisplacements, T.mpiDatatype.rawValue, handle)
    }
  }

  /// Returns every process's `array` (of any length) concatenated in rank order, on every
  /// process. It gathers the lengths first, so it makes two collective calls.
  /// The corresponding C functions are `MPI_Allgather` and `MPI_Allgatherv`.
  @inlinable
  public func allgatherv<T: MPIScalar>(_ array: [T]) throws -> [T] {
    let counts = try allgather(array.count)
    let total = counts.reduce(0, +)
    return try [T](unsafeUninitializedCapacity: total) { result, initialized in
      try array.withUnsafeBufferPointer {
        try allgatherv(
          $0, into: result, counts: counts, displacements: packedDisplacements(counts))
      }
      initialized = total
    }
  }
}
