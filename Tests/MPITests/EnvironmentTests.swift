import Testing

@testable import MPI

extension SingletonMPI {
  @Suite("MPIEnvironment (singleton)")
  struct EnvironmentTests {
    @Test("initialize is idempotent and reports the provided level")
    func initializeTwice() throws {
      let first = try MPIEnvironment.initialize(threadLevel: .serialized)
      let second = try MPIEnvironment.initialize(threadLevel: .serialized)
      #expect(first == second)
      #expect(first >= .single)
      #expect(MPIEnvironment.isInitialized)
      #expect(!MPIEnvironment.isFinalized)
    }

    @Test("world is rank 0 of 1 in a singleton")
    func singletonWorld() throws {
      let world = try startSingletonMPI()
      #expect(world.rank == 0)
      #expect(world.size == 1)
    }

    @Test("wallTime advances and has a resolution")
    func wallTime() throws {
      _ = try startSingletonMPI()
      let start = MPIEnvironment.wallTime()
      var later = start
      while later == start { later = MPIEnvironment.wallTime() }
      #expect(later > start)
      #expect(MPIEnvironment.wallTimeResolution > 0)
    }

    @Test("processorName is the node's name")
    func processorName() throws {
      _ = try startSingletonMPI()
      #expect(!MPIEnvironment.processorName.isEmpty)
    }

    @Test("launcher rank and size are absent without mpiexec")
    func launcherVariables() {
      // swift test is not started by Hydra, so PMI_RANK and PMI_SIZE are unset.
      #expect(MPIEnvironment.launcherRank == nil)
      #expect(MPIEnvironment.launcherSize == nil)
    }

    @Test("thread levels are ordered and named")
    func threadLevels() {
      #expect(ThreadLevel.single < .funneled && .funneled < .serialized && .serialized < .multiple)
      #expect(
        ThreadLevel.allCases.map(\.description) == ["single", "funneled", "serialized", "multiple"])
    }
  }
}
