/// One node's figures over one run, as the comparison and the report use them.
///
/// The node's temperature at a sample is its hottest sensor then (a board's CPU zone, a PC's
/// package sensor), so nodes with different sensors compare; cooling devices are no sensors.
public struct NodeTelemetry: Sendable, Equatable {
  public var host: String
  /// The highest reading of any sensor, °C.
  public var temperatureMaxCelsius: Double?
  /// The sum over samples of the node's temperature (its hottest sensor), °C.
  public var temperatureSumCelsius: Double
  /// The samples with at least one temperature reading.
  public var temperatureSamples: Int
  /// The largest memory used (MemTotal − MemAvailable), bytes.
  public var memUsedPeakBytes: UInt64?
  /// The largest memory used as a percentage of MemTotal.
  public var memUsedPeakPercent: Double?
  /// The job's own memory: the largest sum, in one sample, of the resident memory (VmRSS) of the
  /// run's ranks on the node (`ranks_resident_bytes`), bytes.
  public var jobResidentPeakBytes: UInt64?
  /// The same as a percentage of the node's MemTotal (the largest of any sample).
  public var jobResidentPeakPercent: Double?
  /// The run's notes for the node: the sources its sampler could not read, or that it sent nothing.
  public var notes: [String]

  public init(
    host: String, temperatureMaxCelsius: Double? = nil, temperatureSumCelsius: Double = 0, temperatureSamples: Int = 0,
    memUsedPeakBytes: UInt64? = nil, memUsedPeakPercent: Double? = nil, jobResidentPeakBytes: UInt64? = nil,
    jobResidentPeakPercent: Double? = nil, notes: [String] = []
  ) {
    (self.host, self.temperatureMaxCelsius, self.temperatureSumCelsius) = (
      host, temperatureMaxCelsius, temperatureSumCelsius
    )
    (self.temperatureSamples, self.memUsedPeakBytes, self.memUsedPeakPercent, self.notes) = (
      temperatureSamples, memUsedPeakBytes, memUsedPeakPercent, notes
    )
    (self.jobResidentPeakBytes, self.jobResidentPeakPercent) = (jobResidentPeakBytes, jobResidentPeakPercent)
  }

  /// The mean over samples of the node's temperature, °C; `nil` without readings.
  public var temperatureMeanCelsius: Double? {
    temperatureSamples == 0 ? nil : temperatureSumCelsius / Double(temperatureSamples)
  }

  /// Adds `other`'s figures (the same node in another run): maxima of maxima, sums of sums.
  public mutating func merge(_ other: NodeTelemetry) {
    temperatureMaxCelsius = Self.larger(temperatureMaxCelsius, other.temperatureMaxCelsius)
    temperatureSumCelsius += other.temperatureSumCelsius
    temperatureSamples += other.temperatureSamples
    memUsedPeakBytes = Self.larger(memUsedPeakBytes, other.memUsedPeakBytes)
    memUsedPeakPercent = Self.larger(memUsedPeakPercent, other.memUsedPeakPercent)
    jobResidentPeakBytes = Self.larger(jobResidentPeakBytes, other.jobResidentPeakBytes)
    jobResidentPeakPercent = Self.larger(jobResidentPeakPercent, other.jobResidentPeakPercent)
    for note in other.notes where !notes.contains(note) { notes.append(note) }
  }

  static func larger<T: Comparable>(_ current: T?, _ value: T?) -> T? {
    guard let value else { return current }
    return max(current ?? value, value)
  }
}
