import MPI
import SuiteCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// `mpi-selftest`: checks the `MPI` module on however many ranks `mpiexec` starts.
///
/// Every rank runs every check; rank 0 prints one line per check (`ok allreduce Double sum` or
/// `FAIL ...` with the failing ranks and the first failing rank's reason) and a closing line.
/// Every rank exits 0 when all checks passed everywhere, 1 otherwise, 2 on a usage error.
@main
enum MPISelfTest {
  static let usage = """
    USAGE: mpiexec -n <ranks> mpi-selftest

    Checks every call of the Swift MPI layer (point-to-point, requests, every collective for
    Double, Float, Int32, Int64, UInt8 and Int, communicator splits, every P × Q process grid
    of the world size, and error reporting) and prints one line per check on rank 0:
    "ok <check>" or "FAIL <check>: <reason> (ranks ...)". Exits 0 when every check passed on
    every rank, 1 otherwise. Any number of ranks works, 1 included (singleton, no mpiexec).

    The checks run under the active wait policy, named in the first line: set
    CLUSTERBENCH_MPI_WAIT to busy, yield or auto (the default: yield when this node runs more
    ranks than the process has CPUs). The "wait policies agree" checks then run each blocking
    operation under both policies and compare the results.

    MPI_Finalize is bounded by a watchdog (MPICH 4.0.2 can hang there over TCP with 3+ ranks);
    set CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS to change its 3-second bound (0 disables it).

    OPTIONS:
      --version    Show the version and exit.
      -h, --help   Show this help and exit.
    """

  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    // Arguments are checked before MPI starts, and printed once (launcher rank 0).
    let printsOnce = (MPIEnvironment.launcherRank ?? 0) == 0
    if arguments == ["--help"] || arguments == ["-h"] {
      if printsOnce { print(usage) }
      exit(0)
    }
    if arguments == ["--version"] {
      if printsOnce { print(SuiteVersion.current) }
      exit(0)
    }
    guard arguments.isEmpty else {
      if printsOnce {
        printToStandardError("mpi-selftest: unexpected argument '\(arguments[0])'\n\n\(usage)")
      }
      exit(2)
    }
    exit(run())
  }

  /// Runs every check and returns the exit status, the same on every rank.
  static func run() -> Int32 {
    let level: ThreadLevel
    do {
      level = try MPIEnvironment.initialize(threadLevel: .funneled)
    } catch {
      printToStandardError("mpi-selftest: cannot start MPI: \(error)")
      return 1
    }
    let world = Communicator.world
    let report = Report(world: world)
    report.note(
      "mpi-selftest: \(world.size) ranks, thread level \(level), "
        + "wait policy \(MPIEnvironment.waitPolicy), rank 0 on \(MPIEnvironment.processorName)")

    EnvironmentChecks.run(report, requestedLevel: .funneled, providedLevel: level)
    CommunicatorChecks.run(report)
    for type in allScalarTypes {
      type.runTypedChecks(report)
    }
    LocationChecks.run(report)
    RequestChecks.run(report)
    GridChecks.run(report)
    ErrorChecks.run(report)
    WaitPolicyChecks.run(report)

    let failed = report.finish()
    fflush(nil)
    let rank = world.rank
    do {
      try MPIEnvironment.finalize()
    } catch {
      printToStandardError("mpi-selftest (rank \(rank)): \(error)")
      return 1
    }
    if MPIEnvironment.finalizeWatchdogFired {
      printToStandardError(
        "mpi-selftest (rank \(rank)): MPI_Finalize did not return in time, so the finalize "
          + "watchdog shut down \(MPIEnvironment.finalizeWatchdogSocketCount) TCP sockets "
          + "(a known MPICH 4.0.2 UCX/TCP bug; any UCX errors above come from that). Every "
          + "result above was complete.")
    }
    return failed ? 1 : 0
  }

  /// Every scalar type the typed checks cover.
  static var allScalarTypes: [any SelfTestScalar.Type] {
    [Double.self, Float.self, Int32.self, Int64.self, UInt8.self, Int.self]
  }
}

/// Writes `line` and a newline to standard error, unbuffered.
func printToStandardError(_ line: String) {
  var text = line + "\n"
  text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
