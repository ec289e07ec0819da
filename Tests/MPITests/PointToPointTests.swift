import MPI
import Testing

extension SingletonMPI {
  /// Messages a singleton sends itself; the multi-rank paths are in `MultiRankTests`.
  @Suite("Point-to-point (singleton)")
  struct PointToPointTests {
    @Test("immediateSend to self, then receive with the status")
    func sendToSelf() throws {
      let world = try startSingletonMPI()
      let message: [Double] = [1.5, -2, 3.25]
      var received = [Double](repeating: 0, count: 5)
      // The send buffer must stay valid until the request completes: finish inside the closure.
      let status = try message.withUnsafeBufferPointer {
        let request = try world.immediateSend($0, to: 0, tag: 11)
        let status = try world.receive(into: &received, from: 0, tag: 11)
        try request.wait()
        return status
      }
      #expect(Array(received.prefix(3)) == message)
      #expect(status.source == 0 && status.tag == 11 && status.count == 3)
      #expect(status.byteCount == 3 * MemoryLayout<Double>.size)
    }

    @Test("sendReceive and sendReceiveReplace with self")
    func exchangeWithSelf() throws {
      let world = try startSingletonMPI()
      let outgoing: [Int32] = [4, 5, 6]
      var incoming = [Int32](repeating: 0, count: 3)
      let status = try outgoing.withUnsafeBufferPointer { send in
        try incoming.withUnsafeMutableBufferPointer {
          try world.sendReceive(send, to: 0, sendTag: 1, into: $0, from: 0, receiveTag: 1)
        }
      }
      #expect(incoming == outgoing && status.count == 3)
      var buffer: [UInt8] = [9, 8, 7]
      try buffer.withUnsafeMutableBufferPointer {
        _ = try world.sendReceiveReplace($0, to: 0, sendTag: 2, from: 0, receiveTag: 2)
      }
      #expect(buffer == [9, 8, 7])
    }

    @Test("probe and immediateProbe size the receive")
    func probes() throws {
      let world = try startSingletonMPI()
      #expect(try world.immediateProbe(from: 0, tag: 12) == nil)
      let message = [Int64](0..<10)
      var received: [Int64] = []
      try message.withUnsafeBufferPointer {
        let request = try world.immediateSend($0, to: 0, tag: 12)
        let quick = try #require(try world.immediateProbe(from: Communicator.anySource, tag: 12))
        let status = try world.probe(from: 0, tag: Communicator.anyTag)
        #expect(quick == status)
        #expect(status.count == 80, "a probe counts bytes")
        #expect(status.count(of: Int64.self) == 10)
        #expect(status.count(of: Double.self) == 10)
        #expect(status.count(of: Int32.self) == 20)
        #expect(status.count(of: DoubleAndIndex.self) == nil, "80 bytes are not whole pairs")
        received = [Int64](repeating: -1, count: try #require(status.count(of: Int64.self)))
        try world.receive(into: &received, from: status.source, tag: status.tag)
        try request.wait()
      }
      #expect(received == message)
    }

    @Test("nullProcess sends and receives nothing")
    func nullProcess() throws {
      let world = try startSingletonMPI()
      try world.send([1.0, 2.0], to: Communicator.nullProcess)
      var buffer = [1.0, 2.0]
      let status = try world.receive(into: &buffer, from: Communicator.nullProcess)
      #expect(buffer == [1.0, 2.0])
      #expect(status.source == Communicator.nullProcess && status.count == 0)
    }

    @Test("a receive buffer too small is MPI's truncation error")
    func truncation() throws {
      let world = try startSingletonMPI()
      var small = [Float](repeating: 0, count: 2)
      let error = try [Float](repeating: 1, count: 4).withUnsafeBufferPointer {
        let request = try world.immediateSend($0, to: 0, tag: 13)
        let error = try #require(throws: MPIError.self) {
          try world.receive(into: &small, from: 0, tag: 13)
        }
        try request.wait()
        return error
      }
      #expect(error.function == "MPI_Recv")
      #expect(error.message.lowercased().contains("trunc"))
    }
  }
}
