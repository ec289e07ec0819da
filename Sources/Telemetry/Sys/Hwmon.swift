import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One hardware-monitoring chip, `/sys/class/hwmon/hwmon<N>/`, and its temperature sensors.
///
/// prometheus/procfs has no hwmon reader; node exporter's `hwmon` collector names the metric
/// `node_hwmon_temp_celsius{chip, sensor}`, and its `chip` from the chip's device, as ``chip`` is.
public struct Hwmon: Sendable, Equatable {
  /// One `temp<I>_input` file.
  public struct Temperature: Sendable, Equatable {
    /// The sensor's file stem, such as `temp1`.
    public var sensor: String
    /// The `temp<I>_label` file, such as `Composite` or `Package id 0`, when the driver gives one.
    public var label: String?
    /// The `temp<I>_input` file, which the kernel gives in millidegrees Celsius.
    public var temperatureCelsius: Double

    public init(sensor: String, label: String?, temperatureCelsius: Double) {
      (self.sensor, self.label, self.temperatureCelsius) = (sensor, label, temperatureCelsius)
    }
  }

  /// The chip's folder, such as `hwmon0`.
  public var folder: String
  /// The chip's device, named as node exporter names its `chip`: the device's bus (the folder
  /// above it) and its name, lower-cased, with `_` for anything but letters, digits and `:`, as
  /// `platform_coretemp_0` for `/sys/devices/platform/coretemp.0`. Two chips of one driver (the
  /// two coretemp packages of a two-socket node, two NVMe drives) share a ``name`` but never a
  /// device, and the device keeps its name across reboots where `hwmon<N>` may not. ``folder``
  /// when the chip has no `device` link.
  public var chip: String
  /// The chip's `name` file, such as `nvme` or `coretemp`.
  public var name: String?
  /// The chip's temperature sensors, `temp1` first.
  public var temperatures: [Temperature]

  public init(folder: String, chip: String, name: String?, temperatures: [Temperature]) {
    (self.folder, self.chip, self.name, self.temperatures) = (folder, chip, name, temperatures)
  }
}

extension SysFS {
  /// Every chip in `class/hwmon`; none when the folder is missing.
  ///
  /// Sensors are read from the chip's folder and from its `device/` folder, where older drivers
  /// put their `temp*_input` files (a sensor in both is read from the chip's folder). Chips
  /// without temperature sensors are listed with an empty `temperatures`. A sensor whose input or
  /// label cannot be read or parsed is left out with its error in ``SensorReadings/failures``,
  /// as is a chip whose `name` cannot be read; every other sensor is still read.
  public func hwmon() -> SensorReadings<Hwmon> {
    var chips = SensorReadings<Hwmon>()
    for folder in KernelFiles.entries(path("class/hwmon"), prefix: "hwmon") {
      let chipPath = path("class/hwmon/\(folder)")
      let name: String?
      do { name = try KernelFiles.readValue(chipPath + "/name") } catch {
        chips.failures.append(error)
        continue
      }
      var temperatures = SensorReadings<Hwmon.Temperature>()
      var seen = Set<String>()
      for sensorFolder in [chipPath, chipPath + "/device"] {
        for file in KernelFiles.entries(sensorFolder, prefix: "temp") where file.hasSuffix("_input") {
          let sensor = String(file.dropLast("_input".count))
          guard KernelFiles.index(of: sensor, prefix: "temp") != nil, seen.insert(sensor).inserted else { continue }
          temperatures.read { () throws(TelemetryError) in
            try Self.temperature(sensor, in: sensorFolder)
          }
        }
      }
      let chip = Self.deviceName(chipPath) ?? folder
      chips.values.append(Hwmon(folder: folder, chip: chip, name: name, temperatures: temperatures.values))
      chips.failures += temperatures.failures
    }
    return chips
  }

  /// `sensor`'s reading in `folder`, `nil` when its input file is missing.
  private static func temperature(_ sensor: String, in folder: String) throws(TelemetryError) -> Hwmon.Temperature? {
    guard let milliCelsius = try KernelFiles.readInteger("\(folder)/\(sensor)_input") else { return nil }
    let label = try KernelFiles.readValue("\(folder)/\(sensor)_label")
    return Hwmon.Temperature(sensor: sensor, label: label, temperatureCelsius: Double(milliCelsius) / 1000)
  }

  /// `<bus>_<device>` for the device `chipPath/device` links to, `nil` without such a link.
  static func deviceName(_ chipPath: String) -> String? {
    guard let resolved = realpath(chipPath + "/device", nil) else { return nil }
    defer { free(resolved) }
    let parts = String(cString: resolved).split(separator: "/")
    guard let device = parts.last.map(cleanName), !device.isEmpty else { return nil }
    let bus = parts.count >= 2 ? cleanName(parts[parts.count - 2]) : ""
    return bus.isEmpty ? device : bus + "_" + device
  }

  /// `text` lower-cased, each character but `a`-`z`, `0`-`9`, `:` and `_` made `_`, without `_`
  /// at either end: node exporter's spelling of names in labels.
  static func cleanName(_ text: Substring) -> String {
    let mapped = text.lowercased().map { character -> Character in
      character.isASCII && (character.isLetter || character.isNumber || character == ":") ? character : "_"
    }
    return String(String(mapped).drop { $0 == "_" }.reversed().drop { $0 == "_" }.reversed())
  }
}
