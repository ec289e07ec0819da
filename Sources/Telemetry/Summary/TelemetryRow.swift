import CSVFiles

/// The rows of the four telemetry CSV files read back, one type per file (see
/// ``TelemetryCSV/File/columns`` for the columns); an empty field is `nil`.
///
/// Timestamps stay text: ISO 8601 in UTC with a fixed number of fraction digits, so they sort as
/// strings in time order.
public enum TelemetryRow {
  /// A row of `thermal.csv`: a temperature sensor (``temperatureCelsius`` set) or a cooling device
  /// (``coolingCurrentState`` and ``coolingMaxState`` set).
  public struct Thermal: Sendable, Equatable {
    public var timestamp: String
    public var runID: String
    public var host: String
    /// `thermal_zone0`, `hwmon0/temp1`, `cooling_device0`.
    public var sensor: String
    /// The zone's or cooling device's `type`, or the hwmon chip and label.
    public var type: String
    /// `temp_celsius`.
    public var temperatureCelsius: Double?
    /// `cooling_current_state`.
    public var coolingCurrentState: Int?
    /// `cooling_max_state`.
    public var coolingMaxState: Int?
  }

  /// A row of `memory.csv`: one per sample of a host; bytes are bytes.
  public struct Memory: Sendable, Equatable {
    public var timestamp: String
    public var runID: String
    public var host: String
    public var memTotalBytes: UInt64?
    public var memAvailableBytes: UInt64?
    public var memUsedBytes: UInt64?
    public var memUsedPercent: Double?
    public var swapUsedBytes: UInt64?
    /// How many ranks (processes given to the sampler) were alive on the host.
    public var ranks: Int?
    /// The sum of their resident sizes.
    public var ranksResidentBytes: UInt64?
    /// The largest resident size of one rank.
    public var rankMaxResidentBytes: UInt64?
    /// The largest peak resident size (`VmHWM`) of one rank.
    public var rankMaxPeakResidentBytes: UInt64?
  }

  /// A row of `cpu.csv`: ``cpu`` is `all` (every core, with the load averages) or a core number.
  public struct CPU: Sendable, Equatable {
    public var timestamp: String
    public var runID: String
    public var host: String
    /// `all` or the core's number.
    public var cpu: String
    public var utilizationPercent: Double?
    public var userPercent: Double?
    public var systemPercent: Double?
    public var iowaitPercent: Double?
    public var scalingFrequencyHertz: Int?
    public var load1: Double?
    public var load5: Double?
    public var load15: Double?
  }

  /// A row of `network.csv`: one interface's counters since the host's previous sample.
  public struct Network: Sendable, Equatable {
    public var timestamp: String
    public var runID: String
    public var host: String
    /// The interface, `eth0`, `lo`.
    public var device: String
    public var receiveBytes: UInt64?
    public var transmitBytes: UInt64?
    public var receivePackets: UInt64?
    public var transmitPackets: UInt64?
  }
}

// MARK: - From CSV rows

extension TelemetryRow.Thermal {
  init(_ row: CSVTable.Row) throws(CSVValueError) {
    (timestamp, runID, host) = (row["timestamp"], row["run_id"], row["host"])
    (sensor, type) = (row["sensor"], row["type"])
    temperatureCelsius = try row.number("temp_celsius")
    coolingCurrentState = try row.integer("cooling_current_state")
    coolingMaxState = try row.integer("cooling_max_state")
  }
}

extension TelemetryRow.Memory {
  init(_ row: CSVTable.Row) throws(CSVValueError) {
    (timestamp, runID, host) = (row["timestamp"], row["run_id"], row["host"])
    memTotalBytes = try row.count("mem_total_bytes")
    memAvailableBytes = try row.count("mem_available_bytes")
    memUsedBytes = try row.count("mem_used_bytes")
    memUsedPercent = try row.number("mem_used_percent")
    swapUsedBytes = try row.count("swap_used_bytes")
    ranks = try row.integer("ranks")
    ranksResidentBytes = try row.count("ranks_resident_bytes")
    rankMaxResidentBytes = try row.count("rank_max_resident_bytes")
    rankMaxPeakResidentBytes = try row.count("rank_max_peak_resident_bytes")
  }
}

extension TelemetryRow.CPU {
  init(_ row: CSVTable.Row) throws(CSVValueError) {
    (timestamp, runID, host, cpu) = (row["timestamp"], row["run_id"], row["host"], row["cpu"])
    utilizationPercent = try row.number("utilization_percent")
    userPercent = try row.number("user_percent")
    systemPercent = try row.number("system_percent")
    iowaitPercent = try row.number("iowait_percent")
    scalingFrequencyHertz = try row.integer("scaling_frequency_hertz")
    load1 = try row.number("load1")
    load5 = try row.number("load5")
    load15 = try row.number("load15")
  }
}

extension TelemetryRow.Network {
  init(_ row: CSVTable.Row) throws(CSVValueError) {
    (timestamp, runID, host, device) = (row["timestamp"], row["run_id"], row["host"], row["device"])
    receiveBytes = try row.count("receive_bytes")
    transmitBytes = try row.count("transmit_bytes")
    receivePackets = try row.count("receive_packets")
    transmitPackets = try row.count("transmit_packets")
  }
}

extension CSVTable.Row {
  /// A finite decimal number; `nan` and `inf` would poison every mean and maximum.
  fileprivate func number(_ column: String) throws(CSVValueError) -> Double? {
    try value(column, expected: "a number") { Double($0).flatMap { $0.isFinite ? $0 : nil } }
  }

  fileprivate func integer(_ column: String) throws(CSVValueError) -> Int? {
    try value(column, expected: "an integer") { Int($0) }
  }

  fileprivate func count(_ column: String) throws(CSVValueError) -> UInt64? {
    try value(column, expected: "a non-negative integer") { UInt64($0) }
  }
}
