import CSVFiles
import Foundation
import Telemetry
import Testing

/// Sensor and /proc files are read bounded and without blocking: a FIFO or a 1 GiB file where a
/// kernel file should be is refused at once, naming it, and costs only its own sensor or source.
@Suite(.timeLimit(.minutes(1))) struct BoundedSensorReadTests {
  /// Two zones and a hwmon chip, one of each poisoned: zone 0's `temp` is a FIFO nobody writes
  /// (a blocking read waits forever), hwmon0's `temp1_input` a 1 GiB sparse file.
  static func poisonedSys() throws -> FixtureTree {
    let tree = try FixtureTree()
    try tree.fifo("class/thermal/thermal_zone0/temp")
    try tree.file("class/thermal/thermal_zone0/type", "cpu-thermal\n")
    try tree.file("class/thermal/thermal_zone1/temp", "41000\n")
    try tree.file("class/thermal/thermal_zone1/type", "gpu-thermal\n")
    try tree.file("class/hwmon/hwmon0/name", "nvme\n")
    try tree.sparse("class/hwmon/hwmon0/temp1_input", bytes: 1 << 30)
    try tree.file("class/hwmon/hwmon0/temp2_input", "39850\n")
    return tree
  }

  @Test func aFIFOAndAHugeSensorFileAreRefusedAndTheOtherSensorsRead() throws {
    let tree = try Self.poisonedSys()
    let sys = SysFS(root: tree.root)
    let zones = sys.thermalZones()
    #expect(zones.values == [ThermalZone(name: "thermal_zone1", type: "gpu-thermal", temperatureCelsius: 41)])
    let fifo = tree.path("class/thermal/thermal_zone0/temp")
    #expect(zones.failures == [.refused(.notRegular(path: fifo, kind: .fifo))])
    #expect(zones.failures[0].description == "\(fifo): is a named pipe (FIFO), not a regular file")

    let chips = sys.hwmon()
    #expect(chips.values.map(\.temperatures) == [[.init(sensor: "temp2", label: nil, temperatureCelsius: 39.85)]])
    let huge = tree.path("class/hwmon/hwmon0/temp1_input")
    // A sysfs value is at most one page, 64 KiB on the largest pages Linux has.
    #expect(chips.failures == [.refused(.tooLarge(path: huge, limit: 65536))])
  }

  @Test func aFIFOOrAHugeProcFileIsAProblemOnceAndTheRestIsSampled() throws {
    let sys = try Self.poisonedSys()
    let proc = try FixtureTree()
    try proc.fifo("meminfo")
    try proc.sparse("stat", bytes: 1 << 30)
    try proc.file("loadavg", "0.50 0.40 0.30 1/100 42\n")
    try proc.folder("net/dev")
    let sampler = NodeSampler(host: "n", sysfs: SysFS(root: sys.root), procfs: ProcFS(root: proc.root))
    let clock = ContinuousClock()
    let began = clock.now
    for second in 0..<3 {
      let sample = sampler.sample(at: NodeSamplerTests.start.addingTimeInterval(Double(second)))
      #expect(sample.meminfo == nil && sample.cpuUsage == nil)
      #expect(sample.loadAverage?.load1 == 0.5)
      #expect(sample.temperatures.map(\.sensor) == ["thermal_zone1", "hwmon0/temp2"])
    }
    #expect(clock.now - began < .seconds(5))
    #expect(
      sampler.problems == [
        "thermal zones: \(sys.path("class/thermal/thermal_zone0/temp")): is a named pipe (FIFO), not a regular file; "
          + "that sensor is skipped, the others sampled",
        "hwmon: \(sys.path("class/hwmon/hwmon0/temp1_input")): is larger than 65536 bytes, more than such a file "
          + "can hold; that sensor is skipped, the others sampled",
        "meminfo: \(proc.path("meminfo")): is a named pipe (FIFO), not a regular file",
        // /proc/stat may hold a line per CPU and per interrupt: 1 MiB is allowed, 1 GiB is not.
        "stat: \(proc.path("stat")): is larger than 1048576 bytes, more than such a file can hold",
        "net/dev: \(proc.path("net/dev")): is a folder, not a regular file",
      ])
  }

  @Test func procFilesUpToTheirLimitAreRead() throws {
    // A /proc/stat as a 512-core server with many interrupts writes it: about 200 KiB.
    let proc = try FixtureTree()
    var stat = "cpu  100 0 100 800 0 0 0 0 0 0\n"
    for cpu in 0..<512 { stat += "cpu\(cpu) 1 0 1 8 0 0 0 0 0 0\n" }
    stat += "intr 123" + String(repeating: " 0", count: 80_000) + "\nctxt 1\n"
    #expect(stat.utf8.count > 100_000 && stat.utf8.count < 1 << 20)
    try proc.file("stat", stat)
    #expect(try ProcFS(root: proc.root).stat()?.perCPU.count == 512)
  }
}
