// Counts and displacements of the "v" collectives (gatherv, allgatherv, scatterv): converted
// to C ints on the stack, never on the heap, and checked against the buffer they describe.

/// Calls `body` with `counts` and `displacements` as C int arrays, after checking that there is
/// one of each per process and that every block lies inside a buffer of `capacity` elements.
@inlinable
internal func withBlockLayout<R>(
  counts: [Int], displacements: [Int], processes: Int, capacity: Int,
  in function: StaticString,
  _ body: (UnsafePointer<Int32>, UnsafePointer<Int32>) throws -> R
) throws -> R {
  guard counts.count == processes, displacements.count == processes else {
    throw MPIError.invalidArgument(
      function,
      "needs one count and one displacement per process (\(processes)); got "
        + "\(counts.count) counts and \(displacements.count) displacements")
  }
  return try withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * processes) { storage in
    for index in 0..<processes {
      let count = counts[index]
      let displacement = displacements[index]
      guard count >= 0, displacement >= 0 else {
        throw MPIError.invalidArgument(
          function,
          "block \(index) has count \(count) and displacement \(displacement); both must be ≥ 0")
      }
      try checkCapacity(capacity, needed: displacement + count, "buffer", in: function)
      storage.initializeElement(at: index, to: try cInt(count, .count, in: function))
      storage.initializeElement(
        at: processes + index, to: try cInt(displacement, .displacement, in: function))
    }
    let base = UnsafePointer(storage.baseAddress!)
    return try body(base, base + processes)
  }
}

/// The displacements of blocks laid end to end: 0, c0, c0 + c1, ...
@inlinable
internal func packedDisplacements(_ counts: [Int]) -> [Int] {
  var displacements = [Int](repeating: 0, count: counts.count)
  var offset = 0
  for (index, count) in counts.enumerated() {
    displacements[index] = offset
    offset += count
  }
  return displacements
}
