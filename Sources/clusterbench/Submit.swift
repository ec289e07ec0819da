import ArgumentParser
import ClusterBench
import ClusterRun
import Foundation
import JobFiles
import SuiteCore

struct Submit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a job file: a sweep of hplswift or cnnswift train over node counts and settings.",
    discussion: """
      kind: hpl — for each point of the sweep (memory fraction or N, node count, ranks per node, \
      NB, repetition) it sizes N as `hplswift dat` does from the nodes the point uses and writes \
      the point's HPL.dat; each test's result goes to results/hpl.csv. kind: train — for each \
      model, batch and sync mode, node count, ranks per node and repetition it runs `cnnswift \
      train`; each epoch's row goes to results/train.csv. Every point gets a hostfile (the first \
      k hosts of the target), a launch of mpiexec with an argument list, bounded in time, and a \
      row in results/sweeps/<name>/points.csv; its telemetry goes to results/runs/<run id>/. \
      Progress goes to standard error. Ctrl-C or SIGTERM stops the running point and the sweep \
      (exit status 130 or 143) and prints the command that continues it (--resume skips the \
      points that passed). A second submit of a sweep that is running is refused: the sweep's \
      folder is locked. --cluster NAME runs the job on that emulated cluster instead of its \
      target. The job-file format is in docs/job-files.md.

      Examples:
        clusterbench submit jobs/this-machine.yaml
        clusterbench submit jobs/rockpro64-22.yaml --dry-run   # plan only
        clusterbench submit jobs/rockpro64-22.yaml --resume
        clusterbench submit jobs/train-emulated.yaml --cluster fast
        clusterbench submit jobs/train-this-machine.yaml       # LeNet, MLP
        clusterbench compare --sweep train-this-machine
      """)

  @Argument(help: "The job file (YAML).") var job: String

  @Flag(help: "Print each point's mpiexec command line and HPL.dat without running anything.") var dryRun = false

  @Flag(help: "Continue an interrupted sweep: skip the points recorded as passed.") var resume = false

  @Option(help: ArgumentHelp("The results folder.", valueName: "DIR")) var results = "results"

  @Option(
    help: ArgumentHelp(
      "Run on this emulated cluster instead of the job's target (its target: cluster: key).", valueName: "NAME"))
  var cluster: String?

  @Option(help: ArgumentHelp("The hplswift to run (default: the one beside clusterbench).", valueName: "PATH"))
  var hplswift: String?

  @Option(help: ArgumentHelp("The cnnswift to run (default: the one beside clusterbench).", valueName: "PATH"))
  var cnnswift: String?

  func run() throws {
    var job: JobFile
    do { job = try JobFile.read(path: self.job) } catch {
      FileHandle.standardError.write(Data("clusterbench submit: error: \(error.description)\n".utf8))
      throw ExitCode.failure
    }
    if let cluster { job.target = .cluster(name: cluster) }
    let own = Self.ownFolder()
    let options = SweepOptions(
      resume: resume, resultsFolder: results, hplswift: hplswift ?? own + "/hplswift",
      cnnswift: cnnswift ?? own + "/cnnswift", clusterbench: own + "/clusterbench")
    let program = options.program(for: job.kind)
    guard FileManager.default.isExecutableFile(atPath: program) else {
      let name = (program as NSString).lastPathComponent
      throw ValidationError("no \(name) at \(program); build it (swift build -c release) or pass --\(name) PATH")
    }
    let say: @Sendable (String) -> Void = { line in
      FileHandle.standardError.write(Data(("clusterbench submit: " + line + "\n").utf8))
    }
    StopSignal.install()
    do {
      let target = try resolveTarget(job)
      // Held until the sweep ends: a second submit of this sweep is refused, before its survey.
      let lock = dryRun ? nil : try SweepRunner.lock(resultsFolder: results, sweep: job.name)
      defer { withExtendedLifetime(lock) {} }
      let resources = try TargetResolver.resources(
        job: job, target: target, count: job.nodes.max()!, clusterbench: options.clusterbench,
        mpiexec: options.mpiexec, workFolder: results + "/sweeps/" + job.name + "/survey", progress: say)
      let plan = try SweepPlanner.plan(job: job, target: target, resources: resources)
      let runner = SweepRunner(plan: plan, options: options, progress: say)
      if dryRun {
        print(runner.dryRunText())
        return
      }
      try runSweep(runner, say: say)
    } catch let error as JobFileError {
      say("error: \(error.description)")
      throw ExitCode.failure
    } catch let error as SweepError {
      say("error: \(error.message)")
      if let signal = StopSignal.pending { throw interrupted(by: signal, say: say) }
      throw ExitCode.failure
    }
  }

  /// The job's target, or the emulated cluster `--cluster` names in its place.
  func resolveTarget(_ job: JobFile) throws -> LaunchTarget {
    guard let cluster else { return try TargetResolver.resolve(job.target, job: job) }
    let target: LaunchTarget
    do { target = try TargetResolver.emulated(cluster) } catch {
      throw SweepError(message: "--cluster \(cluster): \(error)")
    }
    try job.checkNodes(fit: target)  // as the job's own target is checked, before any survey
    return target
  }

  /// Runs the pending points and reports how the sweep ended.
  func runSweep(_ runner: SweepRunner, say: @escaping @Sendable (String) -> Void) throws {
    let plan = runner.plan
    _ = try runner.pendingPoints()  // refuses an existing sweep without --resume, before anything else
    say(
      "\(plan.job.name): \(plan.points.count) point\(plan.points.count == 1 ? "" : "s") on \(plan.target.label); "
        + "points.csv in \(runner.folder)")
    let outcome = try runner.run()
    var summary =
      "\(outcome.passed) passed, \(outcome.failed) failed"
      + (outcome.skipped > 0 ? ", \(outcome.skipped) skipped (passed before)" : "")
    if outcome.interrupted { summary += "; interrupted" }
    say(summary + "; compare with `clusterbench compare --sweep \(plan.job.name)`")
    if outcome.interrupted { throw interrupted(by: StopSignal.pending ?? SIGINT, say: say) }
    if outcome.failed > 0 { throw ExitCode.failure }
  }

  /// Prints how to resume and returns the exit status of a run ended by `signal` (128 + its number,
  /// as a shell reports it: 130 for Ctrl-C, 143 for SIGTERM).
  func interrupted(by signal: Int32, say: (String) -> Void) -> ExitCode {
    say("stopped by \(signal == SIGTERM ? "SIGTERM" : "SIGINT"); points already recorded are kept; continue with:")
    say("  " + resumeCommand)
    return ExitCode(128 + signal)
  }

  /// The command that resumes this sweep as it was started: every option that changes what runs
  /// or where results go, with the program as it was invoked, quoted for a shell.
  var resumeCommand: String {
    var arguments = ["submit", job, "--resume", "--results", results]
    if let cluster { arguments += ["--cluster", cluster] }
    if let hplswift { arguments += ["--hplswift", hplswift] }
    if let cnnswift { arguments += ["--cnnswift", cnnswift] }
    return ProgramLaunch(executable: CommandLine.arguments[0], arguments: arguments).displayText
  }

  /// The folder of this executable (its siblings are the suite's other programs).
  static func ownFolder() -> String {
    (ExecutablePath.current as NSString).deletingLastPathComponent
  }
}
