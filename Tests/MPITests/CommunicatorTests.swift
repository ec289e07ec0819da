import MPI
import Testing

extension SingletonMPI {
  @Suite("Communicator (singleton)")
  struct CommunicatorTests {
    @Test("split with a color gives a communicator of one")
    func splitWithColor() throws {
      let world = try startSingletonMPI()
      let part = try #require(try world.split(color: 3, key: 7))
      #expect(part.rank == 0 && part.size == 1)
      try part.barrier()
    }

    @Test("split with no color (MPI_UNDEFINED) gives nil")
    func splitWithoutColor() throws {
      let world = try startSingletonMPI()
      #expect(try world.split(color: nil, key: 0) == nil)
    }

    @Test("split with a negative color is rejected (MPI_UNDEFINED is negative too)")
    func splitNegativeColor() throws {
      let world = try startSingletonMPI()
      let error = try #require(throws: MPIError.self) { try world.split(color: -5, key: 0) }
      #expect(error.function == "MPI_Comm_split")
    }

    @Test("splitShared and duplicate keep rank and size")
    func sharedAndDuplicate() throws {
      let world = try startSingletonMPI()
      let node = try world.splitShared()
      let copy = try world.duplicate()
      #expect(node.rank == 0 && node.size == 1)
      #expect(copy.rank == 0 && copy.size == 1)
      #expect(try copy.allreduce(41, operation: .sum) == 41)
    }

    @Test("many derived communicators are freed without exhausting MPI's handles")
    func freedInDeinit() throws {
      let world = try startSingletonMPI()
      // MPICH allows a few thousand live communicators; freeing in deinit keeps this loop alive.
      for _ in 0..<5_000 {
        let copy = try world.duplicate()
        #expect(copy.size == 1)
      }
    }

    @Test("constants are MPI's")
    func constants() {
      #expect(Communicator.anySource < 0)
      #expect(Communicator.anyTag < 0)
      #expect(Communicator.nullProcess < 0)
      #expect(Set([Communicator.anySource, Communicator.nullProcess]).count == 2)
    }
  }
}
