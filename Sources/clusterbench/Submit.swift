import ArgumentParser
import ClusterBench
import ClusterTelemetry
import Foundation

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
      Progress goes to standard error. Ctrl-C stops the running point and the sweep; --resume \
      continues it, skipping the points that passed. The job-file format is in the README and in \
      jobs/README.md.

      Examples:
        clusterbench submit jobs/this-machine.yaml
        clusterbench submit jobs/rockpro64-22.yaml --dry-run   # plan only
        clusterbench submit jobs/rockpro64-22.yaml --resume
        clusterbench submit jobs/train-this-machine.yaml       # training
        clusterbench compare --sweep train-this-machine
      """)

  @Argument(help: "The job file (YAML).") var job: String

  @Flag(help: "Print each point's mpiexec command line and HPL.dat without running anything.") var dryRun = false

  @Flag(help: "Continue an interrupted sweep: skip the points recorded as passed.") var resume = false

  @Option(help: ArgumentHelp("The results folder.", valueName: "DIR")) var results = "results"

  @Option(help: ArgumentHelp("The hplswift to run (default: the one beside clusterbench).", valueName: "PATH"))
  var hplswift: String?

  @Option(help: ArgumentHelp("The cnnswift to run (default: the one beside clusterbench).", valueName: "PATH"))
  var cnnswift: String?

  func run() throws {
    let job: JobFile
    do { job = try JobFile.read(path: self.job) } catch {
      FileHandle.standardError.write(Data("clusterbench submit: error: \(error.description)\n".utf8))
      throw ExitCode.failure
    }
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
      let target = try TargetResolver.resolve(job.target, job: job)
      let resources = try TargetResolver.resources(
        job: job, target: target, count: job.nodes.max()!, clusterbench: options.clusterbench,
        mpiexec: options.mpiexec, workFolder: results + "/sweeps/" + job.name + "/survey", progress: say)
      let plan = try SweepPlanner.plan(job: job, target: target, resources: resources)
      let runner = SweepRunner(plan: plan, options: options, progress: say)
      if dryRun {
        print(runner.dryRunText())
        return
      }
      _ = try runner.pendingPoints()  // refuses an existing sweep without --resume, before anything else
      say(
        "\(job.name): \(plan.points.count) point\(plan.points.count == 1 ? "" : "s") on \(target.label); "
          + "points.csv in \(runner.folder)")
      let outcome = try runner.run()
      var summary =
        "\(outcome.passed) passed, \(outcome.failed) failed"
        + (outcome.skipped > 0 ? ", \(outcome.skipped) skipped (passed before)" : "")
      if outcome.interrupted { summary += "; interrupted: `clusterbench submit \(self.job) --resume` continues it" }
      say(summary + "; compare with `clusterbench compare --sweep \(job.name)`")
      if outcome.interrupted { throw ExitCode(130) }
      if outcome.failed > 0 { throw ExitCode.failure }
    } catch let error as JobFileError {
      say("error: \(error.description)")
      throw ExitCode.failure
    } catch let error as SweepError {
      say("error: \(error.message)")
      throw ExitCode.failure
    }
  }

  /// The folder of this executable (its siblings are the suite's other programs).
  static func ownFolder() -> String {
    let path =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return (path as NSString).deletingLastPathComponent
  }
}
