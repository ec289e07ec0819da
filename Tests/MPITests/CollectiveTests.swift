import MPI
import Testing

extension SingletonMPI {
  /// Collectives on one rank: every form must return the rank's own data. Real combining is
  /// checked by `MultiRankTests` through `mpi-selftest` on 2, 3 and 4 ranks.
  @Suite("Collectives (singleton)")
  struct CollectiveTests {
    @Test("broadcast in all forms")
    func broadcast() throws {
      let world = try startSingletonMPI()
      var array: [Float] = [1, 2, 3]
      try world.broadcast(&array, root: 0)
      try array.withUnsafeMutableBufferPointer { try world.broadcast($0, root: 0) }
      #expect(array == [1, 2, 3])
      #expect(try world.broadcast(Int64(-9), root: 0) == -9)
    }

    @Test(
      "reduce and allreduce in all forms",
      arguments: ReductionOperation.allCases.filter {
        [.sum, .product, .max, .min].contains($0)
      })
    func reductions(operation: ReductionOperation) throws {
      let world = try startSingletonMPI()
      let values: [Double] = [1.5, -2, 4]
      var out = [Double](repeating: 0, count: 3)
      try values.withUnsafeBufferPointer { send in
        try out.withUnsafeMutableBufferPointer {
          try world.allreduce(send, into: $0, operation: operation)
        }
      }
      #expect(out == values)
      var inPlace = values
      try world.allreduce(&inPlace, operation: operation)
      #expect(inPlace == values)
      #expect(try world.allreduce(7.0, operation: operation) == 7)
      #expect(try world.reduce(values, operation: operation, root: 0) == values)
      #expect(try world.reduce(Int32(3), operation: operation, root: 0) == 3)
      out = [0, 0, 0]
      try values.withUnsafeBufferPointer { send in
        try out.withUnsafeMutableBufferPointer {
          try world.reduce(send, into: $0, operation: operation, root: 0)
        }
      }
      #expect(out == values)
    }

    @Test("allreduce of an empty buffer")
    func emptyAllreduce() throws {
      let world = try startSingletonMPI()
      var empty: [Double] = []
      try world.allreduce(&empty, operation: .sum)
      #expect(empty.isEmpty)
    }

    @Test("gather, gatherv, allgather and allgatherv return this rank's data")
    func gathers() throws {
      let world = try startSingletonMPI()
      let mine: [Int32] = [5, 6]
      #expect(try world.gather(mine, root: 0) == mine)
      #expect(try world.gather(Int32(8), root: 0) == [8])
      #expect(try world.gatherv(mine, root: 0) == mine)
      #expect(try world.allgather(mine) == mine)
      #expect(try world.allgather(UInt8(1)) == [1])
      #expect(try world.allgatherv(mine) == mine)
      var placed: [Int32] = [0, 0, 0, 5, 6]
      try placed.withUnsafeMutableBufferPointer {
        try world.allgatherv(inPlace: $0, counts: [2], displacements: [3])
      }
      #expect(placed == [0, 0, 0, 5, 6])
      var gathered = [Int32](repeating: 0, count: 4)
      try mine.withUnsafeBufferPointer { send in
        try gathered.withUnsafeMutableBufferPointer {
          try world.gatherv(send, into: $0, counts: [2], displacements: [1], root: 0)
        }
      }
      #expect(gathered == [0, 5, 6, 0])
    }

    @Test("scatter and scatterv hand the root its own block")
    func scatters() throws {
      let world = try startSingletonMPI()
      #expect(try world.scatter([1.0, 2.0], count: 2, root: 0) == [1, 2])
      #expect(try world.scatterv([1.0, 2.0, 3.0], counts: [3], root: 0) == [1, 2, 3])
      var block = [0.0]
      try [9.0, 8.0].withUnsafeBufferPointer { send in
        try block.withUnsafeMutableBufferPointer {
          try world.scatterv(send, counts: [1], displacements: [1], into: $0, root: 0)
        }
      }
      #expect(block == [8])
    }

    @Test("layouts that do not fit their buffers are rejected before MPI is called")
    func layoutChecks() throws {
      let world = try startSingletonMPI()
      var small = [Double](repeating: 0, count: 1)
      let tooFew = try #require(throws: MPIError.self) {
        try [1.0, 2.0].withUnsafeBufferPointer { send in
          try small.withUnsafeMutableBufferPointer { try world.allgather(send, into: $0) }
        }
      }
      #expect(tooFew.function == "MPI_Allgather" && tooFew.message.contains("needs 2"))
      let wrongCounts = try #require(throws: MPIError.self) {
        try small.withUnsafeMutableBufferPointer {
          try world.allgatherv(inPlace: $0, counts: [1, 1], displacements: [0, 1])
        }
      }
      #expect(wrongCounts.message.contains("one count and one displacement per process"))
      let outside = try #require(throws: MPIError.self) {
        try small.withUnsafeMutableBufferPointer {
          try world.allgatherv(inPlace: $0, counts: [1], displacements: [1])
        }
      }
      #expect(outside.function == "MPI_Allgatherv")
      #expect(throws: MPIError.self) {
        try [1.0].withUnsafeBufferPointer {
          try world.reduce($0, into: nil, operation: .sum, root: 0)
        }
      }
    }
  }
}
