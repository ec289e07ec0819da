import Foundation
import MPI
import SuiteCore
import Telemetry

#if canImport(Glibc)
  import Glibc
#endif

/// The standalone monitor (`clusterbench monitor`): samples every node at a fixed interval until
/// a duration runs out or a stop signal arrives, appending each interval's rows to the folder's
/// four CSV files as they come.
///
/// Alone it samples this machine; under `mpiexec -f hostfile` one rank per node samples (ranks
/// are grouped by host name) and rank 0 writes. Every interval all ranks take part in two small
/// collectives: agreeing whether to stop (any rank that received SIGINT or SIGTERM, or saw the
/// duration run out, stops them all after the same interval) and gathering the rows. So every
/// row reaches the files within one interval, and a stopped monitor loses nothing.
public struct TelemetryMonitor {
  public struct Options: Sendable {
    /// Seconds between samples.
    public var interval: Double
    /// Seconds to run, `nil` until stopped.
    public var duration: Double?
    /// The folder for the CSV files and metadata.json.
    public var folder: String
    /// Whether rank 0 prints a one-line summary after each interval.
    public var showLive: Bool
    /// The command line, for the metadata.
    public var command: [String]
    /// The run id to use instead of a new one (the folder's name, when it is made from it).
    public var runID: String?

    public init(
      interval: Double, duration: Double?, folder: String, showLive: Bool, command: [String] = CommandLine.arguments,
      runID: String? = nil
    ) {
      (self.interval, self.duration, self.folder, self.showLive, self.command, self.runID) = (
        interval, duration, folder, showLive, command, runID
      )
    }
  }

  /// How a monitor run ended, as rank 0 saw it.
  public struct Outcome: Sendable {
    public var runID: String
    public var hosts: [String]
    /// Intervals completed.
    public var intervals: Int
    /// Samples over all nodes, and the CPU seconds the samplers spent on them.
    public var samples: Int
    public var samplerCPUSeconds: Double
    /// `"SIGINT"`, `"SIGTERM"` or `"duration"`.
    public var stopReason: String
    /// Each node's sampling problems (once each) and any failure to write the files.
    public var notes: [String]
    /// The failures to write the files alone: the monitor then exits non-zero.
    public var writeFailures: [String] = []
  }

  public let options: Options
  let communicator: Communicator

  public init(options: Options, communicator: Communicator = .world) {
    (self.options, self.communicator) = (options, communicator)
  }

  /// Runs until stopped. `live` receives rank 0's one-line summaries. Collective; returns the
  /// outcome on rank 0, `nil` elsewhere. Call ``StopSignal/install()`` first.
  public func run(live: (String) -> Void = { print($0) }) throws -> Outcome? {
    let context = try RunContext.begin(
      program: "clusterbench monitor", runIDPrefix: "monitor", runID: options.runID, on: communicator)
    // Samples are taken on a thread of their own, when asked, so that a sensor read stuck in its
    // driver delays no interval by more than the sampler's time limit, once, and never the stop.
    let telemetry = try context.startTelemetry(
      interval: options.interval, folder: options.folder, command: options.command, onDemand: true)
    let (intervals, stopReason) = try sampleUntilStopped(telemetry, hosts: context.nodes.hosts, live: live)
    let notes = try telemetry.finish()
    guard communicator.rank == 0 else { return nil }
    let cost = telemetry.samplerCost ?? (0, 0)
    return Outcome(
      runID: context.runID, hosts: context.nodes.hosts, intervals: intervals, samples: cost.samples,
      samplerCPUSeconds: cost.cpuSeconds, stopReason: stopReason, notes: notes,
      writeFailures: telemetry.writeFailures)
  }

  /// Samples every interval and gathers the rows until the duration runs out or a rank is
  /// signalled; returns the intervals completed and why it stopped. Collective.
  private func sampleUntilStopped(_ telemetry: RunTelemetry, hosts: [String], live: (String) -> Void) throws
    -> (intervals: Int, stopReason: String)
  {
    let clock = ContinuousClock()
    let began = clock.now
    var next = began
    var intervals = 0
    var stopReason = "duration"
    while true {
      telemetry.sampleNow()
      intervals += 1
      next = next.advanced(by: .seconds(options.interval))
      let durationOver = options.duration.map { next > began.advanced(by: .seconds($0)) } ?? false
      // Agree on stopping: 0 = go on, 1 = the duration ran out, 1 + n = signal n (which wins).
      let localStop: Int32 = StopSignal.pending.map { 1 + $0 } ?? (durationOver ? 1 : 0)
      let agreed = try communicator.allreduce(localStop, operation: .max)
      if let batches = try telemetry.flush(), options.showLive { live(Self.liveLine(batches, hosts: hosts)) }
      if agreed != 0 {
        stopReason = agreed == 1 ? "duration" : (agreed - 1 == SIGINT ? "SIGINT" : "SIGTERM")
        break
      }
      // After a stall (a suspended laptop, a slow node), resume one interval from now.
      if next < clock.now { next = clock.now.advanced(by: .seconds(options.interval)) }
      StopSignal.sleep(until: next)
    }
    return (intervals, stopReason)
  }

  /// `10:15:20  node-a 48.0°C mem 23.1% cpu 51% | node-b -°C mem 40.2% cpu 3%`.
  static func liveLine(_ batches: [SamplerBatch], hosts: [String]) -> String {
    let byHost = Dictionary(batches.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
    let time = Timestamp.milliseconds(Date()).dropFirst(11).prefix(8)
    let parts = hosts.map { host -> String in
      guard let glance = byHost[host]?.glance else { return "\(host) (no sample)" }
      let temperature = glance.hottestCelsius.map { String(format: "%.1f°C", $0) } ?? "-°C"
      let memory = glance.memoryUsedPercent.map { String(format: "%.1f%%", $0) } ?? "-"
      let cpu = glance.cpuPercent.map { String(format: "%.0f%%", $0) } ?? "-"
      return "\(host) \(temperature) mem \(memory) cpu \(cpu)"
    }
    return "\(time)  " + parts.joined(separator: " | ")
  }
}
