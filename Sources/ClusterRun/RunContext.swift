import BLAS
import Foundation
import MPI
import SuiteCore
import Telemetry

/// One run of a program of the suite, the same on every rank: its run id (made by rank 0 or
/// given, and checked), where its ranks are, the BLAS it loaded, its telemetry and its peak
/// memory. hplswift, cnnswift and the monitor each make one at the start and ask it, so these
/// are found one way everywhere.
///
/// Collective calls (``begin(program:runIDPrefix:runID:on:)``, ``startTelemetry(interval:folder:command:onDemand:)``,
/// ``flushTelemetry()``, ``finish()``, ``peakResidentBytes(over:)``) must be made by every rank
/// of the communicator in the same order.
public final class RunContext {
  /// The program, as the telemetry metadata names it (`hplswift`, `clusterbench monitor`).
  public let program: String
  /// The run id, the same on every rank: in the results rows and the telemetry folder's name.
  public let runID: String
  /// The ranks of the run.
  public let communicator: Communicator
  /// The ranks grouped by host, with each host's cores.
  public let nodes: NodeGroups
  /// The BLAS this process loaded, as the results rows and the metadata name it.
  public let blas: String
  /// The run's telemetry, once ``startTelemetry(interval:folder:command:onDemand:)`` started it.
  public private(set) var telemetry: RunTelemetry?

  private init(program: String, runID: String, communicator: Communicator, nodes: NodeGroups, blas: String) {
    (self.program, self.runID, self.communicator, self.nodes, self.blas) = (
      program, runID, communicator, nodes, blas
    )
  }

  /// Gathers where the ranks are and agrees on the run id: `runID` when given, else a new
  /// ``RunID/make(prefix:at:randomSuffix:)`` from rank 0. Collective. Throws ``RunContextError``
  /// on every rank when the given id cannot name a folder (programs check it while parsing
  /// arguments; this is the last line for library callers).
  public static func begin(
    program: String, runIDPrefix: String, runID: String? = nil, on communicator: Communicator = .world
  ) throws -> RunContext {
    if let runID, let problem = RunID.problem(runID) { throw RunContextError(message: "--run-id: \(problem)") }
    let nodes = try NodeGroups.gather(on: communicator)
    let isRoot = communicator.rank == 0
    let agreed = try communicator.broadcast(isRoot ? (runID ?? RunID.make(prefix: runIDPrefix)) : "", root: 0)
    return RunContext(
      program: program, runID: agreed, communicator: communicator, nodes: nodes, blas: BLASLibrary.loaded().summary)
  }

  /// The host of every rank, in rank order.
  public var rankHosts: [String] {
    var hosts = [String](repeating: "", count: communicator.size)
    for (host, ranks) in nodes.ranks { for rank in ranks { hosts[rank] = host } }
    return hosts
  }

  /// The run's telemetry folder `runs/<run id>` beside the results file `resultsPath`.
  public func runFolder(besideResultsFile resultsPath: String) -> String {
    RunTelemetry.Configuration.folder(besideResultsFile: resultsPath, runID: runID)
  }

  /// Starts sampling every node into `folder` every `interval` seconds, or at each
  /// ``flushTelemetry()`` with `onDemand`. Collective. Throws `TelemetryWriteError` on every rank
  /// when the folder cannot be written.
  @discardableResult
  public func startTelemetry(
    interval: Double, folder: String, command: [String] = CommandLine.arguments, onDemand: Bool = false
  ) throws -> RunTelemetry {
    let configuration = RunTelemetry.Configuration(
      runID: runID, folder: folder, interval: interval, program: program, command: command, blas: blas)
    let started = try RunTelemetry.start(configuration, nodes: nodes, on: communicator, onDemand: onDemand)
    telemetry = started
    return started
  }

  /// Sends the rows sampled so far to rank 0's files (nothing without telemetry). Collective.
  @discardableResult
  public func flushTelemetry() throws -> [SamplerBatch]? {
    try telemetry?.flush()
  }

  /// Stops the telemetry and writes its last rows. Collective. Returns, on rank 0, the notes a
  /// user should read once (each node's sampling problems, failures to write).
  @discardableResult
  public func finish() throws -> [String] {
    try telemetry?.finish() ?? []
  }

  /// On rank 0, the failures to write the run folder (empty elsewhere, and without telemetry):
  /// a program with any exits non-zero, since its telemetry is incomplete.
  public var telemetryWriteFailures: [String] { telemetry?.writeFailures ?? [] }

  /// The largest peak resident memory of the ranks of `communicator` (the run's by default), in
  /// bytes. Collective over it.
  public func peakResidentBytes(over communicator: Communicator? = nil) throws -> Int {
    try (communicator ?? self.communicator).allreduce(Self.localPeakResidentBytes(), operation: .max)
  }

  /// This process's peak resident memory so far, in bytes: `VmHWM` of /proc/self/status (0 where
  /// it cannot be read). Not getrusage's `ru_maxrss`, which Linux carries over an exec, so that a
  /// rank started by a large parent would report the parent's peak.
  public static func localPeakResidentBytes() -> Int {
    Int(((try? ProcFS().processStatus()) ?? nil)?.peakResidentBytes ?? 0)
  }
}

/// A run that cannot begin as asked, the same on every rank.
public struct RunContextError: Error, Sendable, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
