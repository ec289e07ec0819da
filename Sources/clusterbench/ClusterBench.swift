import ArgumentParser
import Foundation
import MPI

/// `clusterbench`: tools around the suite's programs: the telemetry monitor and summaries.
@main
struct ClusterBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clusterbench",
    abstract: "Monitor a cluster's nodes and summarize the telemetry of runs.",
    discussion: """
      Examples:
        clusterbench monitor --interval 10 --duration 3h --out results/monitor-rack1
        mpiexec -f hostfile -ppn 1 clusterbench monitor --out results/monitor-cluster
        clusterbench telemetry summary results/runs/hpl-20261123T101500Z-3f2a
      """,
    subcommands: [
      Submit.self, Cluster.self, RunCommand.self, DoctorCommand.self, Compare.self, Report.self, Monitor.self,
      TelemetryCommand.self, Survey.self,
    ])

  /// Parses like ParsableCommand.main, but under mpiexec only rank 0 prints an argument error.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      if (MPIEnvironment.launcherRank ?? 0) == 0 {
        exit(withError: error)
      }
      Foundation.exit(exitCode(for: error).rawValue)
    }
  }
}
