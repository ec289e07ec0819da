import ArgumentParser
import Foundation
import MPI
import SuiteCommands
import SuiteCore

/// `clusterbench`: tools around the suite's programs: the telemetry monitor and summaries.
@main
struct ClusterBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clusterbench",
    abstract: "Sweeps, a preflight doctor, an emulated cluster, compare tables and reports for small MPI clusters.",
    discussion: """
      clusterbench runs the suite's programs (hplswift, cnnswift) over a cluster described by \
      an MPICH hostfile or a job file, checks the cluster first, keeps every result in \
      results/, and turns them into tables and a self-contained HTML report. It can also \
      build an emulated cluster of network namespaces on one machine (root) and sample the \
      nodes' temperatures, memory, CPU and network on its own.

      Examples:
        clusterbench doctor -f hostfiles/rockpro64-22
        clusterbench submit jobs/local-quick.yaml
        clusterbench submit jobs/local-quick.yaml --dry-run
        clusterbench compare
        clusterbench report --out results/report.html
        clusterbench cluster up --nodes 4 --bandwidth 100mbit   # as root
        clusterbench monitor --interval 10 --duration 1m --out results/monitor-1
        clusterbench telemetry summary results/monitor-1

      Run 'clusterbench help <command>' for each command's options and examples.
      """,
    version: SuiteVersion.current,
    subcommands: [
      Submit.self, Cluster.self, RunCommand.self, DoctorCommand.self, Compare.self, Report.self, Monitor.self,
      TelemetryCommand.self, Survey.self,
    ])

  /// Under mpiexec only rank 0 prints an argument error (see ``ParsableCommand/mainUnderMPI()``).
  static func main() { mainUnderMPI(normalizingTelemetry: false) }

}
