import MPI

/// Every reduction the type supports, through every form of `reduce` and `allreduce`.
enum ReductionChecks {
  static func run<T: SelfTestScalar>(_ report: Report, _ type: T.Type) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)
    let count = 6
    let root = size - 1
    for operation in T.operations {
      let mine = (0..<count).map {
        T.contribution(rank: rank, index: $0, size: size, operation: operation)
      }
      let expected = (0..<count).map { T.expected(index: $0, size: size, operation: operation) }

      report.check("allreduce \(T.typeName) \(operation.checkName)") {
        var separate = [T](repeating: T(small: 0), count: count)
        try mine.withUnsafeBufferPointer { send in
          try separate.withUnsafeMutableBufferPointer {
            try world.allreduce(send, into: $0, operation: operation)
          }
        }
        var inPlace = mine
        try inPlace.withUnsafeMutableBufferPointer {
          try world.allreduce(inPlace: $0, operation: operation)
        }
        var array = mine
        try world.allreduce(&array, operation: operation)
        let scalar = try world.allreduce(mine[1], operation: operation)
        return firstFailure(
          compare(separate, expected, "buffer form"), compare(inPlace, expected, "in-place form"),
          compare(array, expected, "array form"), compare([scalar], [expected[1]], "scalar form"))
      }

      report.check("reduce \(T.typeName) \(operation.checkName)") {
        var separate = [T](repeating: T(small: 0), count: count)
        try mine.withUnsafeBufferPointer { send in
          try separate.withUnsafeMutableBufferPointer {
            try world.reduce(send, into: $0, operation: operation, root: root)
          }
        }
        var inPlace = mine
        try inPlace.withUnsafeMutableBufferPointer {
          try world.reduce(inPlace: $0, operation: operation, root: 0)
        }
        let array = try world.reduce(mine, operation: operation, root: root)
        let scalar = try world.reduce(mine[2], operation: operation, root: root)
        return firstFailure(
          rank == root ? compare(separate, expected, "buffer form") : nil,
          compare(inPlace, rank == 0 ? expected : mine, "in-place form"),
          rank == root
            ? compare(array ?? [], expected, "array form")
            : (array == nil ? nil : "array form returned a result off the root"),
          rank == root
            ? compare([scalar ?? T(small: 0)], [expected[2]], "scalar form")
            : (scalar == nil ? nil : "scalar form returned a result off the root"))
      }
    }
  }
}
