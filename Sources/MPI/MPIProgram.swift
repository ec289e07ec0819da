import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The ending every MPI program of the suite shares: a failure on one rank aborts the whole job
/// (no rank is left waiting in a collective), and a normal end flushes output, finalizes with the
/// watchdog, explains a released finalize, and exits with one status.
public enum MPIProgram {
  /// `body`'s status; any error it throws is printed as `name: rank R: error` and aborts the job.
  public static func run(name: String, _ body: () throws -> Int32) -> Int32 {
    do {
      return try body()
    } catch {
      printError("\(name): rank \(Communicator.world.rank): \(error)")
      MPIEnvironment.abort(code: 1)
    }
  }

  /// Flushes every C stream, finalizes MPI (bounded by ``MPIEnvironment``'s watchdog) and exits.
  /// Call it once all results are written.
  public static func finalizeAndExit(_ status: Int32, name: String) -> Never {
    fflush(nil)  // every C stream, standard output included
    do {
      try MPIEnvironment.finalize()
    } catch {
      printError("\(name): MPI_Finalize failed after all results were written: \(error)")
    }
    if MPIEnvironment.finalizeWatchdogFired {
      printError(
        "\(name): note: MPI_Finalize stalled (a known MPICH 4.0.2 + UCX TCP issue) and was released by "
          + "closing this rank's MPI sockets; all results had been written.")
    }
    Foundation.exit(status)
  }

  /// Writes `text` and a line end to standard error.
  public static func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
