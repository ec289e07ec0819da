import ArgumentParser
import ClusterBench
import Foundation

/// `clusterbench compare [RESULTS] [--csv] [--sweep NAME]`: the results per node count and
/// memory fraction. Reads files only, so MPI is never started.
struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare HPL results per node count and memory fraction: scaling, temperatures, memory.",
    discussion: """
      Joins results/hpl.csv with the sweeps' points (results/sweeps/<job>/points.csv, by run \
      id) and prints one line per sweep, memory fraction and node count: the best PASSED \
      GFLOPS, the speedup over one node at the same memory fraction, the parallel efficiency \
      (speedup / nodes), GFLOPS per node, and from the runs' telemetry (results/runs/<run id>/) \
      the highest and mean temperature and the most memory one node used; failed sweep points \
      are counted. A result in no sweep counts its distinct hosts as nodes, with the memory \
      fraction unknown (-). A value that cannot be known is '-' with a note saying why. Broken \
      rows are left out with a warning naming the file and line on standard error.

      Examples:
        clusterbench compare
        clusterbench compare --sweep this-machine
        clusterbench compare results/hpl.csv --csv > compare.csv
        clusterbench compare /mnt/cluster/results/hpl.csv --sweep rockpro64-22
      """)

  @Argument(help: ArgumentHelp("The results file; sweeps/ and runs/ are read beside it.", valueName: "RESULTS"))
  var results = "results/hpl.csv"

  @Flag(help: "Print CSV (exact figures, the columns the README lists) instead of a table.")
  var csv = false

  @Option(help: ArgumentHelp("Only this sweep (a folder under results/sweeps/).", valueName: "NAME"))
  var sweep: String?

  func run() throws {
    let comparison: Comparison
    do {
      comparison = try Comparison.load(resultsPath: results, sweep: sweep)
    } catch {
      printError("clusterbench compare: error: \(error.description)")
      throw ExitCode.failure
    }
    for warning in comparison.warnings {
      printError("clusterbench compare: warning: \(warning)")
    }
    if comparison.table.rows.isEmpty {
      printError("clusterbench compare: \(results) holds no results\(sweep.map { " of sweep \($0)" } ?? "")")
    }
    print(csv ? comparison.table.csv() : comparison.table.text(), terminator: "")
  }

  private func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
