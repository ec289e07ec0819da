import Foundation

/// Samples one node's kernel files, keeping what deltas need between samples.
///
/// ``sample(at:)`` never throws. A missing source leaves its fields empty; a source that fails
/// (a ``TelemetryError``) is recorded in ``problems`` the first time it fails, and not again.
/// Sensors fail one file at a time, as in node exporter: a thermal zone, hwmon input, cooling
/// device or core frequency that cannot be read is recorded once, by its file, and skipped while
/// it fails, and every other sensor is still sampled. Missing /proc sources, and a node without
/// any temperature sensor, are recorded once too; missing cpufreq (common in virtual machines)
/// is not.
public final class NodeSampler {
  public let host: String
  /// The sysfs tree read; may be changed between samples (tests point it at fixtures).
  public var sysfs: SysFS
  /// The procfs tree read; may be changed between samples.
  public var procfs: ProcFS
  /// The processes whose resident memory is sampled (the node's ranks).
  public var pids: [Int32]
  /// Where the processes' `status` files are read: always the live `/proc`, whatever ``procfs``
  /// says, because a rank's memory comes from the process itself, never from a fixture.
  public var processFS = ProcFS(root: "/proc")
  /// Called with each source's name (`thermal zones`, `hwmon`, `meminfo`, ...) before it is
  /// read, so that a watcher on another thread can name a read that blocks in its driver.
  public var willRead: ((String) -> Void)?
  /// One message per source that failed or is missing, each naming the source and its file,
  /// in the order first seen.
  public private(set) var problems: [String] = []

  private var reportedSources: Set<String> = []
  private var previousStat: Stat?
  private var previousNetDev: NetDev?

  public init(host: String, sysfs: SysFS = SysFS(), procfs: ProcFS = ProcFS(), pids: [Int32] = []) {
    (self.host, self.sysfs, self.procfs, self.pids) = (host, sysfs, procfs, pids)
  }

  /// Reads every source once. Deltas (CPU usage, network) are against the previous successful read.
  public func sample(at timestamp: Date = Date()) -> NodeSample {
    var sample = NodeSample(timestamp: timestamp, host: host)
    sampleSensors(into: &sample)

    sample.meminfo = readPresent("meminfo", file: "meminfo") { () throws(TelemetryError) in try procfs.meminfo() }
    sample.loadAverage = readPresent("loadavg", file: "loadavg") { () throws(TelemetryError) in
      try procfs.loadAverage()
    }
    if let stat = readPresent("stat", file: "stat", { () throws(TelemetryError) in try procfs.stat() }) {
      if let previous = previousStat {
        sample.cpuUsage = CPUUsage(from: previous.total, to: stat.total)
        for (cpu, jiffies) in stat.perCPU {
          if let before = previous.perCPU[cpu], let usage = CPUUsage(from: before, to: jiffies) {
            sample.perCPUUsage[cpu] = usage
          }
        }
      }
      previousStat = stat
    }
    if let netDev = readPresent("net/dev", file: "net/dev", { () throws(TelemetryError) in try procfs.netDev() }) {
      if let previous = previousNetDev { sample.network = NetDev.delta(from: previous, to: netDev).interfaces }
      previousNetDev = netDev
    }
    for pid in pids {
      let status = read("status of pid \(pid)") { () throws(TelemetryError) in try processFS.processStatus(pid: pid) }
      if let status = status ?? nil {
        sample.processes.append(
          ProcessMemory(pid: pid, residentBytes: status.residentBytes, peakResidentBytes: status.peakResidentBytes))
      }
    }
    return sample
  }

  /// Temperatures, cooling devices and core frequencies, each sensor on its own.
  private func sampleSensors(into sample: inout NodeSample) {
    let zones = sensors("thermal zones") { sysfs.thermalZones() }
    let chips = sensors("hwmon") { sysfs.hwmon() }
    sample.temperatures =
      zones.values.map {
        TemperatureReading(sensor: $0.name, type: $0.type, temperatureCelsius: $0.temperatureCelsius)
      } + Self.temperatures(of: chips.values)
    if zones.values.isEmpty, zones.failures.isEmpty, chips.failures.isEmpty,
      chips.values.allSatisfy({ $0.temperatures.isEmpty })
    {
      report(
        "temperatures",
        "temperatures: no thermal zone under \(sysfs.path("class/thermal")) and no hwmon sensor under "
          + "\(sysfs.path("class/hwmon")); thermal columns left empty")
    }
    sample.coolingDevices = sensors("cooling devices") { sysfs.coolingDevices() }.values
    sample.cpuFrequencies = sensors("cpufreq") { sysfs.cpuFrequencies() }.values
  }

  /// The readings of every chip's sensors. The type is the chip's name and the sensor's label
  /// (`nvme Composite`); when several chips share a name (two coretemp packages, two NVMe
  /// drives), each chip's device stands for the name (`platform_coretemp_1 Core 0`), so sensors
  /// of different chips never share a type.
  static func temperatures(of chips: [Hwmon]) -> [TemperatureReading] {
    var namesSeen: [String: Int] = [:]
    for chip in chips { namesSeen[chip.name ?? "", default: 0] += 1 }
    return chips.flatMap { chip in
      let shared = chip.name.map { namesSeen[$0, default: 0] > 1 } ?? false
      return chip.temperatures.map { sensor in
        TemperatureReading(
          sensor: "\(chip.folder)/\(sensor.sensor)",
          type: [shared ? chip.chip : chip.name, sensor.label].compactMap { $0 }.joined(separator: " "),
          temperatureCelsius: sensor.temperatureCelsius)
      }
    }
  }

  /// `body`'s readings, after recording each sensor that failed, once per file.
  private func sensors<T>(_ source: String, _ body: () -> SensorReadings<T>) -> SensorReadings<T> {
    willRead?(source)
    let readings = body()
    for failure in readings.failures {
      report(
        "\(source) \(failure.path)", "\(source): \(failure.description); that sensor is skipped, the others sampled")
    }
    return readings
  }

  /// `body`'s result, or `nil` after recording its error under `source`.
  private func read<T>(_ source: String, _ body: () throws(TelemetryError) -> T) -> T? {
    willRead?(source)
    do {
      return try body()
    } catch {
      report(source, "\(source): \(error.description)")
      return nil
    }
  }

  /// Like ``read(_:_:)`` for a /proc file that should exist: its absence is recorded too.
  private func readPresent<T>(_ source: String, file: String, _ body: () throws(TelemetryError) -> T?) -> T? {
    guard let result = read(source, body) else { return nil }
    if result == nil { report(source, "\(source): \(procfs.path(file)) is missing; its columns left empty") }
    return result
  }

  private func report(_ source: String, _ message: String) {
    if reportedSources.insert(source).inserted { problems.append(message) }
  }
}
