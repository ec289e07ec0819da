import Foundation
import SuiteCore
import Telemetry
import Testing

@Suite struct SummaryTests {
  /// `Fixtures/run-folder`, written by hand: node-a (cpu-thermal on two zones, gpu-thermal, a fan),
  /// node-b (no sensors), 3 samples 10 s apart; metadata.json also lists node-c, which has
  /// problems and no rows.
  static let runFolder = TelemetryFixtures.path("run-folder")
  static let (t0, t2) = ("2026-11-23T10:15:00.000Z", "2026-11-23T10:15:20.000Z")

  @Test func fixtureRunFolderIsSummarizedExactly() throws {
    let folder = try TelemetryFolder(path: Self.runFolder)
    #expect(folder.metadata?.runID == "hpl-20261123T101500Z-3f2a")
    #expect(folder.files == TelemetryCSV.File.allCases)
    #expect(
      folder.warnings == [
        "\(Self.runFolder)/memory.csv line 5, column mem_used_percent: expected a number, found 'ninety'; "
          + "row ignored",
        "\(Self.runFolder)/cpu.csv line 16: expected 12 fields, found 11; row ignored",
      ])
    // Every row but the two broken ones is read, the fan's rows included.
    #expect(folder.thermal.count == 12 && folder.memory.count == 5 && folder.cpu.count == 17)
    #expect(folder.network.count == 9)

    let summary = TelemetrySummary(folder)
    #expect(
      summary.nodes == [
        TelemetrySummary.Node(
          host: "node-a",
          sensorTypes: [
            // cpu-thermal: 45, 47.5, 52.5, 55, 60, 58.5 → max 60, mean 318.5 / 6 = 53.083…
            .init(type: "cpu-thermal", maxCelsius: 60, meanCelsius: 318.5 / 6, readings: 6),
            // gpu-thermal: 40, 42.5, 41 → max 42.5, mean 123.5 / 3 = 41.166…; the fan is no sensor.
            .init(type: "gpu-thermal", maxCelsius: 42.5, meanCelsius: 123.5 / 3, readings: 3),
          ],
          // The job's ranks together 600, 2400 and 1200 MB; the node used 1, 3 and 2 GiB of 4 GiB;
          // the largest rank's peak RSS 100, 410, 420 MB.
          jobResidentPeakBytes: 2_400_000_000, memUsedPeakBytes: 3_221_225_472, memUsedPeakPercent: 75,
          rankPeakResidentBytes: 420_000_000,
          // "all" rows: empty on the first sample, then 80 and 90.6; the cores' rows do not count.
          cpuMeanPercent: (80 + 90.6) / 2,
          // eth0 1 000 000 + 3 000 000 and wlan0 1024 received; eth0 2 000 000 + 500 000, wlan0 0
          // transmitted; lo's 12 000 000 each way is left out.
          receiveBytes: 4_001_024, transmitBytes: 2_500_000,
          samples: 3, firstTimestamp: Self.t0, lastTimestamp: Self.t2),
        TelemetrySummary.Node(
          host: "node-b",
          // The 2 000 000 000 bytes of line 5 are ignored with its row: the peak is 1 GiB of 2 GiB,
          // the job's 400 MB (its 600 MB are on line 5 too).
          jobResidentPeakBytes: 400_000_000, memUsedPeakBytes: 1_073_741_824, memUsedPeakPercent: 50,
          // No peak RSS column: the largest current RSS, 150 and 250 MB (300 MB is on line 5).
          rankPeakResidentBytes: 250_000_000,
          // 20 and 30 ("all"); core 0 at 100 % must not count.
          cpuMeanPercent: 25,
          // eth0 250 000 + 750 000 and 125 000 + 375 000, without lo's 999 + 1.
          receiveBytes: 1_000_000, transmitBytes: 500_000,
          // Two memory rows are left (line 5 is broken), though the CPU has three "all" rows.
          samples: 2, firstTimestamp: Self.t0, lastTimestamp: Self.t2,
          notes: ["no thermal zone or hwmon sensor"]),
        TelemetrySummary.Node(
          host: "node-c",
          notes: [
            "cannot read /proc/stat: Permission denied", "stopped sending samples", TelemetrySummary.noSamplesNote,
          ]),
      ])
  }

  @Test func tableHasOneLinePerSensorTypeAndHumanUnits() throws {
    let table = TelemetrySummary(try TelemetryFolder(path: Self.runFolder)).table()
    let expected = """
      host    sensor type  max °C  mean °C  readings  peak job RSS  peak node used  node used %  peak rank RSS  \
      mean CPU %   received  transmitted  samples  first (UTC)          last (UTC)           note
      node-a  cpu-thermal    60.0     53.1         6       2.2 GiB         3.0 GiB         75.0      400.5 MiB  \
            85.3    3.8 MiB      2.4 MiB        3  2026-11-23 10:15:00  2026-11-23 10:15:20
              gpu-thermal    42.5     41.2         3
      node-b  -                 -        -         -     381.5 MiB         1.0 GiB         50.0      238.4 MiB  \
            25.0  976.6 KiB    488.3 KiB        2  2026-11-23 10:15:00  2026-11-23 10:15:20  \
      no thermal zone or hwmon sensor
      node-c  -                 -        -         -             -               -            -              -  \
               -          -            -        0  -                    -                    \
      cannot read /proc/stat: Permission denied; stopped sending samples; no samples (its sampler failed or never \
      reported)

      """
    #expect(table == expected)
  }

  @Test func csvHasExactFiguresOneRowPerNodeAndSensorType() throws {
    let csv = TelemetrySummary(try TelemetryFolder(path: Self.runFolder)).csv()
    let (t0, t2) = (Self.t0, Self.t2)
    let nodeA: String = "2400000000,3221225472,75.00,420000000,85.30,4001024,2500000,3,\(t0),\(t2),"
    let header: String =
      "host,sensor_type,temp_max_celsius,temp_mean_celsius,temp_readings,job_resident_peak_bytes,mem_used_peak_bytes,"
      + "mem_used_peak_percent,rank_peak_resident_bytes,cpu_mean_percent,receive_bytes,transmit_bytes,samples,"
      + "first_timestamp,last_timestamp,note"
    let nodeB: String =
      "node-b,,,,,400000000,1073741824,50.00,250000000,25.00,1000000,500000,2,\(t0),\(t2),no thermal zone or hwmon sensor"
    let nodeC: String =
      "node-c,,,,,,,,,,,,0,,,cannot read /proc/stat: Permission denied; stopped sending samples; "
      + "no samples (its sampler failed or never reported)"
    let expected: [String] = [
      header, "node-a,cpu-thermal,60.00,53.08,6," + nodeA, "node-a,gpu-thermal,42.50,41.17,3," + nodeA, nodeB, nodeC,
    ]
    #expect(csv == expected.joined(separator: "\n") + "\n")
    #expect(TelemetrySummary.csvColumns.joined(separator: ",") == csv.prefix { $0 != "\n" })
  }

  @Test func brokenMetadataIsAWarningNamingTheFileAndPlace() throws {
    let path = TelemetryFixtures.path("broken-metadata")
    let folder = try TelemetryFolder(path: path)
    #expect(folder.metadata == nil && folder.files.isEmpty)
    let warning = try #require(folder.warnings.first)
    #expect(folder.warnings.count == 1)
    #expect(warning.hasPrefix("\(path)/metadata.json: is not valid JSON (line 5, column 5)"), "\(warning)")
    #expect(TelemetrySummary(folder).nodes.isEmpty)
  }

  @Test func aFolderWithoutTelemetryIsAnError() throws {
    let missing = TelemetryFixtures.path("no-such-run")
    let error = #expect(throws: TelemetryFolderError.self) { try TelemetryFolder(path: missing) }
    #expect(error?.description == "\(missing): no such folder")

    let empty = try NodeSamplerTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: empty) }
    let none = #expect(throws: TelemetryFolderError.self) { try TelemetryFolder(path: empty) }
    #expect(
      none?.message.hasPrefix("holds none of thermal.csv, memory.csv, cpu.csv, network.csv, metadata.json") == true)
  }

  @Test func aMonitorFolderNeedsNeitherMetadataNorEveryFile() throws {
    let folder = try NodeSamplerTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.copyItem(
      atPath: Self.runFolder + "/network.csv", toPath: folder + "/network.csv")
    let read = try TelemetryFolder(path: folder)
    #expect(read.metadata == nil && read.files == [.network] && read.warnings.isEmpty)
    #expect(TelemetrySummary(read).nodes.map(\.host) == ["node-a", "node-b"])
    #expect(TelemetrySummary(read).nodes[1].samples == 0 && TelemetrySummary(read).nodes[1].receiveBytes == 1_000_000)
  }

  @Test func samplesWrittenByTheSamplerRoundTrip() throws {
    let folder = try NodeSamplerTests.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let start = NodeSamplerTests.start
    let idle = CPUJiffies(user: 0, nice: 0, system: 0, idle: 0)
    // Per sample: MemAvailable of 4 000 000 kB, a cpu-thermal reading, the ranks' peak RSS, the
    // usage of all CPUs since the previous sample and eth0/lo deltas (none on the first).
    let samples = [
      (3_000_000, 50.0, 1_000_000, nil, nil),
      (1_000_000, 52.0, 3_000_000, CPUJiffies(user: 60, nice: 0, system: 20, idle: 20), (100, 200)),
      (2_000_000, 51.0, 3_000_000, CPUJiffies(user: 30, nice: 0, system: 10, idle: 60), (300, 400)),
    ]
    for (index, (available, celsius, peak, jiffies, traffic)) in samples.enumerated() {
      let sample = NodeSample(
        timestamp: start.addingTimeInterval(Double(index) * 10), host: "rock1",
        temperatures: [TemperatureReading(sensor: "thermal_zone0", type: "cpu-thermal", temperatureCelsius: celsius)],
        coolingDevices: [CoolingDevice(name: "cooling_device0", type: "pwm-fan", currentState: index, maxState: 3)],
        meminfo: try Meminfo(parsing: "MemTotal: 4000000 kB\nMemAvailable: \(available) kB\n"),
        loadAverage: try LoadAverage(parsing: "1.00 0.50 0.25 1/100 42"),
        cpuUsage: jiffies.flatMap { CPUUsage(from: idle, to: $0) },
        network: traffic.map {
          [
            NetDevLine(interface: "lo", receiveBytes: 9999, receivePackets: 1, transmitBytes: 9999, transmitPackets: 1),
            NetDevLine(
              interface: "eth0", receiveBytes: UInt64($0.0), receivePackets: 1, transmitBytes: UInt64($0.1),
              transmitPackets: 1),
          ]
        } ?? [],
        processes: [ProcessMemory(pid: 7, residentBytes: 500_000, peakResidentBytes: UInt64(peak))])
      try TelemetryCSV.append(sample, runID: "round-trip", toFolder: folder)
    }
    try RunMetadata(
      runID: "round-trip", program: "clusterbench monitor", command: ["clusterbench", "monitor"],
      hosts: ["rock1", "rock2"], ranks: 2, ranksPerHost: ["rock1": 1, "rock2": 1], intervalSeconds: 10,
      start: Timestamp.milliseconds(start), problems: ["rock2": ["cannot reach rank 1"]]
    ).write(toFolder: folder)

    let read = try TelemetryFolder(path: folder)
    #expect(read.warnings.isEmpty && read.metadata?.hosts == ["rock1", "rock2"])
    #expect(
      TelemetrySummary(read).nodes == [
        TelemetrySummary.Node(
          host: "rock1", sensorTypes: [.init(type: "cpu-thermal", maxCelsius: 52, meanCelsius: 51, readings: 3)],
          // 4 000 000 − 1 000 000 kB used at most, 75 % of MemTotal.
          jobResidentPeakBytes: 500_000, memUsedPeakBytes: 3_000_000 * 1024, memUsedPeakPercent: 75,
          rankPeakResidentBytes: 3_000_000,
          // 80 % then 40 % busy (the first sample has no usage).
          cpuMeanPercent: 60, receiveBytes: 400, transmitBytes: 600, samples: 3,
          firstTimestamp: Timestamp.milliseconds(start), lastTimestamp: Timestamp.milliseconds(start + 20)),
        TelemetrySummary.Node(host: "rock2", notes: ["cannot reach rank 1", TelemetrySummary.noSamplesNote]),
      ])
  }
}
