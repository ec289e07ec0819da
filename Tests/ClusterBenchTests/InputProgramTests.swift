import ClusterBench
import Foundation
import TestSupport
import Testing

/// `clusterbench` really run on bad input: a clear message naming the file, line or flag, a
/// non-zero exit, and nothing launched or waited on.
struct InputProgramTests {
  static func clusterbench(_ arguments: [String], in folder: String) async throws -> MPIRunResult {
    try await MPIRunner(deadline: .seconds(60)).runAlone(
      try MPIRunner.path(ofExecutable: "clusterbench"), arguments: arguments, workingDirectory: folder)
  }

  static func scratch() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
  }

  @Test(.timeLimit(.minutes(2))) func sweepNamesAreValidatedLikeJobNames() async throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for command in ["compare", "report"] {
      let result = try await Self.clusterbench([command, "--sweep", "../../etc"], in: folder)
      #expect(result.termination == .exited(64), "\(result)")
      #expect(
        result.standardError.contains(
          "--sweep: expected 1 to 100 letters, digits, '-', '_' or '.', not starting with '.' (it names a folder), "
            + "found '../../etc'"), "\(result)")
    }
  }

  @Test(.timeLimit(.minutes(2))) func aHostfileHostThatIsAnOptionStopsSubmitBeforeSsh() async throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "rock01\n-oProxyCommand=id\n".write(
      toFile: folder + "/hosts", atomically: true, encoding: .utf8)
    try "kind: hpl\ntarget:\n  hostfile: hosts\nnodes: [1]\nhpl:\n  n: [100]\n".write(
      toFile: folder + "/job.yaml", atomically: true, encoding: .utf8)
    let result = try await Self.clusterbench(["submit", "job.yaml", "--dry-run"], in: folder)
    #expect(result.termination == .exited(1), "\(result)")
    #expect(
      result.standardError.contains(
        "job.yaml line 2, key target.hostfile: hosts line 2: '-oProxyCommand=id' starts with '-'"),
      "\(result)")
  }

  @Test(.timeLimit(.minutes(2))) func theDoctorRefusesAFIFOHostfileAtOnce() async throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // A reader that waited on the pipe would wait the full minute; a loaded machine may take seconds to launch.
    #expect(FIFO.make(folder + "/hosts", releaseAfter: 60))
    let start = Date()
    let result = try await Self.clusterbench(["doctor", "-f", "hosts"], in: folder)
    #expect(Date().timeIntervalSince(start) < 45)
    #expect(result.termination == .exited(64), "\(result)")
    #expect(result.standardError.contains("-f hosts: is a named pipe (FIFO), not a regular file"), "\(result)")
  }
}
