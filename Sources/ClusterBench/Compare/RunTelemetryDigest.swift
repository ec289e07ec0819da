import SuiteCore
import Telemetry

/// One run's telemetry folder reduced, in one streamed pass, to per-node figures
/// (``NodeTelemetry``), and optionally fed into the report's timelines on the way.
public struct RunTelemetryDigest: Sendable, Equatable {
  public var runID: String
  public var folder: String
  /// Per node, in the order of the folder's summary (the metadata's hosts first).
  public var nodes: [NodeTelemetry]

  public init(runID: String, folder: String, nodes: [NodeTelemetry]) {
    (self.runID, self.folder, self.nodes) = (runID, folder, nodes)
  }

  /// Reads the folder of `runID`; each node's temperature, CPU busy share and network traffic per
  /// sample also go to `timelines` when they are given (only then are `cpu.csv` and `network.csv`,
  /// most of a folder's rows, read). Returns the digest and the folder's warnings; throws when
  /// the path is not a telemetry folder.
  public static func read(
    runID: String, folder: String, timelines: inout NodeTimelines?
  ) throws(TelemetryFolderError) -> (digest: RunTelemetryDigest, warnings: [String]) {
    var consumer = Consumer(timelines: timelines)
    timelines = nil  // moved into the consumer, so that it is not copied on write
    let files: Set<TelemetryCSV.File> =
      consumer.timelines == nil ? [.thermal, .memory] : Set(TelemetryCSV.File.allCases)
    let read = try TelemetryFolder.scan(path: folder, files: files, into: &consumer)
    consumer.finish()
    timelines = consumer.timelines
    let summary = consumer.summary.summary(metadata: read.metadata)
    let nodes = summary.nodes.map { node in
      let temperatures = consumer.temperatures[node.host] ?? NodeTemperatures()
      return NodeTelemetry(
        host: node.host, temperatureMaxCelsius: temperatures.max, temperatureSumCelsius: temperatures.sum,
        temperatureSamples: temperatures.samples, memUsedPeakBytes: node.memUsedPeakBytes,
        memUsedPeakPercent: node.memUsedPeakPercent, jobResidentPeakBytes: node.jobResidentPeakBytes,
        jobResidentPeakPercent: consumer.jobPeakPercent[node.host], notes: node.notes)
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

/// One node's network traffic per sample: the rows of a sample (one per interface, sharing its
/// timestamp) summed, and turned into bytes per second over the time since the node's previous
/// sample. Counters are deltas since that sample, so the first sample of a node (which has no
/// network rows) is its first memory or CPU row.
struct NodeTrafficRate: Sendable {
  /// When the node was sampled before the sample being read, seconds since 1970.
  var previous: Double?
  var time: Double?
  var bytes = 0.0

  /// Takes one interface's row; returns the previous sample's time and rate when this row starts
  /// a new one.
  mutating func add(time: Double, bytes: Double) -> (time: Double, bytesPerSecond: Double)? {
    if time == self.time {
      self.bytes += bytes
      return nil
    }
    let finished = finish()
    (self.time, self.bytes) = (time, bytes)
    return finished
  }

  /// Closes the sample being read, returning its time and rate (none without an earlier sample).
  mutating func finish() -> (time: Double, bytesPerSecond: Double)? {
    guard let time else { return nil }
    defer { (previous, self.time) = (time, nil) }
    guard let previous, time > previous else { return nil }
    return (time, bytes / (time - previous))
  }
}

/// Every thermal and memory row goes to the summary builder (memory, notes, node order);
/// temperature readings also to the per-node temperatures, memory rows to the job's resident
/// memory per node, and, when timelines are drawn, readings, CPU and network rows to them.
private struct Consumer: TelemetryRowConsumer {
  var summary = TelemetrySummary.Builder()
  var temperatures: [String: NodeTemperatures] = [:]
  /// Per node, the largest share of MemTotal the ranks' resident memory took in one sample.
  var jobPeakPercent: [String: Double] = [:]
  var traffic: [String: NodeTrafficRate] = [:]
  var timelines: NodeTimelines?

  mutating func consume(_ row: TelemetryRow.Thermal) {
    summary.consume(row)
    guard let celsius = row.temperatureCelsius else { return }  // a cooling device
    if let sample = temperatures[row.host, default: NodeTemperatures()].add(timestamp: row.timestamp, celsius: celsius)
    {
      timelines?.temperature.add(host: row.host, timestamp: sample.timestamp, value: sample.celsius)
    }
  }

  mutating func consume(_ row: TelemetryRow.Memory) {
    summary.consume(row)
    // The job's peak bytes come from the summary; the share of MemTotal at that sample, here.
    if let bytes = row.ranksResidentBytes, let total = row.memTotalBytes, total > 0 {
      let percent = Double(bytes) / Double(total) * 100
      jobPeakPercent[row.host] = max(jobPeakPercent[row.host] ?? percent, percent)
    }
    seeSample(host: row.host, timestamp: row.timestamp)
  }

  mutating func consume(_ row: TelemetryRow.CPU) {
    guard row.cpu == "all" else { return }
    seeSample(host: row.host, timestamp: row.timestamp)
    if let percent = row.utilizationPercent {
      timelines?.cpu.add(host: row.host, timestamp: row.timestamp, value: percent)
    }
  }

  mutating func consume(_ row: TelemetryRow.Network) {
    guard row.device != "lo", timelines != nil else { return }  // lo: traffic within the node
    guard let time = UTCTimestamp.seconds(row.timestamp) else {
      timelines?.network.add(host: row.host, timestamp: row.timestamp, value: 0)  // counted as unreadable
      return
    }
    let bytes = Double(row.receiveBytes ?? 0) + Double(row.transmitBytes ?? 0)
    if let sample = traffic[row.host, default: NodeTrafficRate()].add(time: time, bytes: bytes) {
      timelines?.network.add(host: row.host, time: sample.time, value: sample.bytesPerSecond)
    }
  }

  /// Notes the node's first sample, the start of its first network delta.
  private mutating func seeSample(host: String, timestamp: String) {
    guard timelines != nil, traffic[host] == nil, let time = UTCTimestamp.seconds(timestamp) else { return }
    traffic[host] = NodeTrafficRate(previous: time)
  }

  /// Closes every node's last sample.
  mutating func finish() {
    for host in temperatures.keys.sorted() {
      if let sample = temperatures[host]!.finish() {
        timelines?.temperature.add(host: host, timestamp: sample.timestamp, value: sample.celsius)
      }
    }
    for host in traffic.keys.sorted() {
      if let sample = traffic[host]!.finish() {
        timelines?.network.add(host: host, time: sample.time, value: sample.bytesPerSecond)
      }
    }
  }
}
