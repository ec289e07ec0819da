/// One hardware-monitoring chip, `/sys/class/hwmon/hwmon<N>/`, and its temperature sensors.
///
/// prometheus/procfs has no hwmon reader; node exporter's `hwmon` collector names the metric
/// `node_hwmon_temp_celsius{chip, sensor}`.
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
  /// The chip's `name` file, such as `nvme` or `coretemp`.
  public var name: String?
  /// The chip's temperature sensors, `temp1` first.
  public var temperatures: [Temperature]

  public init(folder: String, name: String?, temperatures: [Temperature]) {
    (self.folder, self.name, self.temperatures) = (folder, name, temperatures)
  }
}

extension SysFS {
  /// Every chip in `class/hwmon`; an empty list when the folder is missing.
  ///
  /// Chips without temperature sensors are listed with an empty `temperatures`. A `temp*_input`
  /// that is not an integer throws.
  public func hwmon() throws(TelemetryError) -> [Hwmon] {
    var chips: [Hwmon] = []
    for folder in KernelFiles.entries(path("class/hwmon"), prefix: "hwmon") {
      let chipPath = path("class/hwmon/\(folder)")
      var temperatures: [Hwmon.Temperature] = []
      for file in KernelFiles.entries(chipPath, prefix: "temp") where file.hasSuffix("_input") {
        let sensor = String(file.dropLast("_input".count))
        guard KernelFiles.index(of: sensor, prefix: "temp") != nil,
          let milliCelsius = try KernelFiles.readInteger("\(chipPath)/\(file)")
        else { continue }
        let label = try KernelFiles.readValue("\(chipPath)/\(sensor)_label")
        temperatures.append(
          Hwmon.Temperature(sensor: sensor, label: label, temperatureCelsius: Double(milliCelsius) / 1000))
      }
      let name = try KernelFiles.readValue(chipPath + "/name")
      chips.append(Hwmon(folder: folder, name: name, temperatures: temperatures))
    }
    return chips
  }
}
