/// One cooling device (a fan, or a CPU frequency cap), `/sys/class/thermal/cooling_device<N>/`.
///
/// prometheus/procfs: `sysfs/class_cooling_device.go`; node exporter: `node_cooling_device_cur_state`.
public struct CoolingDevice: Sendable, Equatable {
  /// The device's folder, such as `cooling_device0`.
  public var name: String
  /// The `type` file, such as `pwm-fan` or `thermal-cpufreq-0`.
  public var type: String
  /// The `cur_state` file: 0 is off (no cooling), `maxState` is full cooling.
  public var currentState: Int
  /// The `max_state` file.
  public var maxState: Int

  public init(name: String, type: String, currentState: Int, maxState: Int) {
    (self.name, self.type, self.currentState, self.maxState) = (name, type, currentState, maxState)
  }
}

extension SysFS {
  /// Every cooling device in `class/thermal`; none when there is none.
  ///
  /// A device without `cur_state` or `max_state` is skipped; one whose files cannot be read or
  /// parsed is left out with its error in ``SensorReadings/failures``, the others still read.
  public func coolingDevices() -> SensorReadings<CoolingDevice> {
    var devices = SensorReadings<CoolingDevice>()
    for name in KernelFiles.entries(path("class/thermal"), prefix: "cooling_device") {
      devices.read { () throws(TelemetryError) in
        let folder = path("class/thermal/\(name)")
        guard let current = try KernelFiles.readInteger(folder + "/cur_state"),
          let maximum = try KernelFiles.readInteger(folder + "/max_state")
        else { return nil }
        let type = try KernelFiles.readValue(folder + "/type") ?? ""
        return CoolingDevice(name: name, type: type, currentState: current, maxState: maximum)
      }
    }
    return devices
  }
}
