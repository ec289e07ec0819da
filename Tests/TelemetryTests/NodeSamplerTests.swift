import Foundation
import SuiteCore
import Telemetry
import Testing

@Suite struct NodeSamplerTests {
  static let start = Date(timeIntervalSince1970: 1_700_000_000)

  /// A fresh empty folder under the temporary directory.
  static func temporaryFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("telemetry-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
  }

  /// Splits one CSV line into fields per RFC 4180 (no line breaks inside fields).
  static func split(_ line: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(line)[...]
    while let character = characters.popFirst() {
      if quoted {
        if character == "\"" {
          if characters.first == "\"" {
            field.append("\"")
            characters.removeFirst()
          } else {
            quoted = false
          }
        } else {
          field.append(character)
        }
      } else if character == "\"" {
        quoted = true
      } else if character == "," {
        fields.append(field)
        field = ""
      } else {
        field.append(character)
      }
    }
    return fields + [field]
  }

  /// Two samples: fixture /proc at t = 0 s, then 10 s later.
  static func twoSamples() -> (NodeSampler, NodeSample, NodeSample) {
    let sampler = NodeSampler(
      host: "rock1", sysfs: TelemetryFixtures.sys, procfs: TelemetryFixtures.proc, pids: [40211, 2, 999_999])
    sampler.processFS = TelemetryFixtures.proc
    let first = sampler.sample(at: start)
    sampler.procfs = TelemetryFixtures.procLater
    sampler.processFS = TelemetryFixtures.procLater
    let second = sampler.sample(at: start.addingTimeInterval(10))
    return (sampler, first, second)
  }

  @Test func firstSampleHasNoDeltas() {
    let (_, first, _) = Self.twoSamples()
    #expect(first.host == "rock1")
    #expect(first.cpuUsage == nil && first.perCPUUsage.isEmpty && first.network.isEmpty)
    #expect(first.temperatures.count == 6)
    #expect(
      first.temperatures[0]
        == TemperatureReading(sensor: "thermal_zone0", type: "cpu-thermal", temperatureCelsius: 47.5))
    #expect(
      first.temperatures[3]
        == TemperatureReading(sensor: "hwmon0/temp1", type: "nvme Composite", temperatureCelsius: 38.85))
    #expect(
      first.temperatures[5] == TemperatureReading(sensor: "hwmon2/temp1", type: "cpu_thermal", temperatureCelsius: 47.5)
    )
    #expect(first.coolingDevices.map(\.name) == ["cooling_device0", "cooling_device1"])
    #expect(first.processes.map(\.pid) == [40211, 2])
    #expect(first.maxResidentBytes == 599_000 * 1024)
    #expect(first.maxPeakResidentBytes == 600_000 * 1024)

    let rows = TelemetryCSV.rows(for: first, runID: "r1")
    #expect(rows[.thermal]?.first == "2023-11-14T22:13:20.000Z,r1,rock1,thermal_zone0,cpu-thermal,47.5,,")
    #expect(rows[.thermal]?.count == 8)
    #expect(rows[.thermal]?.last == "2023-11-14T22:13:20.000Z,r1,rock1,cooling_device1,pwm-fan,,2,3")
    #expect(
      rows[.memory]
        == [
          "2023-11-14T22:13:20.000Z,r1,rock1,\(3_969_540 * 1024),\(2_884_112 * 1024),\(1_085_428 * 1024),27.34,"
            + "\((1_984_764 - 1_722_620) * 1024),2,\(599_000 * 1024),\(599_000 * 1024),\(600_000 * 1024)"
        ])
    #expect(rows[.cpu]?.first == "2023-11-14T22:13:20.000Z,r1,rock1,all,,,,,,3.92,2.15,1.07")
    #expect(rows[.cpu]?.count == 7)
    #expect(rows[.cpu]?[1] == "2023-11-14T22:13:20.000Z,r1,rock1,0,,,,,1416000000,,,")
    #expect(rows[.network] == [])
  }

  @Test func secondSampleGivesCPUPercentAndNetworkDeltas() {
    let (sampler, _, second) = Self.twoSamples()
    let rows = TelemetryCSV.rows(for: second, runID: "r1")
    let stamp = "2023-11-14T22:13:30.000Z,r1,rock1"
    // proc-10s-later has no loadavg: load1 is empty.
    #expect(rows[.cpu]?.first == "\(stamp),all,55.00,48.00,7.00,0.67,,,,")
    #expect(rows[.cpu]?[1] == "\(stamp),0,81.00,\(cpu0Rest),1416000000,,,")
    #expect(rows[.cpu]?.last?.hasPrefix("\(stamp),5,3.00,") == true)
    #expect(
      rows[.network]
        == [
          "\(stamp),lo,10000,10000,100,100",
          "\(stamp),eth0,1250616,10000000,1000,8000",
          "\(stamp),wlan0,1200,300,10,4",
        ])
    // proc-10s-later lacks meminfo, loadavg and the ranks' status files: reported once each.
    #expect(rows[.memory] == nil)
    #expect(sampler.problems.count == 2)
    #expect(
      sampler.problems.contains {
        $0.hasPrefix("meminfo: ") && $0.hasSuffix("proc-10s-later/meminfo is missing; its columns left empty")
      })
    #expect(sampler.problems.contains { $0.hasPrefix("loadavg: ") })
  }

  /// cpu0's user, system and iowait percent between the fixtures.
  var cpu0Rest: String {
    let earlier = try! TelemetryFixtures.proc.stat()!.perCPU[0]!
    let later = try! TelemetryFixtures.procLater.stat()!.perCPU[0]!
    let usage = CPUUsage(from: earlier, to: later)!
    return [usage.userPercent, usage.systemPercent, usage.iowaitPercent].map { String(format: "%.2f", $0) }
      .joined(separator: ",")
  }

  @Test func missingSysfsGivesNoThermalRowsAndOneProblem() throws {
    let empty = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: empty) }
    let sampler = NodeSampler(host: "vm", sysfs: SysFS(root: empty), procfs: TelemetryFixtures.proc)
    for second in 0..<4 {
      let sample = sampler.sample(at: Self.start.addingTimeInterval(Double(second)))
      #expect(sample.temperatures.isEmpty && sample.cpuFrequencies.isEmpty)
      #expect(TelemetryCSV.rows(for: sample, runID: "r")[.thermal] == [])
      #expect(sample.meminfo != nil)
    }
    #expect(sampler.problems.count == 1)
    #expect(sampler.problems.first?.hasPrefix("temperatures: no thermal zone under \(empty)/class/thermal") == true)
  }

  @Test func garbageTemperatureIsReportedOnce() {
    let sampler = NodeSampler(host: "n", sysfs: TelemetryFixtures.garbageSys, procfs: TelemetryFixtures.proc)
    for second in 0..<3 {
      #expect(sampler.sample(at: Self.start.addingTimeInterval(Double(second))).temperatures.isEmpty)
    }
    let temp = TelemetryFixtures.path("garbage/sys/class/thermal/thermal_zone0/temp")
    #expect(
      sampler.problems == [
        "thermal zones: \(temp): unexpected contents \"N/A\"; that sensor is skipped, the others sampled"
      ])
  }

  @Test func garbageProcIsReportedOncePerSource() {
    let sampler = NodeSampler(host: "n", sysfs: TelemetryFixtures.sys, procfs: TelemetryFixtures.garbageProc)
    _ = sampler.sample(at: Self.start)
    let sample = sampler.sample(at: Self.start.addingTimeInterval(1))
    #expect(sample.meminfo == nil && sample.loadAverage == nil && sample.cpuUsage == nil && sample.network.isEmpty)
    #expect(sample.temperatures.count == 6)
    #expect(sampler.problems.map { $0.prefix { $0 != ":" } } == ["meminfo", "loadavg", "stat", "net/dev"])
  }

  @Test func quotingAndTimestamps() {
    #expect(TelemetryCSV.quoted("plain") == "plain")
    #expect(TelemetryCSV.quoted("a,b") == "\"a,b\"")
    #expect(TelemetryCSV.quoted("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(Timestamp.milliseconds(Date(timeIntervalSince1970: 0.25)) == "1970-01-01T00:00:00.250Z")
    #expect(
      TelemetryCSV.File.thermal.header
        == "timestamp,run_id,host,sensor,type,temp_celsius,cooling_current_state,cooling_max_state")
    #expect(TelemetryCSV.File.memory.columns.count == 12)
    #expect(TelemetryCSV.File.cpu.columns.count == 12)
    #expect(TelemetryCSV.File.network.columns.count == 8)
  }

  @Test func appendedFilesParseBackWithTheRightColumnCounts() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let (_, first, second) = Self.twoSamples()
    var odd = first
    odd.temperatures.append(TemperatureReading(sensor: "x", type: "big, \"hot\"\ncore", temperatureCelsius: 1))
    for sample in [odd, second] {
      try TelemetryCSV.append(sample, runID: "run,1", toFolder: folder)
    }
    let expected = [TelemetryCSV.File.thermal: 17, .memory: 1, .cpu: 14, .network: 3]
    for file in TelemetryCSV.File.allCases {
      let text = try String(contentsOfFile: folder + "/" + file.fileName, encoding: .utf8)
      #expect(text.hasSuffix("\n"))
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
      #expect(lines.removeFirst() == file.header)
      // The one field with a line break spans two physical lines: join them back.
      if file == .thermal, let cut = lines.firstIndex(where: { $0.hasSuffix("big, \"\"hot\"\"") }) {
        lines[cut] += "\n" + lines.remove(at: cut + 1)
      }
      #expect(lines.count == expected[file])
      for line in lines {
        let fields = Self.split(line)
        #expect(fields.count == file.columns.count, "\(file.fileName): \(line)")
        #expect(fields[1] == "run,1")
      }
      if file == .thermal { #expect(lines.map(Self.split).contains { $0[4] == "big, \"hot\"\ncore" }) }
    }
  }

  @Test func appendRefusesAForeignHeaderAndMendsACutLine() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/cpu.csv"
    try "a,b\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: TelemetryCSVError.self) { try TelemetryCSV.append(lines: ["x"], to: .cpu, path: path) }
    try (TelemetryCSV.File.cpu.header + "\ncut").write(toFile: path, atomically: true, encoding: .utf8)
    try TelemetryCSV.append(lines: ["x"], to: .cpu, path: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == TelemetryCSV.File.cpu.header + "\ncut\nx\n")
  }

  /// This machine, sampled twice: plausible values whatever the machine.
  @Test func liveMachine() throws {
    try #require(FileManager.default.fileExists(atPath: "/proc/stat"), "not Linux")
    let sampler = NodeSampler(host: ProcessInfo.processInfo.hostName, pids: [getpid()])
    let first = sampler.sample(at: Date())
    var spin = 0.0
    for i in 0..<2_000_000 { spin += Double(i).squareRoot() }
    #expect(spin > 0)
    let second = sampler.sample(at: Date())
    #expect(first.cpuUsage == nil)
    #expect(try #require(second.meminfo).memTotalBytes > 64 << 20)
    #expect(second.network.contains { $0.interface == "lo" })
    #expect(try #require(second.maxResidentBytes) > 1 << 20)
    let rows = TelemetryCSV.rows(for: second, runID: "live")
    #expect(rows[.memory]?.count == 1)
    #expect(rows[.cpu]?.first?.contains(",all,") == true)
    for (file, lines) in rows {
      for line in lines { #expect(Self.split(line).count == file.columns.count, "\(line)") }
    }
    #expect(sampler.problems.allSatisfy { !$0.isEmpty })
  }
}
