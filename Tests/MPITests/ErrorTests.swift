import MPI
import Testing

extension SingletonMPI {
  @Suite("MPIError (singleton)")
  struct ErrorTests {
    @Test("an invalid rank returns MPI's message instead of aborting")
    func invalidRank() throws {
      let world = try startSingletonMPI()
      let error = try #require(throws: MPIError.self) {
        try world.send([1.0], to: 5, tag: 0)
      }
      #expect(error.function == "MPI_Send")
      #expect(error.message.contains("Invalid rank"))
      #expect(error.code != 0)
      #expect(error.description.hasPrefix("MPI_Send failed: "))
      // MPI keeps working after a returned error.
      #expect(try world.allreduce(2, operation: .sum) == 2)
    }

    @Test("error classes tell errors apart")
    func errorClasses() throws {
      let world = try startSingletonMPI()
      let rank = try #require(throws: MPIError.self) { try world.send([1.0], to: 5) }
      let tag = try #require(throws: MPIError.self) { try world.send([1.0], to: 0, tag: -7) }
      #expect(rank.errorClass != tag.errorClass)
      #expect(tag.message.lowercased().contains("tag"))
    }

    @Test("an operation the datatype does not support")
    func invalidOperation() throws {
      let world = try startSingletonMPI()
      let error = try #require(throws: MPIError.self) {
        try world.allreduce(1.5, operation: .bitwiseXor)
      }
      #expect(error.function == "MPI_Allreduce")
      #expect(!error.message.isEmpty)
    }

    @Test("a rank beyond 32 bits is rejected before MPI is called")
    func outOfRange() throws {
      let world = try startSingletonMPI()
      let error = try #require(throws: MPIError.self) {
        try world.send([1.0], to: Int(Int32.max) + 1)
      }
      #expect(error.message.contains("does not fit in a C int"))
    }

    @Test("initialize after errors still reports MPI as running")
    func stillRunning() throws {
      try startSingletonMPI()
      #expect(MPIEnvironment.isInitialized && !MPIEnvironment.isFinalized)
    }
  }
}
