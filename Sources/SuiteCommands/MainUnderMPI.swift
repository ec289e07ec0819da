import ArgumentParser
import Foundation
import MPI

extension ParsableCommand {
  /// Parses and runs like `ParsableCommand.main()`, but under mpiexec only launcher rank 0 prints
  /// an argument error or the help: every rank exits with the same status, before MPI starts.
  /// A bare `--telemetry` is given its default first (``TelemetryFlag/normalize(_:)``).
  public static func mainUnderMPI() {
    do {
      var command = try parseAsRoot(TelemetryFlag.normalize(Array(CommandLine.arguments.dropFirst())))
      try command.run()
    } catch {
      if (MPIEnvironment.launcherRank ?? 0) == 0 { exit(withError: error) }
      Foundation.exit(exitCode(for: error).rawValue)
    }
  }
}
