import MPI

/// `scatter` and `scatterv` from rank 0, buffer and array forms.
enum ScatterChecks {
  static func run<T: SelfTestScalar>(_ report: Report, _ type: T.Type) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)
    let root = 0
    let count = 3

    report.check("scatter \(T.typeName)") {
      let all = (0..<size).flatMap { r in (0..<count).map { T.pattern(rank: r, index: $0) } }
      let expected = (0..<count).map { T.pattern(rank: rank, index: $0) }
      var buffer = [T](repeating: T(small: 0), count: count)
      try buffer.withUnsafeMutableBufferPointer { receive in
        if rank == root {
          try all.withUnsafeBufferPointer { try world.scatter($0, into: receive, root: root) }
        } else {
          try world.scatter(nil, into: receive, root: root)
        }
      }
      let array = try world.scatter(rank == root ? all : [], count: count, root: root)
      return firstFailure(
        compare(buffer, expected, "buffer form"), compare(array, expected, "array form"))
    }

    // Rank r receives r + 1 elements.
    report.check("scatterv \(T.typeName)") {
      let counts = (0..<size).map { $0 + 1 }
      let displacements = counts.indices.map { counts[..<$0].reduce(0, +) }
      let all = (0..<size).flatMap { r in (0...r).map { T.pattern(rank: r, index: $0) } }
      let expected = (0...rank).map { T.pattern(rank: rank, index: $0) }
      var buffer = [T](repeating: T(small: 0), count: rank + 1)
      try buffer.withUnsafeMutableBufferPointer { receive in
        if rank == root {
          try all.withUnsafeBufferPointer {
            try world.scatterv(
              $0, counts: counts, displacements: displacements, into: receive, root: root)
          }
        } else {
          try world.scatterv(nil, counts: [], displacements: [], into: receive, root: root)
        }
      }
      let array = try world.scatterv(rank == root ? all : [], counts: counts, root: root)
      return firstFailure(
        compare(buffer, expected, "buffer form"), compare(array, expected, "array form"))
    }
  }
}
