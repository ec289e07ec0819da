import MPI

/// Process-wide facts: initialization, thread level, clock, names, launcher variables.
enum EnvironmentChecks {
  static func run(_ report: Report, requestedLevel: ThreadLevel, providedLevel: ThreadLevel) {
    let world = report.world
    report.check("environment initialize is idempotent") {
      let again = try MPIEnvironment.initialize(threadLevel: requestedLevel)
      guard MPIEnvironment.isInitialized, !MPIEnvironment.isFinalized else {
        return "isInitialized/isFinalized are wrong while MPI runs"
      }
      return again == providedLevel
        ? nil : "second initialize returned \(again), not \(providedLevel)"
    }
    report.check("environment wallTime and processorName") {
      let start = MPIEnvironment.wallTime()
      var later = start
      while later == start { later = MPIEnvironment.wallTime() }
      guard later > start, MPIEnvironment.wallTimeResolution > 0 else {
        return "wallTime did not advance"
      }
      return MPIEnvironment.processorName.isEmpty ? "empty processor name" : nil
    }
    report.check("environment launcher rank and size") {
      // A singleton has no PMI variables; under mpiexec they must match the world.
      guard let launcherRank = MPIEnvironment.launcherRank,
        let launcherSize = MPIEnvironment.launcherSize
      else { return world.size == 1 ? nil : "PMI_RANK/PMI_SIZE missing with \(world.size) ranks" }
      return compare([launcherRank, launcherSize], [world.rank, world.size], "PMI_RANK, PMI_SIZE")
    }
    report.check("barrier") {
      try world.barrier()
      return nil
    }
  }
}
