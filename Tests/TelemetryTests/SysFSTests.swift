import Telemetry
import Testing

@Suite struct SysFSTests {
  @Test func thermalZonesSkipDisabledAndConvertMillidegrees() throws {
    let zones = TelemetryFixtures.sys.thermalZones()
    #expect(zones.failures.isEmpty)
    #expect(
      zones.values == [
        ThermalZone(name: "thermal_zone0", type: "cpu-thermal", temperatureCelsius: 47.5),
        ThermalZone(name: "thermal_zone1", type: "gpu-thermal", temperatureCelsius: 45),
        ThermalZone(name: "thermal_zone10", type: "ddr-thermal", temperatureCelsius: -1.5),
      ])
    #expect(try TelemetryFixtures.sys.thermalZone(named: "thermal_zone2") == nil)
  }

  @Test func coolingDevices() throws {
    #expect(
      TelemetryFixtures.sys.coolingDevices()
        == SensorReadings(values: [
          CoolingDevice(name: "cooling_device0", type: "thermal-cpufreq-0", currentState: 0, maxState: 5),
          CoolingDevice(name: "cooling_device1", type: "pwm-fan", currentState: 2, maxState: 3),
        ]))
  }

  @Test func hwmonTemperaturesWithAndWithoutLabels() throws {
    let readings = TelemetryFixtures.sys.hwmon()
    #expect(readings.failures.isEmpty)
    let chips = readings.values
    #expect(chips.map(\.folder) == ["hwmon0", "hwmon1", "hwmon2"])
    #expect(chips.map(\.name) == ["nvme", "pwmfan", "cpu_thermal"])
    // No `device` link in this fixture: each chip is known by its folder.
    #expect(chips.map(\.chip) == ["hwmon0", "hwmon1", "hwmon2"])
    #expect(
      chips[0].temperatures == [
        Hwmon.Temperature(sensor: "temp1", label: "Composite", temperatureCelsius: 38.85),
        Hwmon.Temperature(sensor: "temp2", label: "Sensor 1", temperatureCelsius: 40.85),
      ])
    #expect(chips[1].temperatures.isEmpty)
    #expect(chips[2].temperatures == [Hwmon.Temperature(sensor: "temp1", label: nil, temperatureCelsius: 47.5)])
  }

  @Test func cpuFrequenciesPerCoreInHertz() throws {
    let frequencies = TelemetryFixtures.sys.cpuFrequencies().values
    #expect(frequencies.map(\.cpu) == [0, 1, 2, 3, 4, 5])
    #expect(
      frequencies.map(\.frequencyHertz) == [
        1_416_000_000, 1_416_000_000, 1_416_000_000, 1_416_000_000, 1_800_000_000, 1_008_000_000,
      ])
  }

  @Test func missingTreeIsEmptyNotAnError() throws {
    let sys = SysFS(root: TelemetryFixtures.missing)
    #expect(sys.thermalZones() == SensorReadings())
    #expect(sys.coolingDevices() == SensorReadings())
    #expect(sys.hwmon() == SensorReadings())
    #expect(sys.cpuFrequencies() == SensorReadings())
    #expect(try sys.thermalZone(named: "thermal_zone0") == nil)
  }

  @Test func garbageTemperatureNamesFileAndText() {
    let temp = TelemetryFixtures.path("garbage/sys/class/thermal/thermal_zone0/temp")
    #expect(TelemetryFixtures.garbageSys.thermalZones().failures == [.malformed(path: temp, text: "N/A")])
  }

  @Test func rootsFromEnvironment() {
    #expect(SysFS.fromEnvironment([:]).root == "/sys")
    #expect(SysFS.fromEnvironment(["CLUSTERBENCH_SYSFS_ROOT": ""]).root == "/sys")
    #expect(SysFS.fromEnvironment(["CLUSTERBENCH_SYSFS_ROOT": "/tmp/node-a/sys"]).root == "/tmp/node-a/sys")
    #expect(ProcFS.fromEnvironment([:]).root == "/proc")
    #expect(ProcFS.fromEnvironment(["CLUSTERBENCH_PROCFS_ROOT": "/tmp/p"]).root == "/tmp/p")
  }
}
