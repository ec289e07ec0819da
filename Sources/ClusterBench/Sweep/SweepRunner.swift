import CNNDistributed
import CSVFiles
import ClusterRun
import Files
import Foundation
import HPL
import JobFiles
import SuiteCore
import Telemetry

/// What `clusterbench submit` needs besides the job.
public struct SweepOptions: Sendable {
  /// Skip the points already recorded as passed in the sweep's points.csv.
  public var resume: Bool
  /// The folder results go to: `<results>/hpl.csv`, `<results>/train.csv`, `<results>/runs/`,
  /// `<results>/sweeps/<name>/`.
  public var resultsFolder: String
  /// The programs run: hplswift or cnnswift for the points, clusterbench for the node survey.
  public var hplswift: String
  public var cnnswift: String
  public var clusterbench: String
  /// MPICH's launcher.
  public var mpiexec: String

  public init(
    resume: Bool = false, resultsFolder: String = "results", hplswift: String, cnnswift: String,
    clusterbench: String, mpiexec: String = "mpiexec.mpich"
  ) {
    (self.resume, self.resultsFolder, self.hplswift, self.cnnswift, self.clusterbench, self.mpiexec) = (
      resume, resultsFolder, hplswift, cnnswift, clusterbench, mpiexec
    )
  }

  /// The program a job's points run.
  public func program(for kind: JobFile.Kind) -> String { kind == .train ? cnnswift : hplswift }
}

/// How a sweep ended.
public struct SweepOutcome: Sendable, Equatable {
  public var passed = 0
  public var failed = 0
  public var skipped = 0
  public var interrupted = false
  /// Whether `on_failure: stop` ended the sweep early.
  public var stoppedEarly = false
}

/// Runs a planned sweep point by point: writes each point's HPL.dat (HPL) and hostfile, launches
/// mpiexec with an argument list (hplswift, or cnnswift train), bounded in time, and records the
/// point in points.csv with its figures from the results file.
public struct SweepRunner {
  public let plan: SweepPlan
  public let options: SweepOptions
  /// Receives progress lines (the command prints them on standard error).
  public let progress: @Sendable (String) -> Void

  public init(plan: SweepPlan, options: SweepOptions, progress: @escaping @Sendable (String) -> Void) {
    (self.plan, self.options, self.progress) = (plan, options, progress)
  }

  /// `results/sweeps/<name>`.
  public var folder: String { Self.folder(resultsFolder: options.resultsFolder, sweep: plan.job.name) }

  /// `<resultsFolder>/sweeps/<sweep>`.
  public static func folder(resultsFolder: String, sweep: String) -> String { resultsFolder + "/sweeps/" + sweep }

  /// The name of the lock file in a sweep's folder.
  public static let lockFileName = "submit.lock"

  /// Locks the sweep's folder for one run of `clusterbench submit` (held while the returned lock
  /// lives; the kernel drops it when the process ends). A second run of the same sweep is refused
  /// at once, naming the sweep, the folder and the holder's process id.
  public static func lock(resultsFolder: String, sweep: String) throws(SweepError) -> FileLock {
    let folder = folder(resultsFolder: resultsFolder, sweep: sweep)
    do {
      return try FileLock(path: folder + "/" + lockFileName, wait: false)
    } catch {
      guard case .held(_, let pid) = error else { throw SweepError(message: "cannot lock sweep \(sweep): \(error)") }
      throw SweepError(
        message:
          "sweep \(sweep) is already running: \(FileLockError.holder(pid)) holds the lock on its folder \(folder) "
          + "(\(folder)/\(lockFileName)); wait for it to end, or stop it and continue with --resume")
    }
  }
  public var pointsPath: String { folder + "/" + SweepPointRecord.fileName }
  var resultsPath: String {
    Self.absolute(options.resultsFolder + (plan.job.kind == .train ? "/train.csv" : "/hpl.csv"))
  }

  /// The launch of `point`, exactly as ``run()`` performs it (`--dry-run` prints it).
  public func launch(for point: SweepPoint, runID: String) -> ProgramLaunch {
    let pointFolder = Self.absolute(folder + "/points/" + point.id)
    let hostfile: String? =
      if case .local = plan.target.kind { nil } else { pointFolder + "/hostfile" }
    var arguments = plan.target.mpiexecArguments(
      hosts: point.nodes, ranksPerHost: point.ranksPerNode, hostfilePath: hostfile)
    switch point.work {
    case .hpl:
      arguments += [
        Self.absolute(options.hplswift), "--dat", pointFolder + "/HPL.dat", "--results", resultsPath, "--run-id",
        runID, "--quiet",
      ]
    case .training(let run):
      arguments += [Self.absolute(options.cnnswift), "train"] + run.arguments
      arguments += ["--results", resultsPath, "--run-id", runID, "--job-name", plan.job.name]
    }
    if let interval = plan.job.telemetryInterval { arguments.append("--telemetry=\(TimeSpan.describe(interval))") }
    var launch = ProgramLaunch(
      executable: options.mpiexec, arguments: arguments, workingDirectory: pointFolder,
      standardOutputPath: pointFolder + "/stdout", standardErrorPath: pointFolder + "/stderr",
      deadline: .seconds(bound(for: point, done: [])))
    // hydra waits forever after ssh fails to reach a host: a dead node must not hang the sweep.
    launch.failFastPatterns = ProgramLaunch.unreachableHostPatterns
    return launch
  }

  /// The hostfile text of `point` (the first k hosts, `ranks_per_node` slots each).
  public func hostfileText(for point: SweepPoint) -> String {
    point.hosts.map { "\($0):\(point.ranksPerNode)\n" }.joined()
  }

  /// The points that still need running: all of them, or with `resume` those not recorded as
  /// passed. Throws when the sweep's folder holds records and `resume` is not set.
  public func pendingPoints() throws(SweepError) -> (points: [SweepPoint], skipped: Int, warnings: [String]) {
    guard FileManager.default.fileExists(atPath: pointsPath) else { return (plan.points, 0, []) }
    let records: [SweepPointRecord]
    let warnings: [String]
    do { (records, warnings) = try SweepPointRecord.read(path: pointsPath) } catch {
      throw SweepError(message: "\(error)")
    }
    let passed = Set(records.filter { $0.status == .passed && $0.job == plan.job.name }.map(\.point))
    guard options.resume else {
      if records.isEmpty { return (plan.points, 0, warnings) }
      throw SweepError(
        message: "\(folder) already holds \(records.count) recorded point\(records.count == 1 ? "" : "s") "
          + "(\(passed.count) passed); run with --resume to continue (points that passed are skipped), or move "
          + "the folder aside to start over")
    }
    let pending = plan.points.filter { !passed.contains($0.id) }
    return (pending, plan.points.count - pending.count, warnings)
  }

  /// Runs the pending points. Each outcome is one complete row of points.csv, written as soon as
  /// the point ends, so an interrupted sweep loses nothing and `--resume` continues it.
  public func run() throws(SweepError) -> SweepOutcome {
    let (pending, skipped, warnings) = try pendingPoints()
    for warning in warnings { progress("warning: \(warning)") }
    if let point = pending.first(where: { $0.hpl?.shortfall != nil }), let shortfall = point.hpl?.shortfall {
      let error = JobFileError(
        path: plan.job.path, line: plan.job.lines["hpl"],
        key: plan.job.hpl?.problemSizes.isEmpty == false
          ? "hpl.n" : "hpl.memory_fractions",
        message: "point \(point.id): \(shortfall); nothing was run (`submit --dry-run` shows every point)")
      throw SweepError(message: error.description)
    }
    var outcome = SweepOutcome(skipped: skipped)
    do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
      throw SweepError(message: "cannot create \(folder): \(error.localizedDescription)")
    }
    // Read as the job was parsed (bounded, a regular file only).
    if let text = try? BoundedFile.read(plan.job.path, limit: JobFile.byteLimit) {
      do { try AtomicFile.write(text, to: folder + "/job.yaml") } catch {
        throw SweepError(message: "cannot create \(folder): \(error)")
      }
    }
    if skipped > 0 { progress("resuming: \(skipped) point\(skipped == 1 ? "" : "s") already passed, skipped") }
    announceEstimate(pending)
    let started = Date()
    var done: [FinishedPoint] = []
    for (number, point) in pending.enumerated() {
      if StopSignal.pending != nil {
        outcome.interrupted = true
        break
      }
      progress(
        "point \(number + 1) of \(pending.count): \(point.id): \(point.summary); "
          + "elapsed \(TimeSpan.elapsed(Date().timeIntervalSince(started)))"
          + (done.isEmpty ? "" : ", about \(TimeSpan.elapsed(estimate(pending[number...], done: done))) left"))
      let record = try runPoint(point, done: done)
      if record == nil {
        outcome.interrupted = true
        break
      }
      let result = record!
      do { try SweepPointRecord.append([result], to: pointsPath) } catch {
        throw SweepError(message: "cannot record the point: \(error)")
      }
      done.append(FinishedPoint(point: point, seconds: result.seconds, gflops: Self.achievedGFLOPS(point, result)))
      let figure = Self.figure(of: result)
      progress(
        "  \(result.status.rawValue): \(figure) in \(TimeSpan.elapsed(result.seconds))"
          + (result.note.isEmpty ? "" : " (\(result.note))"))
      if result.status == .passed {
        outcome.passed += 1
      } else {
        outcome.failed += 1
        if plan.job.onFailure == .stop {
          outcome.stoppedEarly = true
          progress("stopping: on_failure is stop")
          break
        }
      }
    }
    return outcome
  }

  /// Runs one point; `nil` when a stop request interrupted it (nothing is recorded then).
  func runPoint(_ point: SweepPoint, done: [FinishedPoint]) throws(SweepError) -> SweepPointRecord? {
    let now = Date()
    let (stamp, runID) = (
      Timestamp.milliseconds(now), RunID.make(prefix: "\(plan.job.name)-\(point.id)", at: now, randomSuffix: false)
    )
    var launch = launch(for: point, runID: runID)
    launch.deadline = .seconds(bound(for: point, done: done))
    let pointFolder = launch.workingDirectory!
    try prepare(point, launch: launch)
    let outcome: LaunchOutcome
    do { outcome = try ProgramLauncher.run(launch) } catch {
      return record(point, runID: runID, started: stamp, status: .error, exit: nil, seconds: 0, note: error.description)
    }
    if outcome.interrupted { return nil }
    var result = record(
      point, runID: runID, started: stamp, status: .failed, exit: outcome.exitStatus, seconds: outcome.seconds,
      note: "")
    let recorded = readRecorded(point, runID: runID, into: &result)
    (result.status, result.note) = verdict(
      outcome, recorded: recorded, stderrPath: pointFolder + "/stderr", bound: bound(for: point, done: done))
    if plan.job.telemetryInterval != nil { result.runFolder = "runs/" + runID }
    return result
  }

  /// Writes what the point's launch reads into its folder: HPL.dat (HPL), the hostfile (unless
  /// local), and the command line for whoever looks at the folder later. The command is always
  /// written, so the folder (which ``AtomicFile`` creates) always exists for the launch.
  func prepare(_ point: SweepPoint, launch: ProgramLaunch) throws(SweepError) {
    let pointFolder = launch.workingDirectory!
    do {
      if let problem = point.hpl { try AtomicFile.write(problem.dat, to: pointFolder + "/HPL.dat") }
      if case .local = plan.target.kind {
      } else {
        try AtomicFile.write(hostfileText(for: point), to: pointFolder + "/hostfile")
      }
      try AtomicFile.write(launch.displayText + "\n", to: pointFolder + "/command")
    } catch {
      throw SweepError(message: "cannot prepare \(pointFolder): \(error)")
    }
  }

  /// What the program recorded for run `runID` in the results file, copied into `result`:
  /// whether it recorded anything, and the problem it recorded (a failed residual check, or a
  /// training run short of its epochs).
  func readRecorded(_ point: SweepPoint, runID: String, into result: inout SweepPointRecord) -> (
    found: Bool, problem: String?
  ) {
    switch point.work {
    case .hpl:
      let rows = ((try? ResultsCSV.read(path: resultsPath))?.rows ?? []).filter { $0.runID == runID }
      result.hpl?.gflops = rows.filter { $0.status == .passed }.map(\.gflops).max()
      let problem = rows.contains(where: { $0.status == .failed }) ? "residual check FAILED" : nil
      return (result.hpl?.gflops != nil, problem)
    case .training(let run):
      let rows = ((try? TrainingRecord.read(path: resultsPath))?.records ?? []).filter { $0.runID == runID }
      result.training?.imagesPerSecond = TrainingRecord.imagesPerSecond(over: rows)
      result.training?.testAccuracy = rows.max { $0.epoch < $1.epoch }?.testAccuracy
      let short = !rows.isEmpty && rows.map(\.epoch).max()! < run.settings.epochs
      return (!rows.isEmpty, short ? "\(rows.count) of \(run.settings.epochs) epochs recorded" : nil)
    }
  }

  /// A finished launch's status and note: it passed only when it exited 0 having recorded a
  /// result and no problem; else the note says why, from the likeliest cause down.
  func verdict(
    _ outcome: LaunchOutcome, recorded: (found: Bool, problem: String?), stderrPath: String, bound: Double
  ) -> (SweepPointRecord.Status, String) {
    if outcome.failedFast {
      return (.failed, Self.firstError(in: stderrPath) ?? "a host could not be reached")
    }
    if outcome.timedOut { return (.timeout, "stopped after the bound of \(TimeSpan.elapsed(bound))") }
    if outcome.exitStatus == 0 && recorded.found && recorded.problem == nil { return (.passed, "") }
    if let problem = recorded.problem { return (.failed, problem) }
    if let signal = outcome.signal { return (.failed, "mpiexec ended by signal \(signal)") }
    return (.failed, Self.firstError(in: stderrPath) ?? "exit status \(outcome.exitStatus ?? -1)")
  }

  func record(
    _ point: SweepPoint, runID: String, started: String, status: SweepPointRecord.Status, exit: Int32?,
    seconds: Double, note: String
  ) -> SweepPointRecord {
    var hpl: SweepPointRecord.HPLFigures? = nil
    var training: SweepPointRecord.TrainingFigures? = nil
    switch point.work {
    case .hpl(let problem):
      hpl = .init(
        memoryFraction: problem.memoryFraction, n: problem.n, nb: problem.nb, p: problem.grid.rows,
        q: problem.grid.columns)
    case .training(let run):
      training = .init(
        model: run.model.name, layers: run.model.layers, batchPerRank: run.batchPerRank,
        sync: run.sync.description, epochs: run.settings.epochs)
    }
    return SweepPointRecord(
      job: plan.job.name, point: point.id, nodes: point.nodes, ranksPerNode: point.ranksPerNode, hpl: hpl,
      training: training, repetition: point.repetition, status: status, exitStatus: exit, started: started,
      seconds: (seconds * 100).rounded() / 100, runID: runID, hosts: point.hosts, note: note)
  }

  /// A point already run in this sweep, for the bounds and estimates of the next ones.
  public struct FinishedPoint: Sendable {
    public var point: SweepPoint
    public var seconds: Double
    /// The floating-point rate the point reached, GFLOPS; `nil` when it produced no result.
    public var gflops: Double?

    public init(point: SweepPoint, seconds: Double, gflops: Double?) {
      (self.point, self.seconds, self.gflops) = (point, seconds, gflops)
    }
  }

  /// HPL: the best PASSED GFLOPS. Training: the point's expected operations over the run's wall time.
  static func achievedGFLOPS(_ point: SweepPoint, _ record: SweepPointRecord) -> Double? {
    switch point.work {
    case .hpl: record.gflops
    case .training:
      record.status == .passed && record.seconds > 0 ? point.flops / record.seconds / 1e9 : nil
    }
  }

  /// A point's figure for its progress line.
  static func figure(of record: SweepPointRecord) -> String {
    if let training = record.training {
      guard let rate = training.imagesPerSecond else { return "no result" }
      return String(format: "%.0f images/s", rate)
        + (training.testAccuracy.map { String(format: ", test accuracy %.4f", $0) } ?? "")
    }
    return record.gflops.map { String(format: "%.3g GFLOPS", $0) } ?? "no result"
  }

  /// The time bound of a point: the job's `timeout`, or with `auto` four times the expected time
  /// plus two minutes for start-up and checking. The expected time uses the slowest GFLOPS per
  /// rank seen so far in this sweep, or before any point 0.1 GFLOPS per rank (a small board's
  /// core with a reference BLAS), so the first bound is generous and later ones tighten. A
  /// training point's operations are about three forward passes per image (``SweepPoint/flops``).
  public func bound(for point: SweepPoint, done: [FinishedPoint]) -> Double {
    if case .seconds(let seconds) = plan.job.timeout { return seconds }
    let perRank = done.compactMap { entry in entry.gflops.map { $0 / Double(entry.point.ranks) } }.min() ?? 0.1
    let expected = point.flops / (perRank * 1e9 * Double(point.ranks))
    return 4 * expected + 120
  }

  /// Before the first point: how long the sweep should take, from the earlier runs in the
  /// results folder, or that no estimate comes before the first point.
  func announceEstimate(_ pending: [SweepPoint]) {
    guard !pending.isEmpty else { return }
    guard let estimate = SweepEstimate.fromEarlierRuns(resultsFolder: options.resultsFolder, kind: plan.job.kind)
    else {
      progress("no earlier runs in \(options.resultsFolder) to estimate the sweep from; an estimate follows each point")
      return
    }
    for line in estimate.lines(for: pending) { progress(line) }
  }

  /// The time the remaining points should take, from the rate per rank seen so far and the
  /// average start-up and checking overhead.
  func estimate(_ remaining: ArraySlice<SweepPoint>, done: [FinishedPoint]) -> Double {
    let rates = done.compactMap { entry in entry.gflops.map { $0 / Double(entry.point.ranks) } }
    guard !rates.isEmpty else { return done.map(\.seconds).reduce(0, +) / Double(done.count) * Double(remaining.count) }
    let perRank = rates.sorted()[rates.count / 2]
    let overhead =
      done.map { entry in
        entry.seconds - (entry.gflops.map { entry.point.flops / ($0 * 1e9) } ?? entry.seconds)
      }.reduce(0, +) / Double(done.count)
    return remaining.reduce(0) { $0 + $1.flops / (perRank * 1e9 * Double($1.ranks)) + max(0, overhead) }
  }

  /// Why the launch whose standard error is at `path` failed (see ``ProgramLaunch/failureLine(in:)``).
  static func firstError(in path: String) -> String? {
    ProgramLaunch.failureLine(in: ProgramLaunch.tail(of: path))
  }

  /// The last line of the file at `path` (read from its tail only), at most 200 characters.
  static func lastLine(of path: String) -> String? {
    ProgramLaunch.tail(of: path).split(whereSeparator: \.isNewline).last.map { String($0.prefix(200)) }
  }

  static func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }
}

/// A sweep that cannot go on.
public struct SweepError: Error, Sendable, CustomStringConvertible {
  public var message: String

  public init(message: String) { self.message = message }

  public var description: String { message }
}
