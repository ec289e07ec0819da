import ArgumentParser
import ClusterRun
import Foundation
import MPI
import SuiteCore

#if canImport(Glibc)
  import Glibc
#endif

struct Monitor: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Sample every node's temperatures, memory, CPU and network into CSV files until stopped.",
    discussion: """
      Alone it samples this machine; under mpiexec one rank per node samples (ranks are grouped \
      by host name, CLUSTERBENCH_HOSTNAME overrides it) and rank 0 writes thermal.csv, \
      memory.csv, cpu.csv, network.csv and metadata.json into --out, every interval, so the \
      files hold complete rows at any moment. Ctrl-C or SIGTERM stops it cleanly (a second \
      Ctrl-C ends it at once). On a terminal it prints one line per interval: per node the \
      hottest sensor, memory used and CPU busy.

      Examples:
        clusterbench monitor --interval 10 --duration 3h --out results/monitor-rack1
        clusterbench monitor --interval 1                      # until Ctrl-C
        mpiexec -f hostfile -ppn 1 clusterbench monitor --interval 10 \\
          --out results/monitor-cluster
        clusterbench telemetry summary results/monitor-rack1
      """)

  @Option(help: ArgumentHelp("Time between samples, at least 0.1s: 10, 0.5, 500ms, 30s, 5m.", valueName: "SPAN"))
  var interval = "10"

  @Option(help: ArgumentHelp("How long to run: 90s, 30m, 3h, 1h30m (default: until stopped).", valueName: "SPAN"))
  var duration: String?

  @Option(help: ArgumentHelp("The folder to write (default results/monitor-<start time>).", valueName: "DIR"))
  var out: String?

  @Flag(help: "No live line, even on a terminal.") var quiet = false

  func validate() throws {
    do {
      _ = try TimeSpan.interval(interval, flag: "--interval")
      if let duration { _ = try TimeSpan.seconds(duration, flag: "--duration") }
    } catch {
      throw ValidationError(error.description)
    }
  }

  func run() throws {
    let intervalSeconds = try TimeSpan.interval(interval, flag: "--interval")
    let durationSeconds = try duration.map { text throws(TimeSpanError) in
      try TimeSpan.seconds(text, flag: "--duration")
    }
    StopSignal.install()
    try MPIEnvironment.initialize(threadLevel: .funneled)
    let world = Communicator.world
    let status = MPIProgram.run(name: "clusterbench monitor") {
      // Rank 0 picks the folder and checks it is free; every rank learns the verdict.
      var folder = ""
      var problem = ""
      let runID = RunID.make(prefix: "monitor")  // rank 0's is the run's: RunContext shares it
      if world.rank == 0 {
        folder = out ?? "results/" + runID
        if FileManager.default.fileExists(atPath: folder + "/metadata.json") {
          problem =
            "clusterbench monitor: --out \(folder) already holds a run's files (metadata.json); "
            + "choose another folder or move it aside."
        }
      }
      folder = try world.broadcast(folder, root: 0)
      if try world.broadcast(problem, root: 0) != "" {
        if world.rank == 0 { MPIProgram.printError(problem) }
        return 1
      }
      let options = TelemetryMonitor.Options(
        interval: intervalSeconds, duration: durationSeconds, folder: folder,
        showLive: !quiet && isatty(STDOUT_FILENO) == 1, runID: runID)
      if world.rank == 0 {
        let until = durationSeconds.map { "for \(TimeSpan.describe($0))" } ?? "until Ctrl-C or SIGTERM"
        MPIProgram.printError(
          "clusterbench monitor: sampling every \(TimeSpan.describe(intervalSeconds)) \(until) into \(folder)")
      }
      let outcome: TelemetryMonitor.Outcome?
      do {
        outcome = try TelemetryMonitor(options: options, communicator: world).run { line in
          print(line)
          fflush(nil)
        }
      } catch let error as TelemetryWriteError {
        if world.rank == 0 { MPIProgram.printError("clusterbench monitor: --out \(folder): \(error.message)") }
        return 1
      }
      if let outcome {
        for note in outcome.notes { MPIProgram.printError("clusterbench monitor: note: \(note)") }
        let perSample = outcome.samples > 0 ? outcome.samplerCPUSeconds / Double(outcome.samples) * 1000 : 0
        MPIProgram.printError(
          "clusterbench monitor: stopped by \(outcome.stopReason) after \(outcome.intervals) interval(s) on "
            + "\(outcome.hosts.count) node(s); \(outcome.samples) samples, "
            + String(format: "%.3f ms CPU per sample; ", perSample) + "files in \(folder)")
        if !outcome.writeFailures.isEmpty {
          MPIProgram.printError("clusterbench monitor: error: the telemetry files are incomplete (see above)")
          return 1
        }
      }
      return 0
    }
    MPIProgram.finalizeAndExit(status, name: "clusterbench monitor")
  }
}
