import BLAS
import CSVFiles
import ClusterTelemetry
import Foundation
import MPI
import Telemetry

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
    let isRoot = world.rank == 0
    let library = BLASLibrary.loaded()
    let placement = try placeRanks()
    let hosts = placement.hosts
    let tests = input.tests
    try checkMemory(tests, placement: placement)
    if isRoot, let warning = placement.nodes.oversubscriptionWarning { options.notice("hplswift: " + warning) }
    let runID = try world.broadcast(isRoot ? (options.runID ?? Self.makeRunID()) : "", root: 0)
    let writer = ReportWriter()
    // Only rank 0 opens the output, but every rank must learn whether it could.
    var report: ReportSink? = nil
    var openError = ""
    if isRoot {
      do { report = try ReportSink(device: input.outputDevice) } catch { openError = "\(error)" }
    }
    if try world.broadcast(Int32(openError.isEmpty ? 1 : 0), root: 0) == 0 {
      throw BenchmarkInputError(description: openError.isEmpty ? "hplswift: cannot open the output file" : openError)
    }
    try prepareOutputs()
    if isRoot {
      report?.write(
        "hplswift: BLAS \(library.summary); \(world.size) ranks on \(Set(hosts).count) host(s); run \(runID)\n")
      report?.write(writer.header(for: input))
    }

    var printedAny = false
    var passed = 0
    var failed = 0
    var skipped = 0
    var unchecked = 0
    noteClampedBlockSizes(tests)
    try announceEstimate(tests)
    var grids: [GridShape: ProcessGrid?] = [:]
    let telemetry = try startTelemetry(runID: runID, blas: library.summary)
    // Rank 0's failure to write a row or a solution, agreed by every rank before the next test.
    var outputProblem = ""
    for (number, test) in tests.enumerated() {
      if number > 0 { try telemetry?.flush() }  // every rank, idle ones too: keeps samples bounded
      try stopIfOutputFailed(outputProblem, report: report)
      let shape = GridShape(rows: test.rows, columns: test.columns)
      if grids[shape] == nil {
        grids[shape] = try makeGrid(shape, mapping: test.processMapping, announce: isRoot && options.showProgress)
      }
      guard let grid = grids[shape]! else { continue }  // this rank idles for this grid
      if isRoot && options.showProgress {
        options.notice(
          "hplswift: test \(number + 1) of \(tests.count): \(test.variantCode) N=\(test.n) NB=\(test.nb) P=\(test.rows) Q=\(test.columns)"
        )
      }
      var testRun = TestRun(
        parameters: test, grid: grid, seed: options.seed, collectsSolution: options.solutionDirectory != nil,
        detailedTiming: options.detailedTiming)
      let outcome = try testRun.run()
      if options.detailedTiming { try printPhaseTimes(testRun.timer.seconds, grid: grid) }
      if let directory = options.solutionDirectory, let x = testRun.solution {
        let text = x.map { String(format: "%.17e", $0) }.joined(separator: "\n") + "\n"
        do { try AtomicFile.write(text, to: "\(directory)/solution-\(number + 1).txt") } catch {
          outputProblem = "hplswift: --write-solution: \(error)"
        }
      }
      let peakBytes = ((try? ProcFS().processStatus()) ?? nil)?.peakResidentBytes ?? 0
      let peak = try grid.communicator.allreduce(Int64(peakBytes), operation: .max)
      guard isRoot else { continue }
      switch outcome {
      case .skipped(let message):
        skipped += 1
        report?.write(writer.skipNotice(message))
      case .completed(let result):
        switch result.passed {
        case true?: passed += 1
        case false?: failed += 1
        case nil: unchecked += 1
        }
        report?.write(writer.testResult(result, threshold: input.threshold, isFirstTest: !printedAny))
        printedAny = true
        let usedHosts = Array(hosts.prefix(test.rows * test.columns))
        do {
          try ResultsCSV.append(
            ResultRow(
              result: result, runID: runID, hosts: usedHosts, blas: library.summary,
              peakResidentBytes: Int(peak), cores: placement.nodes.cores),
            to: options.resultsPath)
        } catch {
          // The other ranks are already on their way to the next test: they learn of it there.
          outputProblem = "hplswift: --results: \(error)"
        }
      }
    }
    try stopIfOutputFailed(outputProblem, report: report)
    if let notes = try telemetry?.finish(), isRoot {
      for note in notes { options.notice("hplswift: telemetry: \(note)") }
      if options.showProgress { options.notice("hplswift: telemetry written to \(telemetry!.configuration.folder)") }
    }
    if isRoot {
      report?.write(
        writer.footer(
          passed: passed, failed: failed, skipped: skipped, unchecked: unchecked, threshold: input.threshold))
      report?.close()
    }
    try stopIfOutputFailed(isRoot ? report?.failure ?? "" : "", report: nil)
    let telemetryFailures = isRoot ? telemetry?.writeFailures ?? [] : []
    try stopIfOutputFailed(
      telemetryFailures.isEmpty ? "" : "hplswift: --telemetry: the run folder is incomplete", report: nil)
    let status: Int32 = (failed > 0 || skipped > 0) ? 1 : 0
    return try world.broadcast(status, root: 0)
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
  func startTelemetry(runID: String, blas: String) throws -> RunTelemetry? {
    guard let interval = options.telemetryInterval else { return nil }
    let folder = RunTelemetry.Configuration.folder(besideResultsFile: options.resultsPath, runID: runID)
    let telemetry: RunTelemetry
    do {
      telemetry = try RunTelemetry.start(
        .init(runID: runID, folder: folder, interval: interval, program: "hplswift", blas: blas), on: world)
    } catch let error as TelemetryWriteError {
      throw BenchmarkInputError(description: "hplswift: --\(error)")
    }
    if world.rank == 0 && options.showProgress {
      let count = telemetry.nodes.hosts.count
      options.notice(
        "hplswift: telemetry every \(TimeSpan.describe(interval)) on \(count) node\(count == 1 ? "" : "s") into \(folder)"
      )
    }
    return telemetry
  }

  /// `hpl-20261123T030047Z-3f2a`: the start time in UTC plus a random suffix. Built from the
  /// CSV timestamp rather than a DateFormatter, which would load ICU (megabytes of resident
  /// memory on every rank) for one string.
  static func makeRunID() -> String {
    let stamp = ResultRow.timestampText(Date()).filter { $0 != "-" && $0 != ":" }
    return "hpl-\(stamp)-\(String(UInt32.random(in: 0...0xFFFF), radix: 16))"
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
