import SuiteCore

/// One figure of each node over time (its temperature, CPU busy share or network traffic),
/// downsampled as the rows stream by to at most ``pointLimit`` points per node (a sweep of hours
/// sampled every second would otherwise draw tens of thousands): each point is the mean time and
/// mean value of the samples it merges, with their maximum kept beside.
public struct NodeTimeline: Sendable {
  /// One point of a node's line.
  public struct Point: Sendable, Equatable {
    /// Seconds since 1970 (the mean time of the samples merged).
    public var time: Double
    /// The mean of the node's value over the samples merged (°C, %, bytes/s).
    public var mean: Double
    /// The highest of them.
    public var max: Double
    /// How many samples the point merges.
    public var samples: Int

    public init(time: Double, mean: Double, max: Double, samples: Int) {
      (self.time, self.mean, self.max, self.samples) = (time, mean, max, samples)
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

  /// Adds a sample of `host`: its time and its value.
  public mutating func add(host: String, timestamp: String, value: Double) {
    guard let time = UTCTimestamp.seconds(timestamp) else {
      unreadableTimestamps += 1
      return
    }
    add(host: host, time: time, value: value)
  }

  /// Adds a sample of `host` at `time`, seconds since 1970.
  public mutating func add(host: String, time: Double, value: Double) {
    if series[host] == nil {
      hosts.append(host)
      series[host] = DownsampledSeries(limit: pointLimit)
    }
    series[host]!.add(time: time, value: value)
  }

  /// The points of `host`, in time order.
  public func points(host: String) -> [Point] {
    (series[host]?.points ?? []).map { Point(time: $0.time, mean: $0.mean, max: $0.max, samples: $0.count) }
  }

  /// Whether no node has a sample.
  public var isEmpty: Bool { hosts.isEmpty }
}

/// The timelines the report draws, fed in the same streamed pass as the per-node figures: each
/// node's temperature (its hottest sensor per sample, °C), CPU busy share (`utilization_percent`
/// of all cores, %), and network traffic (bytes received and sent per second over every interface
/// but `lo`).
public struct NodeTimelines: Sendable {
  public var temperature: NodeTimeline
  public var cpu: NodeTimeline
  public var network: NodeTimeline

  public init(pointLimit: Int = 500) {
    temperature = NodeTimeline(pointLimit: pointLimit)
    cpu = NodeTimeline(pointLimit: pointLimit)
    network = NodeTimeline(pointLimit: pointLimit)
  }

  /// The most points kept per node, the same for the three.
  public var pointLimit: Int { temperature.pointLimit }

  /// Samples of any of the three left out for their timestamp.
  public var unreadableTimestamps: Int {
    temperature.unreadableTimestamps + cpu.unreadableTimestamps + network.unreadableTimestamps
  }
}
