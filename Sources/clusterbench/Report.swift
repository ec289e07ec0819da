import ArgumentParser
import CSVFiles
import ClusterBench
import Files
import Foundation

/// `clusterbench report [--results PATH] [--sweep NAME] [--out PATH]`: one self-contained HTML
/// file with the charts and the compare table. Reads files only, so MPI is never started.
struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write an HTML report: GFLOPS or training time and accuracy against nodes, temperatures, memory.",
    discussion: """
      Writes one HTML file that needs no network to view (inline SVG charts and CSS, no \
      script): HPL GFLOPS against node count with one line per memory fraction, and against N \
      and NB when a sweep varies them; each node's temperature over time and its average \
      temperature; the job's memory per node (its ranks' resident memory) and, separately, the \
      node's used memory; each node's CPU busy share and network traffic over time; and the \
      table of 'clusterbench compare'. Each chart has axes with units and a legend, and a note \
      where data was unavailable; a chart with no data at all is one line saying why (no node \
      with a temperature sensor, as on a VM; no telemetry; no PASSED result). With training \
      results (train.csv beside the HPL results) it adds training time and test accuracy against \
      ranks (one line per model, batch, sync mode, data, epochs and learning rate), test accuracy \
      after each epoch (axes scaled to the accuracies), and the training table. The timelines \
      show the runs of --sweep, or else the latest run with telemetry \
      and the other runs of its sweep; they keep at most --timeline-points points per node. The \
      file is written whole (a temporary file renamed into place). Broken rows are left out \
      with a warning naming the file and line on standard error.

      Examples:
        clusterbench report
        clusterbench report --sweep this-machine --out results/this-machine.html
        clusterbench report --results /mnt/cluster/results/hpl.csv --out rock.html
        chromium --headless --screenshot=report.png file://$PWD/results/report.html
      """)

  @Option(help: ArgumentHelp("The results file; sweeps/ and runs/ are read beside it.", valueName: "PATH"))
  var results = "results/hpl.csv"

  @Option(help: ArgumentHelp("Only this sweep (a folder under results/sweeps/).", valueName: "NAME"))
  var sweep: String?

  @Option(help: ArgumentHelp("The HTML file to write (default: report.html beside the results).", valueName: "PATH"))
  var out: String?

  @Option(help: ArgumentHelp("The most points per node on the temperature timeline.", valueName: "N"))
  var timelinePoints = 500

  func validate() throws {
    guard timelinePoints >= 2 else { throw ValidationError("--timeline-points must be at least 2") }
    try Compare.validateSweep(sweep)
  }

  func run() throws {
    let path =
      out ?? URL(fileURLWithPath: results).deletingLastPathComponent().appendingPathComponent("report.html").path
    do {
      let comparison = try Comparison.load(
        resultsPath: results, sweep: sweep, timeline: true, timelinePoints: timelinePoints)
      for warning in comparison.warnings {
        printError("clusterbench report: warning: \(warning)")
      }
      try AtomicFile.write(HTMLReport(comparison: comparison).render(), to: path)
      printError(
        "clusterbench report: wrote \(path): \(comparison.table.rows.count) HPL line(s), "
          + "\(comparison.trainingTable.rows.count) training line(s), "
          + "\(comparison.telemetry.runs.count) run(s) with telemetry")
    } catch {
      printError("clusterbench report: error: \(error)")
      throw ExitCode.failure
    }
  }

  private func printError(_ text: String) {
    FileHandle.standardError.write(Data((SafeText.escaped(text) + "\n").utf8))
  }
}
