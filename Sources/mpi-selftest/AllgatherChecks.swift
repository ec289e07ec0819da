import MPI

/// `allgather` and `allgatherv` in buffer, in-place and array forms.
enum AllgatherChecks {
  static func run<T: SelfTestScalar>(_ report: Report, _ type: T.Type) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)
    let count = 2
    let mine = (0..<count).map { T.pattern(rank: rank, index: $0) }
    let expected = (0..<size).flatMap { r in (0..<count).map { T.pattern(rank: r, index: $0) } }

    report.check("allgather \(T.typeName)") {
      var buffer = [T](repeating: T(small: 0), count: size * count)
      try mine.withUnsafeBufferPointer { send in
        try buffer.withUnsafeMutableBufferPointer { try world.allgather(send, into: $0) }
      }
      var inPlace = [T](repeating: T(small: 0), count: size * count)
      for index in 0..<count { inPlace[rank * count + index] = mine[index] }
      try inPlace.withUnsafeMutableBufferPointer { try world.allgather(inPlace: $0) }
      let array = try world.allgather(mine)
      let scalars = try world.allgather(mine[1])
      return firstFailure(
        compare(buffer, expected, "buffer form"), compare(inPlace, expected, "in-place form"),
        compare(array, expected, "array form"),
        compare(scalars, (0..<size).map { T.pattern(rank: $0, index: 1) }, "scalar form"))
    }

    // Rank r contributes (r % 3) elements, so some blocks are empty.
    report.check("allgatherv \(T.typeName)") {
      let counts = (0..<size).map { $0 % 3 }
      let displacements = counts.indices.map { counts[..<$0].reduce(0, +) }
      let total = counts.reduce(0, +)
      let ragged = (0..<counts[rank]).map { T.pattern(rank: rank, index: $0) }
      let expectedAll = (0..<size).flatMap { r in
        (0..<counts[r]).map { T.pattern(rank: r, index: $0) }
      }
      var buffer = [T](repeating: T(small: 0), count: total)
      try ragged.withUnsafeBufferPointer { send in
        try buffer.withUnsafeMutableBufferPointer {
          try world.allgatherv(send, into: $0, counts: counts, displacements: displacements)
        }
      }
      var inPlace = [T](repeating: T(small: 0), count: total)
      for index in 0..<counts[rank] { inPlace[displacements[rank] + index] = ragged[index] }
      try inPlace.withUnsafeMutableBufferPointer {
        try world.allgatherv(inPlace: $0, counts: counts, displacements: displacements)
      }
      let array = try world.allgatherv(ragged)
      return firstFailure(
        compare(buffer, expectedAll, "buffer form"), compare(inPlace, expectedAll, "in-place form"),
        compare(array, expectedAll, "array form"))
    }
  }
}
