import ArgumentParser
import CSVFiles
import Files
import Foundation
import Telemetry

/// `clusterbench telemetry`: reading telemetry folders back. Reads files only, so MPI is never
/// started.
struct TelemetryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "telemetry",
    abstract: "Read the telemetry of runs and monitors back.",
    subcommands: [Summary.self])

  /// `clusterbench telemetry summary DIR [--csv]`.
  struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Summarize a run or monitor folder per node: temperatures, memory, CPU, network.",
      discussion: """
        Prints one line per node and sensor type: the highest and mean temperature; memory at \
        its peak as the job's (peak job RSS: its ranks on the node together), the node's (peak \
        node used: MemTotal - MemAvailable, the job and all else) and the largest rank's; mean \
        CPU utilization, bytes received and transmitted (without lo), \
        the samples and the notes of nodes whose sampler failed. Broken rows and a broken \
        metadata.json are skipped with a warning on standard error.

        Examples:
          clusterbench telemetry summary results/runs/hpl-20261123T101500Z-3f2a
          clusterbench telemetry summary results/monitor-rack1 --csv > rack1.csv
        """)

    @Argument(help: "A run folder (results/runs/<run id>) or a monitor folder.")
    var folder: String

    @Flag(help: "Print CSV (exact figures, one row per node and sensor type) instead of a table.")
    var csv = false

    func run() throws {
      let telemetry: TelemetryFolder
      let summary: TelemetrySummary
      do {
        // Streamed: memory grows with the nodes, not with the rows of a long monitor.
        (summary, telemetry) = try TelemetrySummary.scan(path: folder)
      } catch {
        printError("clusterbench: error: \(error.description)")
        throw ExitCode.failure
      }
      for warning in telemetry.warnings {
        printError("clusterbench: warning: \(warning)")
      }
      print(csv ? summary.csv() : summary.table(), terminator: "")
    }

    private func printError(_ text: String) {
      FileHandle.standardError.write(Data((SafeText.escaped(text) + "\n").utf8))
    }
  }
}
