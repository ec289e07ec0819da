extension Communicator {
  /// Every rank's `string` (UTF-8, any length), in rank order, on every rank. Collective.
  /// The corresponding C functions are `MPI_Allgather` (the lengths) and `MPI_Allgatherv`.
  public func allgather(_ string: String) throws -> [String] {
    let bytes = Array(string.utf8)
    let counts = try allgather(bytes.count)
    var all = [UInt8](repeating: 0, count: counts.reduce(0, +))
    try bytes.withUnsafeBufferPointer { send in
      try all.withUnsafeMutableBufferPointer { receive in
        try allgatherv(send, into: receive, counts: counts, displacements: packedDisplacements(counts))
      }
    }
    return Self.split(all, counts: counts)
  }

  /// `root`'s `string` on every rank (the others' argument is ignored). Collective.
  /// The corresponding C function is `MPI_Bcast` (the length, then the bytes).
  public func broadcast(_ string: String, root: Int) throws -> String {
    String(decoding: try broadcastArray(Array(string.utf8), root: root), as: UTF8.self)
  }

  /// Every rank's `string`, in rank order, on `root` (nil elsewhere). Collective.
  /// The corresponding C functions are `MPI_Gather` (the lengths) and `MPI_Gatherv`.
  public func gather(_ string: String, root: Int) throws -> [String]? {
    let bytes = Array(string.utf8)
    let counts = try gather(bytes.count, root: root)
    var all = [UInt8](repeating: 0, count: counts?.reduce(0, +) ?? 0)
    try bytes.withUnsafeBufferPointer { send in
      try all.withUnsafeMutableBufferPointer { receive in
        try gatherv(
          send, into: counts == nil ? nil : receive, counts: counts ?? [],
          displacements: counts.map(packedDisplacements) ?? [], root: root)
      }
    }
    return counts.map { Self.split(all, counts: $0) }
  }

  private static func split(_ bytes: [UInt8], counts: [Int]) -> [String] {
    var strings: [String] = []
    var offset = 0
    for count in counts {
      strings.append(String(decoding: bytes[offset..<(offset + count)], as: UTF8.self))
      offset += count
    }
    return strings
  }
}
