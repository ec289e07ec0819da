import Foundation
import Telemetry
import Testing

/// One failing sensor costs only itself, as in node exporter: every family (thermal zones, hwmon
/// chips and their inputs, cooling devices, core frequencies) reports each bad file once and keeps
/// sampling the others.
@Suite struct SensorIsolationTests {
  /// Each family with a good sensor beside a bad one: garbage, a folder where a file should be,
  /// a value too large to be a frequency.
  static func mixedSys() throws -> FixtureTree {
    let tree = try FixtureTree()
    try tree.file("class/thermal/thermal_zone0/temp", "N/A\n")
    try tree.file("class/thermal/thermal_zone0/type", "acpitz\n")
    try tree.file("class/thermal/thermal_zone1/temp", "52000\n")
    try tree.file("class/thermal/thermal_zone1/type", "x86_pkg_temp\n")
    try tree.file("class/thermal/thermal_zone2/temp", "30000\n")
    try tree.folder("class/thermal/thermal_zone2/type")
    try tree.file("class/thermal/cooling_device0/cur_state", "busy\n")
    try tree.file("class/thermal/cooling_device0/max_state", "3\n")
    try tree.file("class/thermal/cooling_device1/cur_state", "1\n")
    try tree.file("class/thermal/cooling_device1/max_state", "3\n")
    try tree.file("class/thermal/cooling_device1/type", "Fan\n")
    try tree.file("class/hwmon/hwmon0/name", "nvme\n")
    try tree.file("class/hwmon/hwmon0/temp1_input", "\n")
    try tree.file("class/hwmon/hwmon0/temp2_input", "40850\n")
    try tree.file("class/hwmon/hwmon0/temp2_label", "Sensor 1\n")
    try tree.file("class/hwmon/hwmon1/name", "acpitz\n")
    try tree.file("class/hwmon/hwmon1/temp1_input", "27800\n")
    try tree.file("devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1800000\n")
    try tree.file("devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", "99999999999999999\n")
    return tree
  }

  @Test func eachFamilyKeepsItsGoodSensorsAndNamesEachBadFile() throws {
    let tree = try Self.mixedSys()
    let sys = SysFS(root: tree.root)
    let zones = sys.thermalZones()
    #expect(zones.values == [ThermalZone(name: "thermal_zone1", type: "x86_pkg_temp", temperatureCelsius: 52)])
    #expect(
      zones.failures == [
        .malformed(path: tree.path("class/thermal/thermal_zone0/temp"), text: "N/A"),
        .refused(.notRegular(path: tree.path("class/thermal/thermal_zone2/type"), kind: .directory)),
      ])
    let chips = sys.hwmon()
    #expect(chips.values.map(\.name) == ["nvme", "acpitz"])
    #expect(
      chips.values.map(\.temperatures) == [
        [.init(sensor: "temp2", label: "Sensor 1", temperatureCelsius: 40.85)],
        [.init(sensor: "temp1", label: nil, temperatureCelsius: 27.8)],
      ])
    #expect(chips.failures == [.malformed(path: tree.path("class/hwmon/hwmon0/temp1_input"), text: "")])
    let cooling = sys.coolingDevices()
    #expect(cooling.values == [CoolingDevice(name: "cooling_device1", type: "Fan", currentState: 1, maxState: 3)])
    #expect(cooling.failures == [.malformed(path: tree.path("class/thermal/cooling_device0/cur_state"), text: "busy")])
    // A kHz figure whose Hz do not fit 64 bits is garbage, not a trap.
    let frequencies = sys.cpuFrequencies()
    #expect(frequencies.values == [CPUFrequency(cpu: 0, frequencyHertz: 1_800_000_000)])
    #expect(
      frequencies.failures == [
        .malformed(
          path: tree.path("devices/system/cpu/cpu1/cpufreq/scaling_cur_freq"), text: "99999999999999999")
      ])
  }

  @Test func theSamplerReportsEachBadFileOnceAndSamplesTheRestEveryTime() throws {
    let tree = try Self.mixedSys()
    let sampler = NodeSampler(host: "n", sysfs: SysFS(root: tree.root), procfs: TelemetryFixtures.proc)
    for second in 0..<4 {
      let sample = sampler.sample(at: NodeSamplerTests.start.addingTimeInterval(Double(second)))
      #expect(
        sample.temperatures == [
          TemperatureReading(sensor: "thermal_zone1", type: "x86_pkg_temp", temperatureCelsius: 52),
          TemperatureReading(sensor: "hwmon0/temp2", type: "nvme Sensor 1", temperatureCelsius: 40.85),
          TemperatureReading(sensor: "hwmon1/temp1", type: "acpitz", temperatureCelsius: 27.8),
        ])
      #expect(sample.coolingDevices.map(\.name) == ["cooling_device1"])
      #expect(sample.cpuFrequencies.map(\.cpu) == [0])
    }
    let skipped = "; that sensor is skipped, the others sampled"
    #expect(
      sampler.problems == [
        "thermal zones: \(tree.path("class/thermal/thermal_zone0/temp")): unexpected contents \"N/A\"" + skipped,
        "thermal zones: \(tree.path("class/thermal/thermal_zone2/type")): is a folder, not a regular file" + skipped,
        "hwmon: \(tree.path("class/hwmon/hwmon0/temp1_input")): unexpected contents \"\"" + skipped,
        "cooling devices: \(tree.path("class/thermal/cooling_device0/cur_state")): unexpected contents \"busy\""
          + skipped,
        "cpufreq: \(tree.path("devices/system/cpu/cpu1/cpufreq/scaling_cur_freq")): unexpected contents "
          + "\"99999999999999999\"" + skipped,
      ])
  }

  @Test func aSensorThatRecoversIsSampledAgainAndNotReportedTwice() throws {
    let tree = try Self.mixedSys()
    let sampler = NodeSampler(host: "n", sysfs: SysFS(root: tree.root), procfs: TelemetryFixtures.proc)
    _ = sampler.sample()
    try tree.file("class/thermal/thermal_zone0/temp", "45000\n")
    #expect(sampler.sample().temperatures.map(\.sensor).prefix(2) == ["thermal_zone0", "thermal_zone1"])
    try tree.file("class/thermal/thermal_zone0/temp", "N/A\n")
    #expect(sampler.sample().temperatures.first?.sensor == "thermal_zone1")
    #expect(sampler.problems.filter { $0.contains("thermal_zone0") }.count == 1)
  }
}

/// hwmon chips are told apart by their device, as node exporter's `chip` label does, and
/// sensors in a chip's `device/` folder (older drivers) are read.
@Suite struct HwmonDeviceTests {
  /// A two-socket x86 node laid out as sysfs is: class/hwmon entries are links into the device
  /// tree, each chip's `device` a link to its platform device. coretemp.0 and coretemp.1 share
  /// the name `coretemp` and the label `Core 0`; the it87 chip is an old driver whose inputs sit
  /// in its `device/` folder; the nvme chip's name is its own.
  static func twoSocketSys() throws -> FixtureTree {
    let tree = try FixtureTree()
    for socket in 0..<2 {
      let chip = "devices/platform/coretemp.\(socket)/hwmon/hwmon\(socket + 1)"
      try tree.file(chip + "/name", "coretemp\n")
      try tree.file(chip + "/temp1_input", "\(50 + socket)000\n")
      try tree.file(chip + "/temp1_label", "Package id \(socket)\n")
      try tree.file(chip + "/temp2_input", "\(45 + socket)000\n")
      try tree.file(chip + "/temp2_label", "Core 0\n")
      try tree.link(chip + "/device", to: "../../../coretemp.\(socket)")
      try tree.link("class/hwmon/hwmon\(socket + 1)", to: "../../\(chip)")
    }
    try tree.file("devices/platform/it87.656/hwmon/hwmon3/name", "it8728\n")
    try tree.link("devices/platform/it87.656/hwmon/hwmon3/device", to: "../../../it87.656")
    try tree.file("devices/platform/it87.656/temp1_input", "33000\n")
    try tree.file("devices/platform/it87.656/temp1_label", "SYSTIN\n")
    try tree.file("devices/platform/it87.656/temp2_input", "38000\n")
    try tree.link("class/hwmon/hwmon3", to: "../../devices/platform/it87.656/hwmon/hwmon3")
    try tree.file("class/hwmon/hwmon0/name", "nvme\n")
    try tree.file("class/hwmon/hwmon0/temp1_input", "38850\n")
    try tree.file("class/hwmon/hwmon0/temp1_label", "Composite\n")
    return tree
  }

  @Test func chipsAreNamedByTheirDevice() throws {
    let tree = try Self.twoSocketSys()
    let chips = SysFS(root: tree.root).hwmon()
    #expect(chips.failures.isEmpty)
    #expect(chips.values.map(\.folder) == ["hwmon0", "hwmon1", "hwmon2", "hwmon3"])
    #expect(chips.values.map(\.chip) == ["hwmon0", "platform_coretemp_0", "platform_coretemp_1", "platform_it87_656"])
    #expect(chips.values.map(\.name) == ["nvme", "coretemp", "coretemp", "it8728"])
    #expect(
      chips.values[3].temperatures == [
        .init(sensor: "temp1", label: "SYSTIN", temperatureCelsius: 33),
        .init(sensor: "temp2", label: nil, temperatureCelsius: 38),
      ])
  }

  @Test func chipsSharingANameGetTheirDeviceInTheType() throws {
    let tree = try Self.twoSocketSys()
    let sampler = NodeSampler(host: "xeon", sysfs: SysFS(root: tree.root), procfs: TelemetryFixtures.proc)
    let sample = sampler.sample(at: NodeSamplerTests.start)
    #expect(
      sample.temperatures.map { "\($0.sensor)=\($0.type)" } == [
        "hwmon0/temp1=nvme Composite",
        "hwmon1/temp1=platform_coretemp_0 Package id 0", "hwmon1/temp2=platform_coretemp_0 Core 0",
        "hwmon2/temp1=platform_coretemp_1 Package id 1", "hwmon2/temp2=platform_coretemp_1 Core 0",
        "hwmon3/temp1=it8728 SYSTIN", "hwmon3/temp2=it8728",
      ])
    #expect(sampler.problems.isEmpty)

    // In the summary the two sockets' Core 0 are two sensor types, not one.
    let folder = try NodeSamplerTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try TelemetryCSV.append(sample, runID: "r", toFolder: folder)
    let types = TelemetrySummary(try TelemetryFolder(path: folder)).nodes[0].sensorTypes
    #expect(types.filter { $0.type.hasSuffix("Core 0") }.map(\.maxCelsius) == [45, 46])
  }
}
