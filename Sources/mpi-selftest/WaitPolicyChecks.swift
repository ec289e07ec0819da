import MPI

/// Both wait policies give identical results: each blocking operation runs once with `.busy`
/// and once with `.yielding`, and the outputs must match element for element.
///
/// Every rank switches the policy at the same point, between calls, as
/// ``MPIEnvironment/waitPolicy`` requires; the policy in force before is restored after each
/// check. The typed checks have already shown the results right under the active policy.
enum WaitPolicyChecks {
  static func run(_ report: Report) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)
    let right = (rank + 1) % size
    let left = (rank + size - 1) % size
    let root = size - 1
    let count = 3
    let mine = (0..<count).map { Double(rank * 100 + $0) + 0.5 }
    // Rank r owns r % 3 + 1 elements in the "v" operations.
    let counts = (0..<size).map { $0 % 3 + 1 }
    let ragged = (0..<counts[rank]).map { Double(rank * 100 + $0) }
    let total = counts.reduce(0, +)
    let offsets = counts.indices.map { counts[..<$0].reduce(0, +) }
    let everything = (0..<total).map { Double($0) * 1.25 }

    agree(report, "barrier") {
      try world.barrier()
      return []
    }
    agree(report, "broadcast") {
      var buffer = rank == root ? mine : [Double](repeating: 0, count: count)
      try world.broadcast(&buffer, root: root)
      return buffer
    }
    agree(report, "reduce") {
      var result = [Double](repeating: 0, count: count)
      try mine.withUnsafeBufferPointer { send in
        try result.withUnsafeMutableBufferPointer {
          try world.reduce(send, into: rank == root ? $0 : nil, operation: .sum, root: root)
        }
      }
      return result
    }
    agree(report, "reduce in place") {
      var buffer = mine
      try buffer.withUnsafeMutableBufferPointer {
        try world.reduce(inPlace: $0, operation: .max, root: 0)
      }
      return buffer
    }
    agree(report, "allreduce") {
      var result = [Double](repeating: 0, count: count)
      try mine.withUnsafeBufferPointer { send in
        try result.withUnsafeMutableBufferPointer {
          try world.allreduce(send, into: $0, operation: .sum)
        }
      }
      return result
    }
    agree(report, "allreduce in place") {
      var buffer = mine
      try world.allreduce(&buffer, operation: .min)
      return buffer
    }
    agree(report, "gather") { try world.gather(mine, root: root) ?? [] }
    agree(report, "gatherv") { try world.gatherv(ragged, root: 0) ?? [] }
    agree(report, "allgather") { try world.allgather(mine) }
    agree(report, "allgather in place") {
      var buffer = [Double](repeating: 0, count: size * count)
      buffer.replaceSubrange(rank * count..<(rank + 1) * count, with: mine)
      try buffer.withUnsafeMutableBufferPointer { try world.allgather(inPlace: $0) }
      return buffer
    }
    agree(report, "allgatherv") { try world.allgatherv(ragged) }
    agree(report, "allgatherv in place") {
      var buffer = [Double](repeating: 0, count: total)
      buffer.replaceSubrange(offsets[rank]..<offsets[rank] + counts[rank], with: ragged)
      try buffer.withUnsafeMutableBufferPointer {
        try world.allgatherv(inPlace: $0, counts: counts, displacements: offsets)
      }
      return buffer
    }
    agree(report, "scatter") {
      try world.scatter(rank == root ? everything : [], count: 1, root: root)
    }
    agree(report, "scatterv") {
      try world.scatterv(rank == 0 ? everything : [], counts: counts, root: 0)
    }

    // A token ring: rank 0 sends first, every other rank receives first, so blocking calls
    // cannot deadlock. A single rank posts its receive before sending to itself.
    agree(report, "send and receive") {
      var received = [Double](repeating: 0, count: count)
      var status: Status
      if size == 1 {
        status = try received.withUnsafeMutableBufferPointer {
          let request = try world.immediateReceive(into: $0, from: rank, tag: 40)
          try world.send(mine, to: rank, tag: 40)
          return try request.wait()
        }
      } else if rank == 0 {
        try world.send(mine, to: right, tag: 40)
        status = try world.receive(into: &received, from: left, tag: 40)
      } else {
        status = try world.receive(into: &received, from: left, tag: 40)
        try world.send(mine, to: right, tag: 40)
      }
      return received + [Double(status.source), Double(status.tag), Double(status.count)]
    }
    agree(report, "sendReceive") {
      var received = [Double](repeating: 0, count: count + 1)
      let status = try mine.withUnsafeBufferPointer { send in
        try received.withUnsafeMutableBufferPointer {
          try world.sendReceive(send, to: right, sendTag: 41, into: $0, from: left, receiveTag: 41)
        }
      }
      return received + [Double(status.source), Double(status.tag), Double(status.count)]
    }
    agree(report, "sendReceiveReplace") {
      var buffer = mine
      let status = try buffer.withUnsafeMutableBufferPointer {
        try world.sendReceiveReplace($0, to: right, sendTag: 42, from: left, receiveTag: 42)
      }
      return buffer + [Double(status.source), Double(status.tag), Double(status.count)]
    }
    agree(report, "probe") {
      try ragged.withUnsafeBufferPointer {
        let request = try world.immediateSend($0, to: right, tag: 43)
        defer { _ = try? request.wait() }
        let status = try world.probe(from: left, tag: 43)
        var received = [Double](repeating: 0, count: status.count(of: Double.self) ?? 0)
        try world.receive(into: &received, from: left, tag: 43)
        return received + [Double(status.source), Double(status.byteCount)]
      }
    }
    agree(report, "wait and waitAll") {
      var first = [Double](repeating: 0, count: count)
      var second = [Double](repeating: 0, count: count)
      try first.withUnsafeMutableBufferPointer { firstBuffer in
        try second.withUnsafeMutableBufferPointer { secondBuffer in
          try mine.withUnsafeBufferPointer { send in
            let receiveFirst = try world.immediateReceive(into: firstBuffer, from: left, tag: 44)
            let receiveSecond = try world.immediateReceive(
              into: secondBuffer, from: right, tag: 45)
            let sendRight = try world.immediateSend(send, to: right, tag: 44)
            let sendLeft = try world.immediateSend(send, to: left, tag: 45)
            try receiveFirst.wait()
            try Request.waitAll([sendRight, receiveSecond, sendLeft])
          }
        }
      }
      return first + second
    }
  }

  /// Runs `body` under each policy in turn on every rank and reports whether the results match.
  private static func agree(_ report: Report, _ name: String, _ body: () throws -> [Double]) {
    report.check("wait policies agree: \(name)") {
      let original = MPIEnvironment.waitPolicy
      defer { MPIEnvironment.waitPolicy = original }
      MPIEnvironment.waitPolicy = .busy
      let busy = try body()
      MPIEnvironment.waitPolicy = .yielding
      let yielding = try body()
      return compare(yielding, busy, "yielding result (busy gave \(busy))")
    }
  }
}
