import MPI

/// Blocking and non-blocking point-to-point calls: pairs, rings, probes and wildcards.
enum PointToPointChecks {
  static func run<T: SelfTestScalar>(_ report: Report, _ type: T.Type) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)
    let right = (rank + 1) % size
    let left = (rank + size - 1) % size
    let count = 5
    let mine = (0..<count).map { T.pattern(rank: rank, index: $0) }
    let fromLeft = (0..<count).map { T.pattern(rank: left, index: $0) }
    let name = T.typeName

    // Pairs (0,1), (2,3), ...; with an odd size the last rank pairs with itself.
    report.check("send/receive \(name)") {
      let partner = rank ^ 1 < size ? rank ^ 1 : rank
      let expected = (0..<count).map { T.pattern(rank: partner, index: $0) }
      var received = [T](repeating: T(small: 0), count: count)
      var status: Status
      if partner == rank {
        // A request's buffer must stay valid until it completes: finish inside the closure.
        status = try mine.withUnsafeBufferPointer {
          let request = try world.immediateSend($0, to: rank, tag: 3)
          defer { _ = try? request.wait() }
          return try world.receive(into: &received, from: rank, tag: 3)
        }
      } else if rank % 2 == 0 {
        try mine.withUnsafeBufferPointer { try world.send($0, to: partner, tag: 3) }
        status = try received.withUnsafeMutableBufferPointer {
          try world.receive(into: $0, from: partner, tag: 3)
        }
      } else {
        status = try world.receive(into: &received, from: partner, tag: 3)
        try world.send(mine, to: partner, tag: 3)
      }
      return firstFailure(
        compare(received, expected),
        compare([status.source, status.tag, status.count], [partner, 3, count], "status"))
    }

    report.check("sendReceive \(name) ring") {
      var received = [T](repeating: T(small: 0), count: count)
      let status = try mine.withUnsafeBufferPointer { send in
        try received.withUnsafeMutableBufferPointer {
          try world.sendReceive(send, to: right, sendTag: 4, into: $0, from: left, receiveTag: 4)
        }
      }
      return firstFailure(
        compare(received, fromLeft),
        compare([status.source, status.count], [left, count], "status"))
    }

    report.check("sendReceiveReplace \(name) ring") {
      var buffer = mine
      try buffer.withUnsafeMutableBufferPointer {
        _ = try world.sendReceiveReplace($0, to: right, sendTag: 5, from: left, receiveTag: 5)
      }
      return compare(buffer, fromLeft)
    }

    report.check("immediateSend/immediateReceive \(name) ring") {
      var received = [T](repeating: T(small: 0), count: count)
      var storedStatus: Status?
      try received.withUnsafeMutableBufferPointer { receiveBuffer in
        try mine.withUnsafeBufferPointer { sendBuffer in
          let receive = try world.immediateReceive(into: receiveBuffer, from: left, tag: 6)
          let send = try world.immediateSend(sendBuffer, to: right, tag: 6)
          try Request.waitAll([receive, send])
          guard receive.isComplete, send.isComplete else { return }
          // A completed request is not waited again: this returns the stored status.
          storedStatus = try receive.wait()
        }
      }
      guard let storedStatus else { return "waitAll left a request incomplete" }
      return firstFailure(
        compare(received, fromLeft),
        compare(
          [storedStatus.source, storedStatus.tag, storedStatus.count], [left, 6, count], "status"))
    }

    // Each rank sends `rank + 1` elements right; the receiver sizes its buffer from the probe.
    report.check("probe \(name)") {
      let outgoing = (0...rank).map { T.pattern(rank: rank, index: $0) }
      var received: [T] = []
      try outgoing.withUnsafeBufferPointer {
        let request = try world.immediateSend($0, to: right, tag: 7)
        let status = try world.probe(from: left, tag: 7)
        received = [T](repeating: T(small: 0), count: status.count(of: T.self) ?? 0)
        try world.receive(into: &received, from: left, tag: 7)
        try request.wait()
      }
      return compare(received, (0...left).map { T.pattern(rank: left, index: $0) })
    }

    report.check("immediateProbe \(name)") {
      var received: [T] = []
      try mine.withUnsafeBufferPointer {
        let request = try world.immediateSend($0, to: right, tag: 8)
        defer { _ = try? request.wait() }
        let start = MPIEnvironment.wallTime()
        var status = try world.immediateProbe(from: left, tag: 8)
        while status == nil, MPIEnvironment.wallTime() - start < 20 {
          status = try world.immediateProbe(from: left, tag: 8)
        }
        guard let status else { return }
        received = [T](repeating: T(small: 0), count: status.count(of: T.self) ?? 0)
        try world.receive(into: &received, from: status.source, tag: status.tag)
      }
      return received.isEmpty
        ? "no message after 20 s of immediateProbe" : compare(received, fromLeft)
    }

    // Everyone sends to rank 0, which receives with wildcards and checks each status.
    report.check("receive anySource \(name)") {
      let payload = [T.pattern(rank: rank, index: 0)]
      var reason: String?
      try payload.withUnsafeBufferPointer {
        let request = try world.immediateSend($0, to: 0, tag: 100 + rank)
        defer { _ = try? request.wait() }
        guard rank == 0 else { return }
        var sources: Set<Int> = []
        for _ in 0..<size {
          var value = [T(small: 0)]
          let status = try world.receive(
            into: &value, from: Communicator.anySource, tag: Communicator.anyTag)
          sources.insert(status.source)
          if status.tag != 100 + status.source
            || value[0] != T.pattern(rank: status.source, index: 0)
          {
            reason = "message from rank \(status.source) had tag \(status.tag), value \(value[0])"
          }
        }
        if sources.count != size { reason = "received from ranks \(sources.sorted())" }
      }
      return reason
    }
  }
}
