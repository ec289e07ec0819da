import Foundation
import MPI
import SuiteCore
import Telemetry

/// Telemetry for one run of a program of the suite (`--telemetry`): one background sampler per
/// node, rows gathered to rank 0 between the program's stages, a run folder with the four CSV
/// files and `metadata.json`.
///
/// Call ``start(_:on:)`` once every rank knows the run id, ``flush()`` at points where every rank
/// can afford a short collective (after each test, epoch, ...), and ``finish()`` at the end. Only
/// the calling (main) thread makes MPI calls, so `MPI_THREAD_FUNNELED` is enough: the samplers'
/// threads never touch MPI.
public final class RunTelemetry {
  /// What the run folder's metadata says about the run.
  public struct Configuration: Sendable {
    /// The run id, the same on every rank (it is also in the program's results rows).
    public var runID: String
    /// The folder to write, e.g. `results/runs/<run id>`.
    public var folder: String
    /// Seconds between samples.
    public var interval: Double
    /// The program and its arguments.
    public var program: String
    public var command: [String]
    /// The BLAS the program loaded, if any.
    public var blas: String?

    public init(
      runID: String, folder: String, interval: Double, program: String,
      command: [String] = CommandLine.arguments, blas: String? = nil
    ) {
      (self.runID, self.folder, self.interval, self.program, self.command, self.blas) = (
        runID, folder, interval, program, command, blas
      )
    }

    /// `results/runs/<run id>` beside a results file `results/hpl.csv`.
    public static func folder(besideResultsFile resultsPath: String, runID: String) -> String {
      let base = (resultsPath as NSString).deletingLastPathComponent
      return (base.isEmpty ? "." : base) + "/runs/" + runID
    }
  }

  public let configuration: Configuration
  /// The nodes and which rank samples each.
  public let nodes: NodeGroups
  private let communicator: Communicator
  private let sampler: BackgroundSampler?
  private let collector: TelemetryCollector?
  private var finished = false

  private init(
    configuration: Configuration, nodes: NodeGroups, communicator: Communicator, sampler: BackgroundSampler?,
    collector: TelemetryCollector?
  ) {
    (self.configuration, self.nodes, self.communicator) = (configuration, nodes, communicator)
    (self.sampler, self.collector) = (sampler, collector)
  }

  /// Starts a sampler on each node's leader of `nodes` (gathered over `communicator`) and, on
  /// rank 0, writes the run folder's metadata. Collective over `communicator`.
  ///
  /// With `interval` in the configuration the samplers sample on their own; with `onDemand` they
  /// sample only at ``sampleNow()`` (the monitor, which paces itself). Node-level sources are read
  /// from `CLUSTERBENCH_SYSFS_ROOT` / `CLUSTERBENCH_PROCFS_ROOT` when set; each rank's memory
  /// always from the live `/proc`.
  public static func start(
    _ configuration: Configuration, nodes: NodeGroups, on communicator: Communicator = .world, onDemand: Bool = false
  ) throws -> RunTelemetry {
    var sampler: BackgroundSampler? = nil
    if nodes.isLeader {
      let nodeSampler = NodeSampler(
        host: nodes.myHost, sysfs: .fromEnvironment(), procfs: .fromEnvironment(), pids: nodes.myNodePIDs)
      sampler = BackgroundSampler(
        sampler: nodeSampler, runID: configuration.runID, interval: onDemand ? nil : configuration.interval,
        yieldsToComputation: !onDemand)
    }
    var collector: TelemetryCollector? = nil
    if communicator.rank == 0 {
      let metadata = RunMetadata(
        runID: configuration.runID, program: configuration.program, command: configuration.command,
        hosts: nodes.hosts, ranks: communicator.size, ranksPerHost: nodes.ranksPerHost, blas: configuration.blas,
        intervalSeconds: configuration.interval, start: Timestamp.milliseconds(Date()))
      collector = TelemetryCollector(folder: configuration.folder, metadata: metadata)
    }
    // A run folder that cannot be written is found now, not after the run.
    if let problem = try communicator.firstProblem(collector?.writeFailures.first ?? "") {
      throw TelemetryWriteError(message: problem)
    }
    sampler?.start()
    return RunTelemetry(
      configuration: configuration, nodes: nodes, communicator: communicator, sampler: sampler, collector: collector)
  }

  /// Takes one sample on each node now (on-demand samplers only; see ``start(_:nodes:on:onDemand:)``).
  public func sampleNow() {
    _ = sampler?.sampleNow()
  }

  /// Sends the rows sampled so far to rank 0, which appends them to the files. Collective.
  /// Keeps every node's memory bounded by what one stage of the program samples. Returns, on
  /// rank 0, the batches it wrote (for a live summary); `nil` elsewhere.
  @discardableResult
  public func flush() throws -> [SamplerBatch]? {
    guard !finished else { return nil }
    let batches = try TelemetryCollector.gather(sampler?.drain(), on: communicator)
    if let batches { collector?.record(batches) }
    return batches
  }

  /// Takes each node's last sample, stops the samplers, writes the remaining rows and the
  /// metadata's end. Collective. Returns, on rank 0, what a user should read once: the problems
  /// each node's sampler met and any failure to write the files (empty elsewhere).
  ///
  /// On-demand samplers (the monitor) took their last sample at the last ``sampleNow()``: the
  /// files are finished first and the samplers stopped after, so that a stop signal's exit never
  /// waits on a sensor before the run folder is complete.
  @discardableResult
  public func finish() throws -> [String] {
    guard !finished else { return [] }
    let onDemand = sampler?.interval == nil
    if !onDemand { sampler?.stop() }
    try flush()
    finished = true
    collector?.finish()
    if onDemand { sampler?.stop() }
    guard let collector else { return [] }
    let problems = collector.metadata.hosts.flatMap { host in
      (collector.metadata.problems[host] ?? []).map { "\(host): \($0)" }
    }
    return problems + collector.writeFailures
  }

  /// On rank 0, every failure to write the run folder's files so far (empty elsewhere): a
  /// program with any exits non-zero, since its telemetry is incomplete.
  public var writeFailures: [String] { collector?.writeFailures ?? [] }

  /// On rank 0, the samples taken over all nodes so far and the CPU seconds they cost.
  public var samplerCost: (samples: Int, cpuSeconds: Double)? {
    collector.map { ($0.samplesTaken, $0.samplerCPUSeconds) }
  }
}
