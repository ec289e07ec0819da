import MPI

/// Broadcast from the first and the last rank, in all four forms (the array of the root's length too).
enum BroadcastChecks {
  static func run<T: SelfTestScalar>(_ report: Report, _ type: T.Type) {
    let world = report.world
    let count = 7
    for root in Set([0, world.size - 1]).sorted() {
      report.check("broadcast \(T.typeName) root \(root)") {
        let expected = (0..<count).map { T.pattern(rank: root, index: $0) }
        var buffer = world.rank == root ? expected : [T](repeating: T(small: 0), count: count)
        try buffer.withUnsafeMutableBufferPointer { try world.broadcast($0, root: root) }
        var array = world.rank == root ? expected : [T](repeating: T(small: 0), count: count)
        try world.broadcast(&array, root: root)
        let scalar = try world.broadcast(
          world.rank == root ? expected[3] : T(small: 0), root: root)
        // The others give arrays of other lengths, the empty one among them: only the root's counts.
        let sized = try world.broadcastArray(
          world.rank == root ? expected : Array(expected.prefix(world.rank)), root: root)
        let empty = try world.broadcastArray(world.rank == root ? [] : expected, root: root)
        return firstFailure(
          compare(buffer, expected, "buffer"), compare(array, expected, "array"),
          compare([scalar], [expected[3]], "scalar"), compare(sized, expected, "array of the root's length"),
          compare(empty, [], "empty array"))
      }
    }
  }
}
