import Telemetry

/// One run's telemetry folder reduced, in one streamed pass, to per-node figures
/// (``NodeTelemetry``), and optionally fed into a temperature timeline on the way.
public struct RunTelemetryDigest: Sendable, Equatable {
  public var runID: String
  public var folder: String
  /// Per node, in the order of the folder's summary (the metadata's hosts first).
  public var nodes: [NodeTelemetry]

  public init(runID: String, folder: String, nodes: [NodeTelemetry]) {
    (self.runID, self.folder, self.nodes) = (runID, folder, nodes)
  }

  /// Reads the folder of `runID`; each node's temperature per sample also goes to `timeline`
  /// when one is given. Returns the digest and the folder's warnings; throws when the path is not
  /// a telemetry folder.
  public static func read(
    runID: String, folder: String, timeline: inout TemperatureTimeline?
  ) throws(TelemetryFolderError) -> (digest: RunTelemetryDigest, warnings: [String]) {
    var consumer = Consumer(timeline: timeline)
    timeline = nil  // moved into the consumer, so that it is not copied on write
    // cpu.csv and network.csv (most of a folder's rows) hold nothing the comparison shows.
    let read = try TelemetryFolder.scan(path: folder, files: [.thermal, .memory], into: &consumer)
    consumer.finish()
    timeline = consumer.timeline
    let summary = consumer.summary.summary(metadata: read.metadata)
    let nodes = summary.nodes.map { node in
      let temperatures = consumer.temperatures[node.host] ?? NodeTemperatures()
      return NodeTelemetry(
        host: node.host, temperatureMaxCelsius: temperatures.max, temperatureSumCelsius: temperatures.sum,
        temperatureSamples: temperatures.samples, memUsedPeakBytes: node.memUsedPeakBytes,
        memUsedPeakPercent: node.memUsedPeakPercent, notes: node.notes)
    }
    return (RunTelemetryDigest(runID: runID, folder: folder, nodes: nodes), read.warnings)
  }
}

/// The running temperature figures of one node: the sample being read (rows of one sample share
/// its timestamp and come together) and the totals over the samples before it.
struct NodeTemperatures: Sendable {
  var timestamp: String?
  var hottest = 0.0
  var max: Double?
  var sum = 0.0
  var samples = 0

  /// Takes one reading; returns the previous sample (its timestamp and hottest reading) when this
  /// reading starts a new one.
  mutating func add(timestamp: String, celsius: Double) -> (timestamp: String, celsius: Double)? {
    max = Swift.max(max ?? celsius, celsius)
    if timestamp == self.timestamp {
      hottest = Swift.max(hottest, celsius)
      return nil
    }
    let finished = finish()
    (self.timestamp, hottest) = (timestamp, celsius)
    return finished
  }

  /// Closes the sample being read, returning it.
  mutating func finish() -> (timestamp: String, celsius: Double)? {
    guard let timestamp else { return nil }
    sum += hottest
    samples += 1
    self.timestamp = nil
    return (timestamp, hottest)
  }
}

/// Every row goes to the summary builder (memory, notes, node order); temperature readings also
/// to the per-node temperatures and the timeline.
private struct Consumer: TelemetryRowConsumer {
  var summary = TelemetrySummary.Builder()
  var temperatures: [String: NodeTemperatures] = [:]
  var timeline: TemperatureTimeline?

  mutating func consume(_ row: TelemetryRow.Thermal) {
    summary.consume(row)
    guard let celsius = row.temperatureCelsius else { return }  // a cooling device
    if let sample = temperatures[row.host, default: NodeTemperatures()].add(timestamp: row.timestamp, celsius: celsius)
    {
      timeline?.add(host: row.host, timestamp: sample.timestamp, celsius: sample.celsius)
    }
  }

  mutating func consume(_ row: TelemetryRow.Memory) { summary.consume(row) }

  /// Closes every node's last sample.
  mutating func finish() {
    for host in temperatures.keys.sorted() {
      if let sample = temperatures[host]!.finish() {
        timeline?.add(host: host, timestamp: sample.timestamp, celsius: sample.celsius)
      }
    }
  }
}
