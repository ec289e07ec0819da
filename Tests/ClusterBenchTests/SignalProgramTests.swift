import ClusterBench
import Foundation
import Synchronization
import TestSupport
import Testing

/// `doctor`, `submit` and `run` really run and sent SIGTERM: each ends what it started, leaves no
/// temporary folder, keeps the results already written and exits 128 + 15.
@Suite(.serialized, .timeLimit(.minutes(4))) struct SignalProgramTests {
  static func folder(_ name: String) throws -> String {
    try SweepHardeningTests.folder(name)
  }

  static var clusterbench: String { get throws { try MPIRunner.path(ofExecutable: "clusterbench") } }

  /// A stand-in for hplswift whose probe never answers (a hung node).
  static func hangingProgram(in folder: String) throws -> String {
    let path = folder + "/hang"
    try "#!/bin/sh\nexec sleep 117\n".write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
  }

  static func running(_ descendants: [pid_t], _ text: String) -> Bool {
    descendants.contains { SignalledRun.commandLine(of: $0).contains(text) }
  }

  @Test func doctorEndsItsProbesAndRemovesItsTemporaryFolder() async throws {
    let folder = try Self.folder("doctor-term")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let temporary = folder + "/tmp"
    try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    try "localhost:1\n".write(toFile: folder + "/hosts", atomically: true, encoding: .utf8)
    let run = try await SignalledRun.run(
      try Self.clusterbench,
      arguments: ["doctor", "-f", folder + "/hosts", "--hplswift", try Self.hangingProgram(in: folder)],
      environment: ["TMPDIR": temporary]
    ) { _, below in Self.running(below, "sleep 117") }
    #expect(run.signalled, "\(run.standardOutput)\(run.standardError)")
    #expect(run.exitStatus == 143, "\(run.termination) \(run.standardOutput) \(run.standardError)")
    #expect(run.survivors.isEmpty, "still running: \(run.survivors.map(SignalledRun.commandLine))")
    #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
    #expect(run.standardOutput.contains("warn stopped: by a signal"), "\(run.standardOutput)")
    #expect(run.standardOutput.contains("probing 1 host, 1 at a time, each within 30 s"))
  }

  static let job = """
    name: tiny
    kind: hpl
    target:
      local: true
    nodes: [1]
    ranks_per_node: 2
    hpl:
      n: [400, 9000]
      nb: [64]

    """

  /// SIGTERM while the second point runs: the first point's row stays, the point's programs end,
  /// and the hint names every option given. A second submit meanwhile is refused at once.
  @Test func submitEndsThePointKeepsWhatPassedAndPrintsAFullResumeCommand() async throws {
    let folder = try Self.folder("submit-term")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.job.write(toFile: folder + "/tiny.yaml", atomically: true, encoding: .utf8)
    let clusterbench = try Self.clusterbench
    let second = Mutex<(status: Int32, error: String, holder: pid_t)?>(nil)
    let arguments = ["submit", "tiny.yaml", "--results", "out dir"]
    let run = try await SignalledRun.run(
      clusterbench, arguments: arguments, workingDirectory: folder, deadline: .seconds(150)
    ) { pid, below in
      let started = FileManager.default.fileExists(
        atPath: folder + "/out dir/sweeps/tiny/points/nodes01-n9000-nb64-rep1/command")
      guard started, Self.running(below, "hplswift") else { return false }
      let (status, error) = Self.runAtOnce(clusterbench, arguments, in: folder)
      second.withLock { $0 = (status, error, pid) }
      return true
    }
    #expect(run.signalled, "\(run.standardError)")
    #expect(run.exitStatus == 143, "\(run.termination) \(run.standardError)")
    #expect(run.survivors.isEmpty, "still running: \(run.survivors.map(SignalledRun.commandLine))")
    #expect(
      run.standardError.contains(
        "clusterbench submit:   \(clusterbench) submit tiny.yaml --resume --results 'out dir'\n"),
      "\(run.standardError)")
    let (records, _) = try SweepPointRecord.read(path: folder + "/out dir/sweeps/tiny/points.csv")
    #expect(records.map(\.point) == ["nodes01-n400-nb64-rep1"] && records[0].status == .passed)
    let refused = second.withLock { $0 }
    #expect(refused?.status == 1)
    #expect(
      refused?.error.contains(
        "error: sweep tiny is already running: process \(refused?.holder ?? 0) holds the lock on its folder "
          + "out dir/sweeps/tiny (out dir/sweeps/tiny/submit.lock)") == true,
      "\(refused?.error ?? "")")
  }

  /// Runs `clusterbench` with `arguments` to its end (it must end at once) and returns its exit
  /// status and standard error.
  static func runAtOnce(_ executable: String, _ arguments: [String], in folder: String) -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    let pipe = Pipe()
    process.standardError = pipe
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { return (-1, "\(error)") }
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
  }

  @Test func runEndsTheRanksItLaunched() async throws {
    let run = try await SignalledRun.run(
      try Self.clusterbench, arguments: ["run", "-n", "2", "--", "/bin/sleep", "118"]
    ) { _, below in below.filter { SignalledRun.commandLine(of: $0).hasPrefix("/bin/sleep 118") }.count == 2 }
    // `run` becomes mpiexec, so the exit status is hydra's (usually 15; 0 when the signal comes
    // as the ranks start): what is checked is that nothing it launched outlives it.
    #expect(run.signalled)
    #expect(run.survivors.isEmpty, "still running: \(run.survivors.map(SignalledRun.commandLine))")
    #expect(run.secondsToEnd < 15)
  }

  @Test func aDeadHostsPointIsNotedWithSshsLine() async throws {
    let folder = try Self.folder("dead-host")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "rock99.invalid\n".write(toFile: folder + "/hosts", atomically: true, encoding: .utf8)
    try """
    name: dead
    kind: hpl
    target:
      hostfile: hosts
    nodes: [1]
    ranks_per_node: 1
    memory_per_node: 1GiB
    cores_per_node: 1
    hpl:
      n: [400]
      nb: [32]

    """.write(toFile: folder + "/dead.yaml", atomically: true, encoding: .utf8)
    let result = try await MPIRunner(deadline: .seconds(60)).runAlone(
      try Self.clusterbench, arguments: ["submit", "dead.yaml"], workingDirectory: folder)
    #expect(result.exitStatus == 1, "\(result)")
    let (records, _) = try SweepPointRecord.read(path: folder + "/results/sweeps/dead/points.csv")
    #expect(records.first?.note.hasPrefix("ssh: Could not resolve hostname rock99.invalid") == true, "\(records)")
    #expect(result.standardError.contains("(ssh: Could not resolve hostname rock99.invalid"), "\(result)")
  }

  @Test func submitClusterReplacesTheJobsTarget() async throws {
    let folder = try Self.folder("cluster-flag")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.job.write(toFile: folder + "/tiny.yaml", atomically: true, encoding: .utf8)
    let result = try await MPIRunner(deadline: .seconds(60)).runAlone(
      try Self.clusterbench, arguments: ["submit", "tiny.yaml", "--cluster", "zz9", "--dry-run"],
      workingDirectory: folder)
    #expect(result.exitStatus == 1, "\(result)")
    #expect(
      result.standardError.hasPrefix("clusterbench submit: error: --cluster zz9: no emulated cluster named 'zz9'"),
      "\(result)")
  }
}
