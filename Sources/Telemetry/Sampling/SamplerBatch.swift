/// The CSV rows one node's sampler produced since the last hand-over, ready to send to the rank
/// that writes the files.
public struct SamplerBatch: Codable, Sendable, Equatable {
  /// The node's host name.
  public var host: String
  /// CSV lines (without line ends) per file, keyed by ``TelemetryCSV/File/rawValue``.
  public var rows: [String: [String]]
  /// Problems first seen since the last hand-over (each source is reported once per run).
  public var problems: [String]
  /// Samples taken since the last hand-over.
  public var samples: Int
  /// CPU seconds the sampling thread spent reading and formatting them.
  public var cpuSeconds: Double
  /// The latest sample at a glance, for live displays.
  public var glance: Glance?

  /// Three figures that tell a node's state in one look.
  public struct Glance: Codable, Sendable, Equatable {
    /// The hottest temperature sensor, °C.
    public var hottestCelsius: Double?
    /// Memory used, percent of total.
    public var memoryUsedPercent: Double?
    /// All cores' utilization since the previous sample, percent.
    public var cpuPercent: Double?
  }

  public init(
    host: String, rows: [String: [String]] = [:], problems: [String] = [], samples: Int = 0, cpuSeconds: Double = 0
  ) {
    (self.host, self.rows, self.problems, self.samples, self.cpuSeconds) = (host, rows, problems, samples, cpuSeconds)
  }

  /// Adds `sample`'s rows.
  public mutating func add(_ sample: NodeSample, runID: String) {
    for (file, lines) in TelemetryCSV.rows(for: sample, runID: runID) where !lines.isEmpty {
      rows[file.rawValue, default: []].append(contentsOf: lines)
    }
    samples += 1
    glance = Glance(
      hottestCelsius: sample.temperatures.map(\.temperatureCelsius).max(),
      memoryUsedPercent: sample.meminfo?.usedPercent, cpuPercent: sample.cpuUsage?.utilisationPercent)
  }

  /// Whether there is nothing to hand over.
  public var isEmpty: Bool { samples == 0 && problems.isEmpty }
}
