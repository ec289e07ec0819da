import Foundation

/// One temperature sensor's reading: a thermal zone or a hwmon `temp*_input`.
public struct TemperatureReading: Sendable, Equatable {
  /// `thermal_zone0` for a thermal zone, `hwmon0/temp1` for a hwmon sensor.
  public var sensor: String
  /// The zone's `type` (`cpu-thermal`), or the hwmon chip's `name` and the sensor's label
  /// (`nvme Composite`).
  public var type: String
  public var temperatureCelsius: Double

  public init(sensor: String, type: String, temperatureCelsius: Double) {
    (self.sensor, self.type, self.temperatureCelsius) = (sensor, type, temperatureCelsius)
  }
}

/// The resident memory of one process (an MPI rank) on the node.
public struct ProcessMemory: Sendable, Equatable {
  public var pid: Int32
  /// `VmRSS`, in bytes.
  public var residentBytes: UInt64?
  /// `VmHWM` (peak resident), in bytes.
  public var peakResidentBytes: UInt64?

  public init(pid: Int32, residentBytes: UInt64?, peakResidentBytes: UInt64?) {
    (self.pid, self.residentBytes, self.peakResidentBytes) = (pid, residentBytes, peakResidentBytes)
  }
}

/// Everything ``NodeSampler`` read from one node at one moment.
///
/// A source that is missing or failed leaves its field empty (`nil` or `[]`).
public struct NodeSample: Sendable, Equatable {
  public var timestamp: Date
  public var host: String
  /// Thermal zones first, then hwmon sensors.
  public var temperatures: [TemperatureReading]
  /// Cooling devices (fans, throttling states) with their current and maximum state.
  public var coolingDevices: [CoolingDevice]
  /// Per-core scaling frequencies.
  public var cpuFrequencies: [CPUFrequency]
  public var meminfo: Meminfo?
  public var loadAverage: LoadAverage?
  /// Usage of all CPUs since the previous sample; `nil` on the first.
  public var cpuUsage: CPUUsage?
  /// Usage of each core since the previous sample; empty on the first.
  public var perCPUUsage: [Int: CPUUsage]
  /// Per-interface counter deltas since the previous sample; empty on the first.
  public var network: [NetDevLine]
  /// The resident memory of the processes the sampler was given, those still alive.
  public var processes: [ProcessMemory]

  public init(
    timestamp: Date, host: String, temperatures: [TemperatureReading] = [], coolingDevices: [CoolingDevice] = [],
    cpuFrequencies: [CPUFrequency] = [],
    meminfo: Meminfo? = nil, loadAverage: LoadAverage? = nil, cpuUsage: CPUUsage? = nil,
    perCPUUsage: [Int: CPUUsage] = [:], network: [NetDevLine] = [], processes: [ProcessMemory] = []
  ) {
    (self.timestamp, self.host, self.temperatures, self.coolingDevices, self.cpuFrequencies) = (
      timestamp, host, temperatures, coolingDevices, cpuFrequencies
    )
    (self.meminfo, self.loadAverage, self.cpuUsage, self.perCPUUsage) = (meminfo, loadAverage, cpuUsage, perCPUUsage)
    (self.network, self.processes) = (network, processes)
  }

  /// The sum of the current resident sizes over ``processes``, `nil` when none is known.
  public var totalResidentBytes: UInt64? {
    let known = processes.compactMap(\.residentBytes)
    return known.isEmpty ? nil : known.reduce(0, +)
  }
  /// The largest current resident size over ``processes``, `nil` when none is known.
  public var maxResidentBytes: UInt64? { processes.compactMap(\.residentBytes).max() }
  /// The largest peak resident size over ``processes``, `nil` when none is known.
  public var maxPeakResidentBytes: UInt64? { processes.compactMap(\.peakResidentBytes).max() }
}
