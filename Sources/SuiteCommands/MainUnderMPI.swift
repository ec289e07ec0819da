import ArgumentParser
import Foundation
import MPI

extension ParsableCommand {
  /// Parses and runs like `ParsableCommand.main()`, but under mpiexec only launcher rank 0 prints
  /// an argument error or the help: every rank exits with the same status, before MPI starts.
  /// With `normalizingTelemetry`, a bare `--telemetry` is given its default first
  /// (``TelemetryFlag/normalize(_:)``); clusterbench, which has no such flag and hands commands on
  /// to others, keeps its arguments as typed.
  public static func mainUnderMPI(normalizingTelemetry: Bool = true) {
    do {
      let arguments = Array(CommandLine.arguments.dropFirst())
      var command = try parseAsRoot(normalizingTelemetry ? TelemetryFlag.normalize(arguments) : arguments)
      try command.run()
    } catch {
      if (MPIEnvironment.launcherRank ?? 0) == 0 { exit(withError: error) }
      Foundation.exit(exitCode(for: error).rawValue)
    }
  }
}
