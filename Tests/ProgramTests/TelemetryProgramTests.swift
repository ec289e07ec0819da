import Foundation
import HPL
import Telemetry
import TestSupport
import Testing

/// `hplswift --telemetry` and `clusterbench monitor`, really launched, alone and under mpiexec
/// with emulated nodes (hydra's multi-segment form gives each node its own environment).
@Suite(.serialized, .timeLimit(.minutes(3))) struct TelemetryProgramTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TelemetryTests/Fixtures").path

  /// The rows of a CSV file without quoted fields, as header-named dictionaries.
  static func rows(_ path: String) throws -> (header: String, rows: [[String: String]]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasSuffix("\n"), "\(path) ends with a complete line")
    let lines = text.split(separator: "\n").map(String.init)
    let columns = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let rows = lines.dropFirst().map { line in
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      #expect(fields.count == columns.count, "\(path): \(line)")
      return Dictionary(uniqueKeysWithValues: zip(columns, fields))
    }
    return (lines[0], rows)
  }

  static func runFolder(in directory: URL) throws -> String {
    let runs = directory.appendingPathComponent("results/runs").path
    let entries = try FileManager.default.contentsOfDirectory(atPath: runs)
    #expect(entries.count == 1, "\(entries)")
    return runs + "/" + entries[0]
  }

  @Test func hplswiftTelemetryOnThisMachine() async throws {
    var dat = HPLDatBuilder()
    dat.ns = [600]
    dat.nbs = [32]
    let directory = try makeWorkingDirectory("telemetry")
    defer { try? FileManager.default.removeItem(at: directory) }
    try dat.text.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8)
    let result = try await MPIRunner().run(
      executableNamed: "hplswift", arguments: ["--telemetry=0.2"], processes: 2, workingDirectory: directory.path,
      environment: ["CLUSTERBENCH_SYSFS_ROOT": directory.appendingPathComponent("no-sys").path])
    #expect(result.succeeded, "\(result)")
    let folder = try Self.runFolder(in: directory)
    let runID = URL(fileURLWithPath: folder).lastPathComponent

    // The same run id in results/hpl.csv, the metadata and every row.
    let (results, _) = try ResultsCSV.read(path: directory.appendingPathComponent("results/hpl.csv").path)
    #expect(results.map(\.runID) == [runID])
    let metadata = try RunMetadata.read(fromFolder: folder)
    #expect(metadata.runID == runID && metadata.program == "hplswift" && metadata.ranks == 2)
    #expect(metadata.hosts.count == 1 && metadata.ranksPerHost[metadata.hosts[0]] == 2)
    #expect(metadata.end != nil && metadata.blas == results.first?.blas)
    #expect((metadata.samples[metadata.hosts[0]] ?? 0) >= 2)

    let memory = try Self.rows(folder + "/memory.csv").rows
    #expect(memory.count >= 2)
    #expect(memory.allSatisfy { $0["run_id"] == runID && $0["ranks"] == "2" && Int($0["mem_total_bytes"]!)! > 0 })
    #expect(memory.allSatisfy { Int($0["rank_max_peak_resident_bytes"]!)! > 10 << 20 })
    let cpu = try Self.rows(folder + "/cpu.csv").rows
    #expect(cpu.contains { $0["cpu"] == "all" && Double($0["utilization_percent"]!) != nil })
    let network = try Self.rows(folder + "/network.csv").rows
    #expect(network.contains { $0["device"] == "lo" })
    // No thermal source here: the file has its header and no row, and the note comes once.
    let thermal = try Self.rows(folder + "/thermal.csv")
    #expect(thermal.header == TelemetryCSV.File.thermal.header && thermal.rows.isEmpty)
    #expect(result.standardError.components(separatedBy: "no thermal zone under").count == 2, "\(result)")
    #expect(metadata.problems.values.joined().contains { $0.contains("no thermal zone") })
  }

  @Test func emulatedNodesEachReportTheirOwnSensors() async throws {
    var dat = HPLDatBuilder()
    dat.ns = [400]
    dat.nbs = [32]
    dat.grids = [(2, 2)]
    let directory = try makeWorkingDirectory("telemetry-nodes")
    defer { try? FileManager.default.removeItem(at: directory) }
    try dat.text.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8)
    let hplswift = try MPIRunner.path(ofExecutable: "hplswift")
    let arguments = ["--telemetry=0.2", "--quiet"]
    let result = try await MPIRunner().run(
      segments: [
        .init(
          processes: 2,
          environment: ["CLUSTERBENCH_HOSTNAME": "node-a", "CLUSTERBENCH_SYSFS_ROOT": Self.fixtures + "/sys"],
          executable: hplswift, arguments: arguments),
        .init(
          processes: 2,
          environment: ["CLUSTERBENCH_HOSTNAME": "node-b", "CLUSTERBENCH_SYSFS_ROOT": Self.fixtures + "/garbage/sys"],
          executable: hplswift, arguments: arguments),
      ], workingDirectory: directory.path)
    #expect(result.succeeded, "\(result)")
    let folder = try Self.runFolder(in: directory)
    let metadata = try RunMetadata.read(fromFolder: folder)
    #expect(metadata.hosts == ["node-a", "node-b"])
    #expect(metadata.ranksPerHost == ["node-a": 2, "node-b": 2])
    // node-b's fixture holds "N/A" in its only thermal zone: reported once, named, and skipped.
    #expect(metadata.problems["node-b"]?.count == 1)
    #expect(metadata.problems["node-b"]?.first?.contains("unexpected contents \"N/A\"") == true)
    #expect(result.standardError.components(separatedBy: "\"N/A\"").count == 2, "\(result)")

    let thermal = try Self.rows(folder + "/thermal.csv").rows
    #expect(Set(thermal.map { $0["host"]! }) == ["node-a"])
    #expect(
      thermal.contains {
        $0["sensor"] == "thermal_zone0" && $0["type"] == "cpu-thermal" && $0["temp_celsius"] == "47.5"
      })
    #expect(thermal.contains { $0["sensor"] == "cooling_device1" && $0["cooling_current_state"] == "2" })
    // One sampler per node, each seeing its node's two ranks.
    let memory = try Self.rows(folder + "/memory.csv").rows
    for host in ["node-a", "node-b"] {
      let mine = memory.filter { $0["host"] == host }
      #expect(mine.count >= 2 && mine.allSatisfy { $0["ranks"] == "2" }, "\(host)")
    }
    let (results, _) = try ResultsCSV.read(path: directory.appendingPathComponent("results/hpl.csv").path)
    #expect(results.first?.hosts == ["node-a", "node-b"])
  }

  /// A sensor tree with a FIFO nobody writes and a 1 GiB file where values should be: the run
  /// finishes, each is said once, and the good zone is sampled throughout.
  @Test func aFIFOAndAHugeSensorFileDoNotStopARun() async throws {
    var dat = HPLDatBuilder()
    dat.ns = [400]
    dat.nbs = [32]
    let directory = try makeWorkingDirectory("telemetry-poisoned")
    defer { try? FileManager.default.removeItem(at: directory) }
    try dat.text.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8)
    let sys = directory.appendingPathComponent("sys").path
    for zone in ["thermal_zone0", "thermal_zone1"] {
      try FileManager.default.createDirectory(atPath: "\(sys)/class/thermal/\(zone)", withIntermediateDirectories: true)
    }
    #expect(mkfifo("\(sys)/class/thermal/thermal_zone0/temp", 0o644) == 0)
    try "44000\n".write(toFile: "\(sys)/class/thermal/thermal_zone1/temp", atomically: true, encoding: .utf8)
    try "soc-thermal\n".write(toFile: "\(sys)/class/thermal/thermal_zone1/type", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: "\(sys)/class/hwmon/hwmon0", withIntermediateDirectories: true)
    #expect(FileManager.default.createFile(atPath: "\(sys)/class/hwmon/hwmon0/temp1_input", contents: nil))
    #expect(truncate("\(sys)/class/hwmon/hwmon0/temp1_input", 1 << 30) == 0)

    let result = try await MPIRunner(deadline: .seconds(60)).run(
      executableNamed: "hplswift", arguments: ["--telemetry=0.2", "--quiet"], processes: 2,
      workingDirectory: directory.path, environment: ["CLUSTERBENCH_SYSFS_ROOT": sys])
    #expect(result.succeeded && !result.timedOut, "\(result)")
    let folder = try Self.runFolder(in: directory)
    let problems = try RunMetadata.read(fromFolder: folder).problems.values.joined()
    #expect(problems.filter { $0.contains("is a named pipe (FIFO), not a regular file") }.count == 1, "\(problems)")
    #expect(problems.filter { $0.contains("is larger than 65536 bytes") }.count == 1, "\(problems)")
    let thermal = try Self.rows(folder + "/thermal.csv").rows
    #expect(thermal.count >= 2 && thermal.allSatisfy { $0["sensor"] == "thermal_zone1" && $0["temp_celsius"] == "44" })
  }

  @Test func telemetryFlagRejectsNonsense() async throws {
    let directory = try makeWorkingDirectory("telemetry-flag")
    defer { try? FileManager.default.removeItem(at: directory) }
    for value in ["0", "-1", "soon"] {
      let result = try await MPIRunner().run(
        executableNamed: "hplswift", arguments: ["--telemetry=\(value)"], processes: 2,
        workingDirectory: directory.path)
      #expect(result.exitStatus == 64, "\(result)")
      #expect(result.standardError.components(separatedBy: "--telemetry: expected a positive time span").count == 2)
    }
    // 1 ns would spin a core on sampling: refused, naming the flag, the value and the minimum.
    let tiny = try await MPIRunner().run(
      executableNamed: "hplswift", arguments: ["--telemetry", "0.000000001"], processes: 2,
      workingDirectory: directory.path)
    #expect(tiny.exitStatus == 64, "\(tiny)")
    let message = "--telemetry: expected an interval of at least 0.1s (100ms), such as 0.5, 500ms, 10s or 1m; "
    #expect(tiny.standardError.components(separatedBy: message + "got \"0.000000001\"").count == 2, "\(tiny)")
  }

  @Test func monitorStopsCleanlyOnSIGTERM() async throws {
    let directory = try makeWorkingDirectory("monitor")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("monitor").path
    // SIGTERM once the first sample's row is written, not at a fixed time: under the whole suite's
    // load the monitor has not always started (nor set its handler) within 3 s.
    let memoryFile = out + "/memory.csv"
    let result = try await SignalledRun.run(
      try MPIRunner.path(ofExecutable: "clusterbench"), arguments: ["monitor", "--interval", "0.2", "--out", out],
      workingDirectory: directory.path
    ) { _, _ in
      ((try? String(contentsOfFile: memoryFile, encoding: .utf8)) ?? "").split(separator: "\n").count >= 2
    }
    #expect(result.signalled && result.exitStatus == 0, "\(result.termination) \(result.standardError)")
    #expect(result.standardError.contains("stopped by SIGTERM"), "\(result.standardError)")
    let metadata = try RunMetadata.read(fromFolder: out)
    #expect(metadata.end != nil && metadata.program == "clusterbench monitor")
    // At least the first sample: under a full test run's load the 0.2 s intervals may stretch to
    // seconds, and what this test checks is the clean stop, with every sample taken written.
    let samples = metadata.samples.values.reduce(0, +)
    #expect(samples >= 1)
    let memory = try Self.rows(out + "/memory.csv").rows
    #expect(memory.count == samples)
    // The monitor samples its own memory (it is the node's only rank).
    #expect(memory.allSatisfy { $0["ranks"] == "1" && Int($0["ranks_resident_bytes"]!)! > 0 })
    for file in TelemetryCSV.File.allCases { _ = try Self.rows(out + "/" + file.fileName) }
  }

  @Test func monitorUnderMPIGathersEveryNodeAndStopsAfterItsDuration() async throws {
    let directory = try makeWorkingDirectory("monitor-mpi")
    defer { try? FileManager.default.removeItem(at: directory) }
    let clusterbench = try MPIRunner.path(ofExecutable: "clusterbench")
    let arguments = ["monitor", "--interval", "0.25", "--duration", "1s", "--out", "m"]
    let result = try await MPIRunner().run(
      segments: [
        .init(
          processes: 1,
          environment: ["CLUSTERBENCH_HOSTNAME": "node-a", "CLUSTERBENCH_SYSFS_ROOT": Self.fixtures + "/sys"],
          executable: clusterbench, arguments: arguments),
        .init(
          processes: 2, environment: ["CLUSTERBENCH_HOSTNAME": "node-b"], executable: clusterbench,
          arguments: arguments),
      ], workingDirectory: directory.path)
    #expect(result.succeeded && result.standardError.contains("stopped by duration"), "\(result)")
    let out = directory.appendingPathComponent("m").path
    let metadata = try RunMetadata.read(fromFolder: out)
    #expect(metadata.hosts == ["node-a", "node-b"] && metadata.ranks == 3)
    // 1 s at 0.25 s: 5 samples each, or fewer if a loaded machine stalled the schedule (the
    // monitor then resumes one interval later rather than sampling in a burst); always as many on
    // both nodes, since they sample in the same intervals.
    let counts = [metadata.samples["node-a"] ?? 0, metadata.samples["node-b"] ?? 0]
    #expect(counts[0] == counts[1] && (2...5).contains(counts[0]), "\(counts)")
    let memory = try Self.rows(out + "/memory.csv").rows
    #expect(memory.filter { $0["host"] == "node-b" }.allSatisfy { $0["ranks"] == "2" })
    let thermal = try Self.rows(out + "/thermal.csv").rows
    #expect(thermal.count == counts[0] * 8 && thermal.allSatisfy { $0["host"] == "node-a" })
  }

  @Test func monitorRejectsNonsenseFlagsAndAnOccupiedFolder() async throws {
    let directory = try makeWorkingDirectory("monitor-flags")
    defer { try? FileManager.default.removeItem(at: directory) }
    let clusterbench = try MPIRunner.path(ofExecutable: "clusterbench")
    for (flag, value) in [("--interval", "0"), ("--interval", "abc"), ("--duration", "-5"), ("--duration", "3x")] {
      let result = try await MPIRunner().runAlone(
        clusterbench, arguments: ["monitor", "\(flag)=\(value)"], workingDirectory: directory.path)
      #expect(result.exitStatus == 64, "\(result)")
      #expect(result.standardError.contains("\(flag): expected a positive time span"), "\(result)")
    }
    let tiny = try await MPIRunner().runAlone(
      clusterbench, arguments: ["monitor", "--interval", "1e-9", "--duration", "1"], workingDirectory: directory.path)
    #expect(tiny.exitStatus == 64, "\(tiny)")
    #expect(tiny.standardError.contains("--interval: expected an interval of at least 0.1s (100ms)"), "\(tiny)")
    #expect(tiny.standardError.contains("got \"1e-9\""), "\(tiny)")
    try FileManager.default.createDirectory(atPath: directory.path + "/taken", withIntermediateDirectories: true)
    try "{}".write(toFile: directory.path + "/taken/metadata.json", atomically: true, encoding: .utf8)
    let result = try await MPIRunner().runAlone(
      clusterbench, arguments: ["monitor", "--out", "taken", "--duration", "1"], workingDirectory: directory.path)
    #expect(result.exitStatus == 1 && result.standardError.contains("--out taken already holds"), "\(result)")
  }
}
