import Foundation
import MPI
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

    public init(
      interval: Double, duration: Double?, folder: String, showLive: Bool, command: [String] = CommandLine.arguments
    ) {
      (self.interval, self.duration, self.folder, self.showLive, self.command) = (
        interval, duration, folder, showLive, command
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

  /// A new monitor's run id, `monitor-20261123T101500Z-3f2a`.
  public static func makeRunID(at date: Date = Date()) -> String {
    let stamp = TelemetryCSV.timestamp(date).prefix(19).filter { $0 != "-" && $0 != ":" }
    return "monitor-\(stamp)Z-\(String(UInt32.random(in: 0...0xFFFF), radix: 16))"
  }

  /// Runs until stopped. `live` receives rank 0's one-line summaries. Collective; returns the
  /// outcome on rank 0, `nil` elsewhere. Call ``StopSignal/install()`` first.
  public func run(live: (String) -> Void = { print($0) }) throws -> Outcome? {
    let isRoot = communicator.rank == 0
    let runID = try communicator.broadcast(isRoot ? Self.makeRunID() : "", root: 0)
    let nodes = try NodeGroups.gather(on: communicator)
    // Samples are taken on a thread of their own, when asked, so that a sensor read stuck in its
    // driver delays no interval by more than the sampler's time limit, once, and never the stop.
    let sampler =
      nodes.isLeader
      ? BackgroundSampler(
        sampler: NodeSampler(
          host: nodes.myHost, sysfs: .fromEnvironment(), procfs: .fromEnvironment(), pids: nodes.myNodePIDs),
        runID: runID, interval: nil, yieldsToComputation: false)
      : nil
    sampler?.start()
    defer { sampler?.stop() }
    let start = Date()
    var collector: TelemetryCollector? = nil
    if isRoot {
      collector = TelemetryCollector(
        folder: options.folder,
        metadata: RunMetadata(
          runID: runID, program: "clusterbench monitor", command: options.command, hosts: nodes.hosts,
          ranks: communicator.size, ranksPerHost: nodes.ranksPerHost, intervalSeconds: options.interval,
          start: TelemetryCSV.timestamp(start)))
    }
    if let problem = try communicator.firstProblem(collector?.writeFailures.first ?? "") {
      throw TelemetryWriteError(message: problem)
    }

    let clock = ContinuousClock()
    let began = clock.now
    var next = began
    var intervals = 0
    var stopReason = "duration"
    while true {
      var batch: SamplerBatch? = nil
      if let sampler {
        sampler.sampleNow()
        batch = sampler.drain()
      }
      intervals += 1
      next = next.advanced(by: .seconds(options.interval))
      let durationOver = options.duration.map { next > began.advanced(by: .seconds($0)) } ?? false
      // Agree on stopping: 0 = go on, 1 = the duration ran out, 1 + n = signal n (which wins).
      let localStop: Int32 = StopSignal.pending.map { 1 + $0 } ?? (durationOver ? 1 : 0)
      let agreed = try communicator.allreduce(localStop, operation: .max)
      if let batches = try TelemetryCollector.gather(batch, on: communicator), let collector {
        collector.record(batches)
        if options.showLive { live(Self.liveLine(batches, hosts: nodes.hosts)) }
      }
      if agreed != 0 {
        stopReason = agreed == 1 ? "duration" : (agreed - 1 == SIGINT ? "SIGINT" : "SIGTERM")
        break
      }
      // After a stall (a suspended laptop, a slow node), resume one interval from now.
      if next < clock.now { next = clock.now.advanced(by: .seconds(options.interval)) }
      StopSignal.sleep(until: next)
    }
    guard let collector else { return nil }
    collector.finish()
    let notes =
      collector.metadata.hosts.flatMap { host in (collector.metadata.problems[host] ?? []).map { "\(host): \($0)" } }
      + collector.writeFailures
    return Outcome(
      runID: runID, hosts: nodes.hosts, intervals: intervals, samples: collector.samplesTaken,
      samplerCPUSeconds: collector.samplerCPUSeconds, stopReason: stopReason, notes: notes,
      writeFailures: collector.writeFailures)
  }

  /// `10:15:20  node-a 48.0°C mem 23.1% cpu 51% | node-b -°C mem 40.2% cpu 3%`.
  static func liveLine(_ batches: [SamplerBatch], hosts: [String]) -> String {
    let byHost = Dictionary(batches.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
    let time = TelemetryCSV.timestamp(Date()).dropFirst(11).prefix(8)
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
