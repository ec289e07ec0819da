import BLAS
import ClusterRun
import Files
import Foundation
import HPL
import MPI
import SuiteCore

/// Where `hplswift` reads and writes, and how chatty it is.
public struct BenchmarkOptions: Sendable {
  /// The HPL.dat to read (rank 0 reads it; the others receive its text).
  public var datPath: String
  /// The CSV file every test appends a row to.
  public var resultsPath: String
  /// X(0) of the matrix generator.
  public var seed: UInt64
  /// Whether to print a progress line per test on standard error.
  public var showProgress: Bool
  /// When set, rank 0 writes each test's solution x to `solution-<test number>.txt` in this
  /// folder, one value per line (for checking against another solver).
  public var solutionDirectory: String?
  /// Whether to print, after each test, the seconds every rank spent in each stage (stderr).
  public var detailedTiming = false
  /// The run id to use instead of a new one (a sweep chooses it, to find the run's rows).
  public var runID: String? = nil
  /// When set, one rank per node samples its node every this many seconds and rank 0 writes the
  /// run folder `runs/<run id>` beside the results file (`--telemetry`).
  public var telemetryInterval: Double? = nil
  /// Receives every line meant for the user beside the report (progress, notes, warnings), each
  /// without its line end; the library itself never prints them. `hplswift` writes them to
  /// standard error.
  public var notice: @Sendable (String) -> Void = { _ in }

  public init(
    datPath: String = "HPL.dat", resultsPath: String = "results/hpl.csv", seed: UInt64 = 100, showProgress: Bool = true
  ) {
    self.datPath = datPath
    self.resultsPath = resultsPath
    self.seed = seed
    self.showProgress = showProgress
    self.solutionDirectory = nil
  }
}

/// A problem that stops the whole run, the same on every rank: bad input (before any test), or an
/// output that cannot be written (the results file, a solution file, the report), which ends the
/// run at the next test instead of losing its rows.
public struct BenchmarkInputError: Error, CustomStringConvertible {
  public let description: String
}

/// The whole `hplswift` run: read HPL.dat on rank 0, share it, run every combination in xhpl's
/// order on the grids it names (ranks outside a grid idle for it), write xhpl's report to the
/// device HPL.dat names and one CSV row per test. netlib: `HPL_pddriver`, `HPL_pdinfo`.
public struct Benchmark {
  public let options: BenchmarkOptions
  let world: Communicator

  public init(options: BenchmarkOptions, world: Communicator = .world) {
    self.options = options
    self.world = world
  }

  /// Runs everything. Returns the exit status every rank should exit with: 0 when every test
  /// passed (or ran unchecked), 1 when any failed its residual check or was skipped.
  /// Throws `BenchmarkInputError` (same on every rank) for bad input; only rank 0 should print it.
  public func run() throws -> Int32 {
    let input = try readInput()
    let context = try beginRun()
    let placement = try placeRanks(context)
    try checkMemory(input.tests, placement: placement)
    if world.rank == 0, let warning = context.nodes.oversubscriptionWarning { options.notice("hplswift: " + warning) }
    let report = try openReport(input, context: context)
    noteClampedBlockSizes(input.tests)
    try announceEstimate(input.tests)
    try startTelemetry(context)
    var tally = TestTally()
    var grids: [GridShape: ProcessGrid?] = [:]
    // Rank 0's failure to write a row or a solution, agreed by every rank before the next test.
    var outputProblem = ""
    for (number, test) in input.tests.enumerated() {
      if number > 0 { try context.flushTelemetry() }  // every rank, idle ones too: keeps samples bounded
      try stopIfOutputFailed(outputProblem, report: report)
      let shape = GridShape(rows: test.rows, columns: test.columns)
      if grids[shape] == nil {
        let announce = world.rank == 0 && options.showProgress
        grids[shape] = try makeGrid(shape, mapping: test.processMapping, announce: announce)
      }
      guard let grid = grids[shape]! else { continue }  // this rank idles for this grid
      let step = TestStep(number: number, count: input.tests.count, parameters: test, grid: grid)
      outputProblem = try run(step, input: input, context: context, placement: placement, report: report, tally: &tally)
    }
    try stopIfOutputFailed(outputProblem, report: report)
    return try finish(input: input, context: context, report: report, tally: tally)
  }

  /// One test of the run on the grid's ranks: solve, check, write the solution, report and
  /// record. Returns rank 0's failure to write an output (empty when none, and elsewhere).
  func run(
    _ step: TestStep, input: HPLInput, context: RunContext, placement: RankPlacement, report: ReportSink?,
    tally: inout TestTally
  ) throws -> String {
    let isRoot = world.rank == 0
    let test = step.parameters
    if isRoot && options.showProgress {
      options.notice(
        "hplswift: test \(step.number + 1) of \(step.count): \(test.variantCode) N=\(test.n) NB=\(test.nb) P=\(test.rows) Q=\(test.columns)"
      )
    }
    var testRun = TestRun(
      parameters: test, grid: step.grid, seed: options.seed, collectsSolution: options.solutionDirectory != nil,
      detailedTiming: options.detailedTiming)
    let outcome = try testRun.run()
    if options.detailedTiming { try printPhaseTimes(testRun.timer.seconds, grid: step.grid) }
    var problem = ""
    if let directory = options.solutionDirectory, let x = testRun.solution {
      let text = x.map { String(format: "%.17e", $0) }.joined(separator: "\n") + "\n"
      do { try AtomicFile.write(text, to: "\(directory)/solution-\(step.number + 1).txt") } catch {
        problem = "hplswift: --write-solution: \(error)"
      }
    }
    let peak = try context.peakResidentBytes(over: step.grid.communicator)
    guard isRoot else { return problem }
    switch outcome {
    case .skipped(let message):
      tally.skipped += 1
      report?.write(ReportWriter().skipNotice(message))
    case .completed(let result):
      tally.count(result)
      report?.write(ReportWriter().testResult(result, threshold: input.threshold, isFirstTest: !tally.printedAny))
      tally.printedAny = true
      let row = ResultRow(
        result: result, runID: context.runID, hosts: Array(placement.hosts.prefix(test.rows * test.columns)),
        blas: context.blas, peakResidentBytes: peak, cores: context.nodes.cores)
      // The other ranks are already on their way to the next test: they learn of a failure there.
      do { try ResultsCSV.append(row, to: options.resultsPath) } catch { problem = "hplswift: --results: \(error)" }
    }
    return problem
  }

  /// Ends the run: the telemetry's last rows and notes, the report's footer, the agreed exit
  /// status. Collective.
  func finish(input: HPLInput, context: RunContext, report: ReportSink?, tally: TestTally) throws -> Int32 {
    let isRoot = world.rank == 0
    let notes = try context.finish()
    if isRoot {
      for note in notes { options.notice("hplswift: telemetry: \(note)") }
      if let telemetry = context.telemetry, options.showProgress {
        options.notice("hplswift: telemetry written to \(telemetry.configuration.folder)")
      }
      report?.write(
        ReportWriter().footer(
          passed: tally.passed, failed: tally.failed, skipped: tally.skipped, unchecked: tally.unchecked,
          threshold: input.threshold))
      report?.close()
    }
    try stopIfOutputFailed(isRoot ? report?.failure ?? "" : "", report: nil)
    try stopIfOutputFailed(
      context.telemetryWriteFailures.isEmpty ? "" : "hplswift: --telemetry: the run folder is incomplete", report: nil)
    let status: Int32 = (tally.failed > 0 || tally.skipped > 0) ? 1 : 0
    return try world.broadcast(status, root: 0)
  }

  /// The run's id and where its ranks are. Collective.
  func beginRun() throws -> RunContext {
    do {
      return try RunContext.begin(program: "hplswift", runIDPrefix: "hpl", runID: options.runID, on: world)
    } catch let error as RunContextError {
      throw BenchmarkInputError(description: "hplswift: \(error.message)")
    }
  }

  /// Opens the report on rank 0 (every rank learns whether it could), checks the outputs and
  /// writes the report's header. Collective.
  func openReport(_ input: HPLInput, context: RunContext) throws -> ReportSink? {
    var report: ReportSink? = nil
    var problem = ""
    if world.rank == 0 {
      do { report = try ReportSink(device: input.outputDevice) } catch { problem = "\(error)" }
    }
    if let problem = try world.firstProblem(problem) { throw BenchmarkInputError(description: problem) }
    try prepareOutputs()
    let hostCount = context.nodes.hosts.count
    report?.write(
      "hplswift: BLAS \(context.blas); \(world.size) ranks on \(hostCount) host(s); run \(context.runID)\n")
    report?.write(ReportWriter().header(for: input))
    return report
  }

  /// Before any test, rank 0 makes sure every output can be written, so a long run does not end
  /// with its results lost: the results file exists with this version's header (or is created
  /// with it; a link, folder, FIFO or device is refused) and `--write-solution`'s folder can be
  /// made. Collective; throws the same error on every rank.
  func prepareOutputs() throws {
    var problem = ""
    if world.rank == 0 {
      do { try ResultsCSV.append([], to: options.resultsPath) } catch { problem = "hplswift: --results: \(error)" }
      if problem.isEmpty, let directory = options.solutionDirectory {
        let reason = OutputCheck.problemWritingFolder(directory)
        problem = reason.map { "hplswift: --write-solution \(directory): \($0)" } ?? ""
      }
    }
    if let problem = try world.firstProblem(problem) { throw BenchmarkInputError(description: problem) }
  }

  /// Stops the run on every rank when rank 0 could not write an output. Collective.
  func stopIfOutputFailed(_ problem: String, report: ReportSink?) throws {
    guard let problem = try world.firstProblem(problem) else { return }
    report?.close()
    throw BenchmarkInputError(description: problem + "; the run was stopped so that no more results are lost")
  }

  /// The grid for `shape` on the first P·Q ranks of the world, or nil on ranks that idle.
  func makeGrid(_ shape: GridShape, mapping: ProcessMapping, announce: Bool) throws -> ProcessGrid? {
    let size = shape.rows * shape.columns
    if announce && size < world.size {
      let idle = size == world.size - 1 ? "rank \(size) idles" : "ranks \(size)-\(world.size - 1) idle"
      options.notice(
        "hplswift: the \(shape.rows)×\(shape.columns) grid uses ranks 0-\(size - 1); \(idle) for its tests.")
    }
    guard let communicator = try world.split(color: world.rank < size ? 0 : nil, key: world.rank) else {
      return nil
    }
    return try ProcessGrid(
      communicator: communicator, rows: shape.rows, columns: shape.columns,
      order: mapping == .rowMajor ? .rowMajor : .columnMajor)
  }

  /// Each rank's seconds per stage of the last test, as a table on standard error (rank 0).
  func printPhaseTimes(_ seconds: [Double], grid: ProcessGrid) throws {
    let phases = PhaseTimer.Phase.allCases
    let all = try grid.communicator.gather(seconds, root: 0)
    guard let all else { return }
    var text = "hplswift: seconds per stage (--timing)\n" + "stage".padding(toLength: 24, withPad: " ", startingAt: 0)
    for rank in 0..<grid.communicator.size {
      let label = "rank \(rank)"
      text += String(repeating: " ", count: max(1, 10 - label.count)) + label
    }
    text += "\n"
    for phase in phases {
      text += phase.label.padding(toLength: 24, withPad: " ", startingAt: 0)
      for rank in 0..<grid.communicator.size {
        text += String(format: "%10.3f", all[rank * phases.count + phase.rawValue])
      }
      text += "\n"
    }
    options.notice(String(text.dropLast()))
  }

  /// Starts the run's telemetry when `--telemetry` asked for it. Collective.
  func startTelemetry(_ context: RunContext) throws {
    guard let interval = options.telemetryInterval else { return }
    let telemetry: RunTelemetry
    do {
      telemetry = try context.startTelemetry(
        interval: interval, folder: context.runFolder(besideResultsFile: options.resultsPath))
    } catch let error as TelemetryWriteError {
      throw BenchmarkInputError(description: "hplswift: --\(error)")
    }
    if world.rank == 0 && options.showProgress {
      let count = telemetry.nodes.hosts.count
      let folder = telemetry.configuration.folder
      options.notice(
        "hplswift: telemetry every \(TimeSpan.describe(interval)) on \(count) node\(count == 1 ? "" : "s") into \(folder)"
      )
    }
  }
}

/// One test of the run, on the grid this rank belongs to.
struct TestStep {
  /// The test's place in the run (0 for the first) and the number of tests.
  let number: Int
  let count: Int
  let parameters: TestParameters
  let grid: ProcessGrid
}

/// How the run's tests ended so far, as rank 0 counts them for the report's footer.
struct TestTally {
  var passed = 0
  var failed = 0
  var skipped = 0
  var unchecked = 0
  /// Whether a result has been printed (the first carries the column header).
  var printedAny = false

  mutating func count(_ result: TestResult) {
    switch result.passed {
    case true?: passed += 1
    case false?: failed += 1
    case nil: unchecked += 1
    }
  }
}

/// Where the report goes: standard output, standard error or the file HPL.dat names.
///
/// A write that fails (the disk filled up) is kept in ``failure`` rather than crashing the
/// rank; the run then ends with an error naming the file instead of exit 0 with half a report.
final class ReportSink {
  private let handle: FileHandle
  private let ownsHandle: Bool
  private let name: String
  /// The first failed write, as a message naming the output; nil while every write succeeded.
  private(set) var failure: String?

  init(device: OutputDevice) throws {
    switch device {
    case .standardOutput:
      (handle, ownsHandle, name) = (.standardOutput, false, "standard output")
    case .standardError:
      (handle, ownsHandle, name) = (.standardError, false, "standard error")
    case .file(let name):
      // open(2), not FileManager.createFile, which writes a new file and renames it over the
      // path: that would replace /dev/null (a common choice here) with a regular file. A FIFO
      // with no reader fails at once (O_NONBLOCK) instead of hanging rank 0.
      let descriptor = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0o644)
      guard descriptor >= 0 else {
        let reason = String(cString: strerror(errno))
        throw BenchmarkInputError(
          description: "hplswift: cannot open file \(name) (HPL.dat lines 3-4, output file): \(reason).")
      }
      _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
      (handle, ownsHandle, self.name) = (FileHandle(fileDescriptor: descriptor, closeOnDealloc: true), true, name)
    }
  }

  func write(_ text: String) {
    guard failure == nil else { return }
    do { try handle.write(contentsOf: Data(text.utf8)) } catch {
      failure = "hplswift: cannot write the report to \(name) (HPL.dat lines 3-4): \(error.localizedDescription)"
    }
  }

  func close() {
    if ownsHandle { try? handle.close() }
  }
}
