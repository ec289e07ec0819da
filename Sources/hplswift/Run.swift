import ArgumentParser
import ClusterRun
import Foundation
import HPL
import HPLBenchmark
import MPI
import SuiteCommands

#if canImport(Glibc)
  import Glibc
#endif

extension HPLSwift {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run every test HPL.dat describes (the default subcommand).",
      discussion: """
        Rank 0 reads HPL.dat and shares it; a grid smaller than the number of ranks runs on the \
        first P·Q ranks while the others idle. The report goes where HPL.dat lines 3-4 say \
        (6 = standard output, 7 = standard error, otherwise the file on line 3). The exit status \
        is 0 when every test passed its residual check (or ran unchecked), 1 when any failed or \
        was skipped, or the input was bad.

        Examples:
          mpiexec -n 2 hplswift
          mpiexec -n 4 hplswift run --dat hpl/HPL.dat --results results/hpl.csv
          mpiexec -n 2 hplswift --telemetry          # sample every node every 10 s
          mpiexec -n 2 hplswift --telemetry=1        # ... every second

        With --telemetry, one rank per node (ranks are grouped by host name; CLUSTERBENCH_HOSTNAME \
        overrides it) samples temperatures, memory, CPU and network on a background thread, and \
        rank 0 writes results/runs/<run id>/{thermal,memory,cpu,network}.csv and metadata.json, \
        next to the results file; the run id is the one in results/hpl.csv.
        """)

    @Option(name: .customLong("dat"), help: "The HPL.dat to read.")
    var datPath = "HPL.dat"

    @OptionGroup var results: ResultsOption<HPLResultsFile>

    @Option(help: "X(0) of the matrix generator (the same seed gives the same matrix on any grid).")
    var seed: UInt64 = 100

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    @Flag(help: "After each test, print the seconds each rank spent per stage on standard error.")
    var timing = false

    @Option(
      name: .customLong("write-solution"),
      help: ArgumentHelp("Write each test's solution x to DIR/solution-<test>.txt (for checking).", valueName: "DIR"))
    var solutionDirectory: String?

    @OptionGroup var telemetry: TelemetryOption

    @OptionGroup var runID: RunIDOption

    func run() throws {
      try MPIEnvironment.initialize(threadLevel: .funneled)
      var options = BenchmarkOptions(datPath: datPath, resultsPath: results.path, seed: seed, showProgress: !quiet)
      options.solutionDirectory = solutionDirectory
      options.detailedTiming = timing
      options.telemetryInterval = telemetry.seconds
      options.runID = runID.id
      options.notice = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
      let status = runReportingErrors { try Benchmark(options: options).run() }
      HPLSwift.finalizeAndExit(status)
    }
  }

  /// `results/hpl.csv`, a row per test.
  enum HPLResultsFile: ResultsFileKind {
    static let defaultPath = "results/hpl.csv"
    static let rowSubject = "each test"
  }

  /// Runs rank code; bad input (the same on every rank) exits 1 after rank 0 explains, while any
  /// other failure aborts the job so no rank is left waiting in a collective.
  static func runReportingErrors(_ body: () throws -> Int32) -> Int32 {
    MPIProgram.run(name: "hplswift") {
      do {
        return try body()
      } catch let error as BenchmarkInputError {
        if Communicator.world.rank == 0 { printError(error.description) }
        return 1
      }
    }
  }

  static func printError(_ text: String) { MPIProgram.printError(text) }

  /// Results are already written; finalize (bounded by the MPI layer's watchdog) and exit.
  static func finalizeAndExit(_ status: Int32) -> Never { MPIProgram.finalizeAndExit(status, name: "hplswift") }
}
