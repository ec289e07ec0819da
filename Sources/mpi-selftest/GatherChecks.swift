import MPI

/// `gather` and `gatherv` to the last rank, buffer and array forms.
enum GatherChecks {
  static func run<T: SelfTestScalar>(_ report: Report, _ type: T.Type) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)
    let root = size - 1
    let count = 3
    let mine = (0..<count).map { T.pattern(rank: rank, index: $0) }
    let expected = (0..<size).flatMap { r in (0..<count).map { T.pattern(rank: r, index: $0) } }

    report.check("gather \(T.typeName)") {
      var buffer = [T](repeating: T(small: 0), count: rank == root ? size * count : 0)
      try mine.withUnsafeBufferPointer { send in
        try buffer.withUnsafeMutableBufferPointer {
          try world.gather(send, into: rank == root ? $0 : nil, root: root)
        }
      }
      let array = try world.gather(mine, root: root)
      let scalars = try world.gather(mine[0], root: root)
      guard rank == root else {
        return array == nil && scalars == nil ? nil : "a result arrived off the root"
      }
      return firstFailure(
        compare(buffer, expected, "buffer form"), compare(array ?? [], expected, "array form"),
        compare(scalars ?? [], (0..<size).map { T.pattern(rank: $0, index: 0) }, "scalar form"))
    }

    // Rank r sends r + 1 elements; the root lays the blocks out in reverse rank order.
    report.check("gatherv \(T.typeName)") {
      let ragged = (0...rank).map { T.pattern(rank: rank, index: $0) }
      let counts = (0..<size).map { $0 + 1 }
      var displacements = [Int](repeating: 0, count: size)
      var offset = 0
      for r in (0..<size).reversed() {
        displacements[r] = offset
        offset += counts[r]
      }
      var buffer = [T](repeating: T(small: 0), count: rank == root ? offset : 0)
      try ragged.withUnsafeBufferPointer { send in
        try buffer.withUnsafeMutableBufferPointer {
          try world.gatherv(
            send, into: rank == root ? $0 : nil, counts: counts, displacements: displacements,
            root: root)
        }
      }
      let array = try world.gatherv(ragged, root: root)
      guard rank == root else { return array == nil ? nil : "a result arrived off the root" }
      let expectedReversed = (0..<size).reversed().flatMap { r in
        (0...r).map { T.pattern(rank: r, index: $0) }
      }
      let expectedPacked = (0..<size).flatMap { r in (0...r).map { T.pattern(rank: r, index: $0) } }
      return firstFailure(
        compare(buffer, expectedReversed, "buffer form"),
        compare(array ?? [], expectedPacked, "array form"))
    }
  }
}
