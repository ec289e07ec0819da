import ArgumentParser
import CSVFiles
import ClusterBench
import Files
import Foundation
import JobFiles

/// `clusterbench compare [RESULTS] [--csv] [--sweep NAME]`: the results per node count and
/// memory fraction. Reads files only, so MPI is never started.
struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare HPL and training results: scaling, time and accuracy against ranks, temperatures, memory.",
    discussion: """
      Joins results/hpl.csv with the sweeps' points (results/sweeps/<job>/points.csv, by run \
      id) and prints one line per sweep, memory fraction and node count: the best PASSED \
      GFLOPS, the speedup over one node at the same memory fraction, the parallel efficiency \
      (speedup / nodes), GFLOPS per node, and from the runs' telemetry (results/runs/<run id>/) \
      the highest and mean temperature, the job's own memory (job RSS/node: the most resident \
      memory its ranks held together on one node) and the node's (node used: MemTotal − \
      MemAvailable, everything running); failed sweep points \
      are counted. A result in no sweep counts its distinct hosts as nodes, with the memory \
      fraction unknown (-). A value that cannot be known is '-' with a note saying why. Broken \
      rows are left out with a warning naming the file and line on standard error.

      Training runs (results/train.csv beside the HPL results, joined with the training sweeps' \
      points) get their own table: one line per sweep, model, batch, sync mode, training data, \
      steps per epoch, epochs, learning rate, node and rank count (runs differing in any of \
      these are never one line) with a run's wall time, images per second, speedup and efficiency over the fewest \
      ranks of the same configuration, test accuracy and loss after the last epoch, the share of \
      time spent synchronizing, synchronizations and bytes per rank per epoch, and peak memory. \
      --epochs adds accuracy and elapsed time after each epoch. Both tables are printed when both \
      kinds of results exist; --kind picks one (required with --csv then).

      Examples:
        clusterbench compare
        clusterbench compare --sweep this-machine
        clusterbench compare results/hpl.csv --csv > compare.csv
        clusterbench compare /mnt/cluster/results/hpl.csv --sweep rockpro64-22
        clusterbench compare --sweep train-this-machine --epochs
        clusterbench compare --kind train --csv > training.csv
      """)

  enum Kind: String, ExpressibleByArgument, CaseIterable {
    case hpl, train
  }

  @Argument(
    help: ArgumentHelp(
      "The HPL results file (or train.csv); train.csv, sweeps/ and runs/ are read beside it.", valueName: "RESULTS"))
  var results = "results/hpl.csv"

  @Flag(help: "Print CSV (exact figures, the columns docs/compare-and-report.md lists) instead of a table.")
  var csv = false

  @Option(help: ArgumentHelp("Only this sweep (a folder under results/sweeps/).", valueName: "NAME"))
  var sweep: String?

  @Option(help: ArgumentHelp("Only the HPL or only the training table.", valueName: "hpl|train"))
  var kind: Kind?

  @Flag(help: "With training results, also print test accuracy and elapsed time after each epoch.")
  var epochs = false

  func validate() throws {
    try Self.validateSweep(sweep)
  }

  /// Refuses a `--sweep` that could not name a sweep's folder, by the rule job names follow.
  static func validateSweep(_ sweep: String?) throws {
    if let sweep, let problem = JobFile.nameProblem(sweep) {
      throw ValidationError(SafeText.escaped("--sweep: \(problem)"))
    }
  }

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
    let hasHPL = !comparison.table.rows.isEmpty
    let hasTraining = !comparison.trainingTable.rows.isEmpty
    let showHPL = kind == .hpl || (kind == nil && (hasHPL || !hasTraining))
    let showTraining = kind == .train || (kind == nil && hasTraining)
    if csv && showHPL && showTraining {
      printError("clusterbench compare: error: there are HPL and training results; give --kind hpl or --kind train")
      throw ExitCode.failure
    }
    let within = sweep.map { " of sweep \($0)" } ?? ""
    if showHPL && !hasHPL { printError("clusterbench compare: \(results) holds no HPL results\(within)") }
    if showTraining && !hasTraining {
      printError("clusterbench compare: \(comparison.training.resultsPath) holds no training results\(within)")
    }
    if showHPL { print(csv ? comparison.table.csv() : comparison.table.text(), terminator: "") }
    if showTraining {
      if csv {
        print(comparison.trainingTable.csv(), terminator: "")
      } else {
        if showHPL { print("") }
        print("Training (\(comparison.training.resultsPath))")
        print(comparison.trainingTable.text(), terminator: "")
        if epochs { print("\nPer epoch\n" + comparison.trainingTable.epochText(), terminator: "") }
      }
    }
  }

  private func printError(_ text: String) {
    FileHandle.standardError.write(Data((SafeText.escaped(text) + "\n").utf8))
  }
}
