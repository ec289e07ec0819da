/// Each node's temperature over time, downsampled as the rows stream by to at most
/// ``pointLimit`` points per node (a sweep of hours sampled every second would otherwise draw
/// tens of thousands): each point is the mean time and mean temperature of the samples it merges,
/// with their maximum kept beside.
public struct TemperatureTimeline: Sendable {
  /// One point of a node's line.
  public struct Point: Sendable, Equatable {
    /// Seconds since 1970 (the mean time of the samples merged).
    public var time: Double
    /// The mean of the node's temperature over the samples merged, °C.
    public var meanCelsius: Double
    /// The highest of them, °C.
    public var maxCelsius: Double
    /// How many samples the point merges.
    public var samples: Int

    public init(time: Double, meanCelsius: Double, maxCelsius: Double, samples: Int) {
      (self.time, self.meanCelsius, self.maxCelsius, self.samples) = (time, meanCelsius, maxCelsius, samples)
    }
  }

  /// The most points kept per node.
  public let pointLimit: Int
  /// The nodes, in order of their first sample.
  public private(set) var hosts: [String] = []
  /// Samples left out because their timestamp was not ISO 8601 UTC.
  public private(set) var unreadableTimestamps = 0
  private var series: [String: DownsampledSeries] = [:]

  public init(pointLimit: Int = 500) { self.pointLimit = pointLimit }

  /// Adds a sample of `host`: its time and its temperature.
  public mutating func add(host: String, timestamp: String, celsius: Double) {
    guard let time = UTCTimestamp.seconds(timestamp) else {
      unreadableTimestamps += 1
      return
    }
    if series[host] == nil {
      hosts.append(host)
      series[host] = DownsampledSeries(limit: pointLimit)
    }
    series[host]!.add(time: time, value: celsius)
  }

  /// The points of `host`, in time order.
  public func points(host: String) -> [Point] {
    (series[host]?.points ?? []).map {
      Point(time: $0.time, meanCelsius: $0.mean, maxCelsius: $0.max, samples: $0.count)
    }
  }

  /// Whether no node has a sample.
  public var isEmpty: Bool { hosts.isEmpty }
}
