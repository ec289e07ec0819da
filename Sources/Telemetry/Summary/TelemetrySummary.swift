/// Per node of a ``TelemetryFolder``: temperatures per sensor type, the job's and the node's peak
/// memory, mean CPU
/// utilization, network traffic, the samples, and what went wrong on it.
///
/// Nodes come in the order of the metadata's hosts, then of their first row; a node named by the
/// metadata without a single row (its sampler failed or never reported) is kept, with a note
/// saying so, so that a failing node shows up rather than silently missing. Render it with
/// ``table()`` or ``csv()``.
public struct TelemetrySummary: Sendable, Equatable {
  /// The temperatures of one sensor type on a node (`cpu-thermal`, `nvme Composite`): every
  /// sensor of that type, all samples.
  public struct SensorType: Sendable, Equatable {
    /// The `type` column of `thermal.csv`.
    public var type: String
    public var maxCelsius: Double
    public var meanCelsius: Double
    /// The number of temperature readings (rows) of this type.
    public var readings: Int

    public init(type: String, maxCelsius: Double, meanCelsius: Double, readings: Int) {
      (self.type, self.maxCelsius, self.meanCelsius, self.readings) = (type, maxCelsius, meanCelsius, readings)
    }
  }

  /// One node's figures; `nil` when no row gave the value.
  public struct Node: Sendable, Equatable {
    public var host: String
    /// Temperature sensors by type, in order of first appearance; cooling devices are left out.
    public var sensorTypes: [SensorType]
    /// The job's own memory at its peak: the largest `ranks_resident_bytes`, the sum of the
    /// resident sizes (RSS) of the job's ranks on the node in one sample.
    public var jobResidentPeakBytes: UInt64?
    /// The node's used memory at its peak, the largest `mem_used_bytes` (MemTotal −
    /// MemAvailable): the job and everything else the node runs, not the job alone.
    public var memUsedPeakBytes: UInt64?
    /// The largest `mem_used_percent`.
    public var memUsedPeakPercent: Double?
    /// The largest peak resident size of one rank: `rank_max_peak_resident_bytes`, or
    /// `rank_max_resident_bytes` in rows without it.
    public var rankPeakResidentBytes: UInt64?
    /// The mean of `utilization_percent` over the rows of all cores (`cpu` = `all`).
    public var cpuMeanPercent: Double?
    /// Bytes received over every interface but `lo`, over the whole run.
    public var receiveBytes: UInt64?
    /// Bytes transmitted over every interface but `lo`, over the whole run.
    public var transmitBytes: UInt64?
    /// The rows of `memory.csv` (one per sample), or of `cpu.csv` for all cores when there are none.
    public var samples: Int
    /// The earliest and latest timestamps of the node's rows in any file.
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    /// The metadata's problems for this node, and a note when it has no rows.
    public var notes: [String]

    public init(
      host: String, sensorTypes: [SensorType] = [], jobResidentPeakBytes: UInt64? = nil,
      memUsedPeakBytes: UInt64? = nil, memUsedPeakPercent: Double? = nil,
      rankPeakResidentBytes: UInt64? = nil, cpuMeanPercent: Double? = nil, receiveBytes: UInt64? = nil,
      transmitBytes: UInt64? = nil, samples: Int = 0, firstTimestamp: String? = nil, lastTimestamp: String? = nil,
      notes: [String] = []
    ) {
      (self.host, self.sensorTypes, self.jobResidentPeakBytes) = (host, sensorTypes, jobResidentPeakBytes)
      (self.memUsedPeakBytes, self.memUsedPeakPercent) = (memUsedPeakBytes, memUsedPeakPercent)
      (self.rankPeakResidentBytes, self.cpuMeanPercent, self.receiveBytes, self.transmitBytes) = (
        rankPeakResidentBytes, cpuMeanPercent, receiveBytes, transmitBytes
      )
      (self.samples, self.firstTimestamp, self.lastTimestamp, self.notes) = (
        samples, firstTimestamp, lastTimestamp, notes
      )
    }
  }

  /// The note of a node the metadata names that has no rows.
  public static let noSamplesNote = "no samples (its sampler failed or never reported)"

  public var nodes: [Node]

  public init(nodes: [Node]) { self.nodes = nodes }

  /// Summarizes `folder`'s rows.
  public init(_ folder: TelemetryFolder) {
    var builder = Builder()
    for row in folder.thermal { builder.consume(row) }
    for row in folder.memory { builder.consume(row) }
    for row in folder.cpu { builder.consume(row) }
    for row in folder.network { builder.consume(row) }
    self = builder.summary(metadata: folder.metadata)
  }

  /// Summarizes the folder at `path` in one streamed pass (see
  /// ``TelemetryFolder/scan(path:files:into:)``), without keeping its rows; the folder returned has the
  /// metadata and the warnings.
  public static func scan(path: String) throws(TelemetryFolderError) -> (
    summary: TelemetrySummary, folder: TelemetryFolder
  ) {
    var builder = Builder()
    let folder = try TelemetryFolder.scan(path: path, into: &builder)
    return (builder.summary(metadata: folder.metadata), folder)
  }

  /// Builds a summary from rows handed over one at a time: running totals per node, so memory
  /// grows with the nodes, not the rows. Feed it with ``TelemetryFolder/scan(path:files:into:)`` (or
  /// from another consumer that needs the same pass), then call ``summary(metadata:)``.
  public struct Builder: TelemetryRowConsumer, Sendable {
    private var order: [String] = []
    private var nodes: [String: Accumulator] = [:]

    public init() {}

    public mutating func consume(_ row: TelemetryRow.Thermal) { nodes[register(row.host)]!.add(row) }
    public mutating func consume(_ row: TelemetryRow.Memory) { nodes[register(row.host)]!.add(row) }
    public mutating func consume(_ row: TelemetryRow.CPU) { nodes[register(row.host)]!.add(row) }
    public mutating func consume(_ row: TelemetryRow.Network) { nodes[register(row.host)]!.add(row) }

    /// The summary of the rows so far. Nodes the metadata names come first, in its order (then
    /// those it names only for their problems, sorted), then the others in order of their first
    /// row; the metadata's problems become each node's notes.
    public func summary(metadata: RunMetadata?) -> TelemetrySummary {
      // Hosts with problems but missing from `hosts` still get their line, after the listed ones.
      let named = (metadata?.hosts ?? []) + (metadata?.problems.keys.sorted() ?? [])
      var seen = Set<String>()
      let hosts = (named + order).filter { seen.insert($0).inserted }
      return TelemetrySummary(
        nodes: hosts.map { host in
          let accumulator = nodes[host] ?? Accumulator(host: host)
          var summary = accumulator.finished
          summary.notes = metadata?.problems[host] ?? []
          if accumulator.rows == 0 && named.contains(host) { summary.notes.append(TelemetrySummary.noSamplesNote) }
          return summary
        })
    }

    /// `host`, with running totals created on its first row.
    private mutating func register(_ host: String) -> String {
      if nodes[host] == nil {
        order.append(host)
        nodes[host] = Accumulator(host: host)
      }
      return host
    }
  }
}

/// Running totals of one node while the rows are read.
private struct Accumulator: Sendable {
  var node: TelemetrySummary.Node
  var sensorTypes: [String] = []
  var temperatures: [String: (max: Double, sum: Double, count: Int)] = [:]
  var memoryRows = 0
  var cpuAllRows = 0
  var cpuSum = 0.0
  var cpuCount = 0
  var rows = 0

  init(host: String) { node = TelemetrySummary.Node(host: host) }

  mutating func add(_ row: TelemetryRow.Thermal) {
    see(row.timestamp)
    guard let celsius = row.temperatureCelsius else { return }  // a cooling device
    if let seen = temperatures[row.type] {
      temperatures[row.type] = (max(seen.max, celsius), seen.sum + celsius, seen.count + 1)
    } else {
      sensorTypes.append(row.type)
      temperatures[row.type] = (celsius, celsius, 1)
    }
  }

  mutating func add(_ row: TelemetryRow.Memory) {
    see(row.timestamp)
    memoryRows += 1
    node.jobResidentPeakBytes = larger(node.jobResidentPeakBytes, row.ranksResidentBytes)
    node.memUsedPeakBytes = larger(node.memUsedPeakBytes, row.memUsedBytes)
    node.memUsedPeakPercent = larger(node.memUsedPeakPercent, row.memUsedPercent)
    node.rankPeakResidentBytes = larger(
      node.rankPeakResidentBytes, row.rankMaxPeakResidentBytes ?? row.rankMaxResidentBytes)
  }

  mutating func add(_ row: TelemetryRow.CPU) {
    see(row.timestamp)
    guard row.cpu == "all" else { return }
    cpuAllRows += 1
    if let percent = row.utilizationPercent {
      cpuSum += percent
      cpuCount += 1
    }
  }

  mutating func add(_ row: TelemetryRow.Network) {
    see(row.timestamp)
    guard row.device != "lo" else { return }  // traffic within the node, not between nodes
    node.receiveBytes = sum(node.receiveBytes, row.receiveBytes)
    node.transmitBytes = sum(node.transmitBytes, row.transmitBytes)
  }

  /// The node's figures once every row is in.
  var finished: TelemetrySummary.Node {
    var node = self.node
    node.sensorTypes = sensorTypes.map { type in
      let seen = temperatures[type]!
      return .init(type: type, maxCelsius: seen.max, meanCelsius: seen.sum / Double(seen.count), readings: seen.count)
    }
    node.cpuMeanPercent = cpuCount == 0 ? nil : cpuSum / Double(cpuCount)
    node.samples = memoryRows > 0 ? memoryRows : cpuAllRows
    return node
  }

  /// Counts a row and widens the node's time span; ISO 8601 UTC timestamps sort as text.
  private mutating func see(_ timestamp: String) {
    rows += 1
    guard !timestamp.isEmpty else { return }
    node.firstTimestamp = min(node.firstTimestamp ?? timestamp, timestamp)
    node.lastTimestamp = max(node.lastTimestamp ?? timestamp, timestamp)
  }

  private func larger<T: Comparable>(_ current: T?, _ value: T?) -> T? {
    guard let value else { return current }
    return max(current ?? value, value)
  }

  /// Saturates rather than traps: a corrupt huge counter must not crash a node.
  private func sum(_ current: UInt64?, _ value: UInt64?) -> UInt64? {
    guard let value else { return current }
    let (total, overflow) = (current ?? 0).addingReportingOverflow(value)
    return overflow ? .max : total
  }
}
