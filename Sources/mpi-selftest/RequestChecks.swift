import MPI

/// Non-blocking requests: test loops, double waits, waitAll with completed requests, and a
/// message large enough for the rendezvous protocol.
enum RequestChecks {
  static func run(_ report: Report) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)
    let right = (rank + 1) % size
    let left = (rank + size - 1) % size

    report.check("request test until complete, then wait") {
      var value = [Int64(-1)]
      let payload = [Int64(rank)]
      var tested = false
      var status: Status?
      try value.withUnsafeMutableBufferPointer { receiveBuffer in
        try payload.withUnsafeBufferPointer { sendBuffer in
          let receive = try world.immediateReceive(into: receiveBuffer, from: left, tag: 20)
          let send = try world.immediateSend(sendBuffer, to: right, tag: 20)
          let start = MPIEnvironment.wallTime()
          while try !receive.test(), MPIEnvironment.wallTime() - start < 20 {}
          tested = try receive.test()  // a completed request reports true again
          status = try receive.wait()  // and is not waited again
          try send.wait()
          try send.wait()
        }
      }
      guard tested, let status else { return "the receive did not complete" }
      return compare([value[0], Int64(status.source)], [Int64(left), Int64(left)])
    }

    report.check("immediateAllreduce Float sum, two in flight, tested then waited") {
      var first = [Float](repeating: Float(rank + 1), count: 1000)
      var second = [Float](repeating: 1, count: 3)
      try first.withUnsafeMutableBufferPointer { a in
        try second.withUnsafeMutableBufferPointer { b in
          let one = try world.immediateAllreduce(inPlace: a, operation: .sum)
          let two = try world.immediateAllreduce(inPlace: b, operation: .sum)
          _ = try one.test()
          try two.wait()
          try one.wait()
        }
      }
      let expected = Float(size * (size + 1) / 2)
      guard first.allSatisfy({ $0 == expected }), second.allSatisfy({ $0 == Float(size) }) else {
        return "got \(first[0]) and \(second[0]), expected \(expected) and \(size)"
      }
      return nil
    }

    report.check("waitAll with completed and repeated requests") {
      var values = [Int32](repeating: -1, count: 2)
      let payload = [Int32(rank), Int32(rank * 10)]
      try values.withUnsafeMutableBufferPointer { receiveBuffer in
        try payload.withUnsafeBufferPointer { sendBuffer in
          let receive = try world.immediateReceive(into: receiveBuffer, from: left, tag: 21)
          let send = try world.immediateSend(sendBuffer, to: right, tag: 21)
          try send.wait()
          try Request.waitAll([send, receive, receive])
          try Request.waitAll([send, receive])
        }
      }
      return compare(values, [Int32(left), Int32(left * 10)])
    }

    report.check("immediateSend/immediateReceive Double 300000 elements") {
      let count = 300_000
      let outgoing = (0..<count).map { Double(rank * count + $0) }
      var incoming = [Double](repeating: -1, count: count)
      try incoming.withUnsafeMutableBufferPointer { receiveBuffer in
        try outgoing.withUnsafeBufferPointer { sendBuffer in
          let receive = try world.immediateReceive(into: receiveBuffer, from: left, tag: 22)
          let send = try world.immediateSend(sendBuffer, to: right, tag: 22)
          try Request.waitAll([receive, send])
        }
      }
      return compare(incoming, (0..<count).map { Double(left * count + $0) })
    }
  }
}
