import Foundation
import Preflight
import TestSupport
import Testing

@testable import ClusterBench

struct DoctorTests {
  static func report(host: String, version: String = "0.6.0", blas: String = "ATLAS", resolutions: [String: [String]])
    -> ProbeReport
  {
    ProbeReport(
      host: host, executable: "/opt/suite/hplswift", build: "abc", version: version, mpi: "MPICH Version: 4.0.2",
      blas: blas, resolutions: resolutions)
  }

  @Test func namesLoopbackResolutionAndMismatchedLibraries() {
    let hosts = ["rock01", "rock02", "rock03"]
    let lan = ["rock01": ["10.0.0.1"], "rock02": ["10.0.0.2"], "rock03": ["10.0.0.3"]]
    var rock02View = lan
    rock02View["rock02"] = ["127.0.1.1"]  // Debian's own-name line
    var rock03View = lan
    rock03View["rock01"] = ["127.0.0.1"]
    let reports = [
      "rock01": Self.report(host: "rock01", resolutions: lan),
      "rock02": Self.report(host: "rock02", resolutions: rock02View),
      "rock03": Self.report(host: "rock03", version: "0.5.0", blas: "OpenBLAS", resolutions: rock03View),
    ]
    let checks = Doctor.compare(reports, hosts: hosts, checkNames: true)
    let failures = checks.filter { $0.verdict == .fail }.map { "\($0.host ?? "-"): \($0.check): \($0.detail)" }
    #expect(
      failures == [
        "rock03: suite version: 0.5.0, but rock01 has 0.6.0",
        "rock03: BLAS library: OpenBLAS, but rock01 has ATLAS",
        "rock02: name resolution: its own name 'rock02' resolves to 127.0.1.1 there, a loopback address: MPICH's "
          + "hydra and the ranks on rock02 would give the other nodes an address that, on them, means themselves, so "
          + "they cannot reach rock02",
        "rock03: name resolution: 'rock01' resolves to 127.0.0.1 there, a loopback address: rock03 would reach "
          + "itself instead of rock01",
      ])
    #expect(checks.contains { $0.verdict == .pass && $0.check == "MPI library" })
    #expect(
      checks.first { $0.host == "rock02" && $0.check == "name resolution" }?.fix
        == "in /etc/hosts on rock02, change the line that maps rock02 to 127.0.1.1 so that it maps rock02 to its LAN "
        + "address (10.0.0.2, as the other nodes resolve it); keep 127.0.0.1 for localhost only (Debian's installer "
        + "puts the machine's own name on 127.0.1.1)")
    #expect(
      checks.first { $0.host == "rock03" && $0.check == "name resolution" }?.fix
        == "in /etc/hosts on rock03, map rock01 to its LAN address (10.0.0.1, as the other nodes resolve it)")
  }

  @Test func launchFailuresGetTheUsualFix() {
    let missing = Doctor.diagnoseLaunch(
      host: "rock04",
      errors:
        "[proxy:0:0@rock04] HYDU_create_process (launch.c:73): execvp error on file /opt/suite/hplswift (No such file or directory)\n",
      hplswift: "/opt/suite/hplswift", exit: 255)
    #expect(missing.check == "binaries" && missing.fix?.contains("same path on every node") == true)
    let ssh = Doctor.diagnoseLaunch(
      host: "rock05", errors: "ssh: Could not resolve hostname rock05: Name or service not known\n",
      hplswift: "/x", exit: 255)
    #expect(ssh.detail.contains("Could not resolve hostname") && ssh.fix?.contains("/etc/hosts") == true)
    let keys = Doctor.diagnoseLaunch(
      host: "rock06", errors: "root@rock06: Permission denied (publickey,password).\n", hplswift: "/x", exit: 255)
    #expect(keys.fix == "set up passwordless ssh: ssh-keygen (once), then ssh-copy-id rock06")
  }

  @Test func exchangeAnswersAreFoundInInterleavedOutput() {
    let output = """
      probe: rank 1 of 3 on b: startedprobe: rank 2 of 3 on c: started

      probe: rank 0 of 3 on a: started
      probe: rank 0 on a: done
      probe: rank 2 on c: done
      """
    let (started, done) = Doctor.answers(in: output)
    #expect(started == [0, 1, 2] && done == [0, 2])
  }
}

/// The doctor really run: on this machine, and on a deliberately broken hostfile.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DoctorProgramTests {
  @Test func brokenHostfileMistakesAreNamed() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let hostfile = folder.appendingPathComponent("hostfile").path
    try """
    localhost:2
    rock02 slots=4
    10.0.0.3 rock03
    localhost:1
    no-such-host.invalid
    """.write(toFile: hostfile, atomically: true, encoding: .utf8)
    let result = try await MPIRunner(deadline: .seconds(90)).runAlone(
      try MPIRunner.path(ofExecutable: "clusterbench"), arguments: ["doctor", "-f", hostfile, "--launch-bound", "20"])
    #expect(result.exitStatus == 1, "\(result)")
    let out = result.standardOutput
    #expect(out.contains("FAIL hostfile: \(hostfile) line 2: 'rock02 slots=4' is Open MPI's syntax"), "\(out)")
    #expect(out.contains("line 3: '10.0.0.3 rock03' looks like an /etc/hosts line"))
    #expect(out.contains("line 4: host 'localhost' is listed again (first on line 1)"))
    #expect(out.contains("ok   localhost: launch: hplswift"))
    #expect(out.contains("FAIL no-such-host.invalid: launch:"), "\(out)")
  }

  @Test func thisMachinePasses() async throws {
    let result = try await MPIRunner(deadline: .seconds(60)).runAlone(
      try MPIRunner.path(ofExecutable: "clusterbench"), arguments: ["doctor"])
    #expect(result.exitStatus == 0, "\(result)")
    #expect(result.standardOutput.contains("ok   MPI exchange: hello from 1 ranks on 1 hosts"), "\(result)")
  }
}
