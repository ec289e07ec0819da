/// One thermal zone, `/sys/class/thermal/thermal_zone<N>/`.
///
/// prometheus/procfs: `sysfs/class_thermal.go`; node exporter: `node_thermal_zone_temp`.
public struct ThermalZone: Sendable, Equatable {
  /// The zone's folder, such as `thermal_zone0`.
  public var name: String
  /// The zone's `type` file, such as `cpu-thermal` or `x86_pkg_temp`.
  public var type: String
  /// The `temp` file, which the kernel gives in millidegrees Celsius.
  public var temperatureCelsius: Double

  public init(name: String, type: String, temperatureCelsius: Double) {
    (self.name, self.type, self.temperatureCelsius) = (name, type, temperatureCelsius)
  }
}

extension SysFS {
  /// Every enabled thermal zone in `class/thermal`, in the kernel's numbering.
  ///
  /// A missing `class/thermal` folder (most virtual machines) gives no zone and no failure. Zones
  /// whose `mode` is `disabled` are skipped, as are zones without a `temp` file; a zone without a
  /// `mode` file is enabled. A zone whose `mode`, `temp` or `type` cannot be read or parsed is
  /// left out with its error in ``SensorReadings/failures``; the other zones are still read.
  public func thermalZones() -> SensorReadings<ThermalZone> {
    var zones = SensorReadings<ThermalZone>()
    for name in KernelFiles.entries(path("class/thermal"), prefix: "thermal_zone") {
      zones.read { () throws(TelemetryError) in try thermalZone(named: name) }
    }
    return zones
  }

  /// The zone `class/thermal/<name>`, or `nil` when it is missing, has no `temp` or is disabled.
  public func thermalZone(named name: String) throws(TelemetryError) -> ThermalZone? {
    let folder = path("class/thermal/\(name)")
    if try KernelFiles.readValue(folder + "/mode") == "disabled" { return nil }
    guard let milliCelsius = try KernelFiles.readInteger(folder + "/temp") else { return nil }
    let type = try KernelFiles.readValue(folder + "/type") ?? ""
    return ThermalZone(name: name, type: type, temperatureCelsius: Double(milliCelsius) / 1000)
  }
}
