/// The telemetry of the runs being compared: each run's folder read once, in one streamed pass
/// (see ``RunTelemetryDigest``), and the timelines (temperature, CPU, network) of a chosen set of
/// them drawn in the same pass.
public struct TelemetryDigests: Sendable {
  /// The digests of the runs that have a telemetry folder, by run id.
  public var runs: [String: RunTelemetryDigest]
  /// The timelines of the runs in `timelineRunIDs` (empty when none was asked for).
  public var timelines: NodeTimelines
  /// The runs actually drawn on the timeline (those with a readable folder), in the order read.
  public var timelineRuns: [String]
  /// Unreadable folders and broken rows, each naming the file (and line).
  public var warnings: [String]

  public init(
    runs: [String: RunTelemetryDigest] = [:], timelines: NodeTimelines = NodeTimelines(),
    timelineRuns: [String] = [], warnings: [String] = []
  ) {
    (self.runs, self.timelines, self.timelineRuns, self.warnings) = (runs, timelines, timelineRuns, warnings)
  }

  /// Reads the folder of every run in `runs` that has one; the runs in `timelineRunIDs` also
  /// feed the timelines, at most `pointLimit` points per node.
  public static func read(runs: [CatalogRun], timelineRunIDs: Set<String> = [], pointLimit: Int = 500)
    -> TelemetryDigests
  {
    var digests = TelemetryDigests(timelines: NodeTimelines(pointLimit: pointLimit))
    for run in runs {
      guard let folder = run.telemetryFolder else { continue }
      let drawn = timelineRunIDs.contains(run.runID)
      var timelines: NodeTimelines? = drawn ? digests.timelines : nil
      if drawn { digests.timelines = NodeTimelines(pointLimit: pointLimit) }  // moved out, not copied
      do {
        let (digest, warnings) = try RunTelemetryDigest.read(
          runID: run.runID, folder: folder, timelines: &timelines)
        digests.runs[run.runID] = digest
        digests.warnings += warnings
        if drawn { digests.timelineRuns.append(run.runID) }
      } catch {
        digests.warnings.append(error.description)
      }
      if let timelines { digests.timelines = timelines }
    }
    if digests.timelines.unreadableTimestamps > 0 {
      digests.warnings.append(
        "\(digests.timelines.unreadableTimestamps) sample(s) left off the timelines: "
          + "their timestamp is not ISO 8601 UTC (YYYY-MM-DDTHH:MM:SS[.fff]Z)")
    }
    return digests
  }

  /// The figures of each node over the runs in `runIDs` (a node in several runs merged), in order
  /// of first appearance.
  public func nodes<Runs: Sequence<String>>(of runIDs: Runs) -> [NodeTelemetry] {
    var order: [String] = []
    var merged: [String: NodeTelemetry] = [:]
    for runID in runIDs {
      for node in runs[runID]?.nodes ?? [] {
        if merged[node.host] == nil {
          order.append(node.host)
          merged[node.host] = node
        } else {
          merged[node.host]!.merge(node)
        }
      }
    }
    return order.map { merged[$0]! }
  }

  /// The nodes of the runs in `runIDs` and what they show together: the hottest reading, the mean
  /// node temperature over every sample (each node's hottest sensor), the most memory one node
  /// used, and the most resident memory the job's ranks held on one node.
  public func summary<Runs: Sequence<String>>(of runIDs: Runs) -> GroupTelemetry {
    let nodes = nodes(of: runIDs)
    let samples = nodes.reduce(0) { $0 + $1.temperatureSamples }
    return GroupTelemetry(
      nodes: nodes, temperatureMaxCelsius: nodes.compactMap(\.temperatureMaxCelsius).max(),
      temperatureMeanCelsius: samples > 0
        ? nodes.reduce(0) { $0 + $1.temperatureSumCelsius } / Double(samples) : nil,
      memUsedPeakBytes: nodes.compactMap(\.memUsedPeakBytes).max(),
      memUsedPeakPercent: nodes.compactMap(\.memUsedPeakPercent).max(),
      jobResidentPeakBytes: nodes.compactMap(\.jobResidentPeakBytes).max(),
      jobResidentPeakPercent: nodes.compactMap(\.jobResidentPeakPercent).max())
  }
}

/// What the telemetry of a group of runs (a line of a compare table) shows over all their nodes.
public struct GroupTelemetry: Sendable, Equatable {
  public var nodes: [NodeTelemetry]
  /// The highest reading of any sensor on any node, °C.
  public var temperatureMaxCelsius: Double?
  /// The mean of the nodes' temperatures (each node's hottest sensor per sample) over every node and sample, °C.
  public var temperatureMeanCelsius: Double?
  /// The most memory one node used (MemTotal − MemAvailable), bytes, and as a percent of its MemTotal.
  public var memUsedPeakBytes: UInt64?
  public var memUsedPeakPercent: Double?
  /// The most resident memory the job's ranks held on one node (the sum over its ranks), bytes,
  /// and the largest as a percent of a node's MemTotal.
  public var jobResidentPeakBytes: UInt64?
  public var jobResidentPeakPercent: Double?
}
