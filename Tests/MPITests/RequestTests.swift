import MPI
import Testing

extension SingletonMPI {
  @Suite("Request (singleton)")
  struct RequestTests {
    @Test("test reports completion once the message can arrive; later calls reuse the status")
    func testThenWait() throws {
      let world = try startSingletonMPI()
      var value = [Int32(0)]
      let payload = [Int32(42)]
      try value.withUnsafeMutableBufferPointer { receiveBuffer in
        try payload.withUnsafeBufferPointer { sendBuffer in
          let receive = try world.immediateReceive(into: receiveBuffer, from: 0, tag: 5)
          #expect(try receive.test() == false, "nothing was sent yet")
          #expect(!receive.isComplete && receive.completionStatus == nil)
          let send = try world.immediateSend(sendBuffer, to: 0, tag: 5)
          let start = MPIEnvironment.wallTime()
          while try !receive.test(), MPIEnvironment.wallTime() - start < 10 {}
          #expect(receive.isComplete)
          let first = try #require(receive.completionStatus)
          #expect(try receive.wait() == first, "a completed request is not waited again")
          #expect(try receive.test())
          try Request.waitAll([send, receive, send])
          #expect(send.isComplete)
        }
      }
      #expect(value == [42])
    }

    @Test("waitAll completes every request and records each status")
    func waitAll() throws {
      let world = try startSingletonMPI()
      // Buffers of requests in flight must outlive the calls that start them.
      let outgoing = UnsafeMutableBufferPointer<Double>.allocate(capacity: 6)
      let incoming = UnsafeMutableBufferPointer<Double>.allocate(capacity: 9)
      defer {
        outgoing.deallocate()
        incoming.deallocate()
      }
      _ = outgoing.initialize(from: [1, 2, 3, 4, 5, 6])
      incoming.initialize(repeating: 0)
      let blocks = [0..<1, 1..<3, 3..<6]
      var requests: [Request] = []
      for index in blocks.indices {
        requests.append(
          try world.immediateReceive(
            into: UnsafeMutableBufferPointer(rebasing: incoming[(3 * index)..<(3 * index + 3)]),
            from: 0, tag: 50 + index))
      }
      for (index, block) in blocks.enumerated() {
        requests.append(
          try world.immediateSend(
            UnsafeBufferPointer(rebasing: outgoing[block]), to: 0, tag: 50 + index))
      }
      try Request.waitAll(requests)
      #expect(requests.allSatisfy { $0.isComplete })
      #expect(requests.prefix(3).map { $0.completionStatus?.count } == [1, 2, 3])
      #expect(requests.prefix(3).map { $0.completionStatus?.tag } == [50, 51, 52])
      #expect(Array(incoming) == [1, 0, 0, 2, 3, 0, 4, 5, 6])
    }
  }
}
