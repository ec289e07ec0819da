import Foundation
import HPL
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Results that cannot be written are never lost with exit 0: a bad `--results`,
/// `--write-solution` or `--checkpoint-dir` is refused before any work, and a disk that fills up
/// during a run stops it with a message naming the file, on every rank, leaving no torn row.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ResultsWriteFailureTests {
  static let runner = MPIRunner(deadline: .seconds(90))

  static func folder(_ name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "writefail-\(name)-\(UUID().uuidString.prefix(8))"
    ).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func hplswift(_ arguments: [String], in folder: String, dat: HPLDatBuilder = HPLDatBuilder())
    async throws -> MPIRunResult
  {
    try dat.text.write(toFile: folder + "/HPL.dat", atomically: true, encoding: .utf8)
    return try await runner.run(
      executableNamed: "hplswift", arguments: arguments, processes: 2, workingDirectory: folder)
  }

  /// Exits non-zero at once, with one message naming the flag and the path, and runs no test.
  static func expectRefusedBeforeAnyTest(_ result: MPIRunResult, naming expected: String) {
    #expect(!result.timedOut && result.exitStatus == 1, "\(result)")
    #expect(result.standardError.contains(expected), "\(result)")
    #expect(!result.standardOutput.contains("PASSED") && !result.standardError.contains("test 1 of"), "\(result)")
    #expect(result.standardError.components(separatedBy: "\n").filter { $0.hasPrefix("hplswift:") }.count == 1)
  }

  @Test func hplswiftRefusesResultsThatAreAFolderALinkOrADevice() async throws {
    let folder = try Self.folder("hpl")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder + "/results.csv", withIntermediateDirectories: false)
    Self.expectRefusedBeforeAnyTest(
      try await Self.hplswift(["--results", "results.csv"], in: folder),
      naming: "hplswift: --results: results.csv: is a folder, not a CSV file")

    try "keep me\n".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
    #expect(symlink(folder + "/notes.txt", folder + "/linked.csv") == 0)
    Self.expectRefusedBeforeAnyTest(
      try await Self.hplswift(["--results", "linked.csv"], in: folder), naming: "linked.csv: is a symbolic link")
    #expect(try String(contentsOfFile: folder + "/notes.txt", encoding: .utf8) == "keep me\n")

    Self.expectRefusedBeforeAnyTest(
      try await Self.hplswift(["--results", "/dev/full"], in: folder),
      naming: "/dev/full: is a character device, not a regular file")
  }

  @Test func hplswiftRefusesASolutionFolderItCannotMake() async throws {
    let folder = try Self.folder("solution")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "a file\n".write(toFile: folder + "/taken", atomically: true, encoding: .utf8)
    Self.expectRefusedBeforeAnyTest(
      try await Self.hplswift(["--write-solution", "taken/x", "--results", "hpl.csv"], in: folder),
      naming:
        "hplswift: --write-solution taken/x: cannot create the folder taken/x: taken is a regular file, not a folder")
  }

  /// The results file sits on a file system with room for its header only: the first row
  /// fails part way, is taken back, and the run stops before its second test.
  @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
  func hplswiftStopsWhenTheDiskFillsUp() async throws {
    let folder = try Self.folder("full")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let filesystem = try #require(TinyFilesystem.make())
    let path = filesystem.path + "/hpl.csv"
    try filesystem.write(ResultRow.header + "\n", padTo: 4000, as: "hpl.csv")
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    var dat = HPLDatBuilder()
    dat.ns = [41, 43]
    let result = try await Self.hplswift(["--results", path], in: folder, dat: dat)
    #expect(!result.timedOut && result.exitStatus == 1, "\(result)")
    #expect(
      result.standardError.contains(
        "hplswift: --results: \(path): cannot write a row (nothing of it was kept): No space left on device; "
          + "the run was stopped so that no more results are lost"), "\(result)")
    #expect(!result.standardError.contains("test 2 of 2"), "\(result)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  /// The run folder goes beside the results file, in runs/<run id>: a file named runs is in the way.
  @Test func telemetryThatCannotBeWrittenStopsTheRunAtItsStart() async throws {
    let folder = try Self.folder("telemetry")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "in the way\n".write(toFile: folder + "/runs", atomically: true, encoding: .utf8)
    let result = try await Self.hplswift(["--results", "hpl.csv", "--telemetry=1"], in: folder)
    Self.expectRefusedBeforeAnyTest(result, naming: "hplswift: --telemetry: ./runs/hpl-")
    let monitor = try await Self.runner.run(
      executableNamed: "clusterbench", arguments: ["monitor", "--duration", "1s", "--out", "runs/monitor"],
      processes: 2, workingDirectory: folder)
    #expect(!monitor.timedOut && monitor.exitStatus == 1, "\(monitor)")
    #expect(monitor.standardError.contains("clusterbench monitor: --out runs/monitor: runs/monitor/"), "\(monitor)")
  }

  @Test func cnnswiftRefusesResultsAndCheckpointFoldersBeforeTraining() async throws {
    let folder = try Self.folder("cnn")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder + "/train.csv", withIntermediateDirectories: false)
    try "a file\n".write(toFile: folder + "/taken", atomically: true, encoding: .utf8)
    let common = ["train", "--model", "lenet", "--data", "synthetic:256", "--batch", "32", "--epochs", "1"]
    for (arguments, expected) in [
      (["--results", folder + "/train.csv"], "cnnswift: --results: \(folder)/train.csv: is a folder, not a CSV file"),
      (
        ["--results", folder + "/ok.csv", "--checkpoint-dir", folder + "/taken/ckpt"],
        "cnnswift: --checkpoint-dir \(folder)/taken/ckpt: cannot create the folder \(folder)/taken/ckpt: \(folder)/taken is a regular file, not a folder"
      ),
      (["--results", folder + "/ok.csv", "--save", folder + "/train.csv"], "is a folder, not a regular file"),
    ] {
      let result = try await Self.runner.run(
        executableNamed: "cnnswift", arguments: common + arguments, processes: 2, workingDirectory: folder)
      #expect(!result.timedOut && result.exitStatus == 1, "\(result)")
      #expect(result.standardError.contains(expected), "\(result)")
      #expect(!result.standardOutput.contains("epoch 1/1"), "\(result)")
    }
  }

  @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
  func cnnswiftStopsWhenTheDiskFillsUp() async throws {
    let folder = try Self.folder("cnnfull")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let filesystem = try #require(TinyFilesystem.make())
    let path = filesystem.path + "/train.csv"
    // An empty run of cnnswift writes just the header: take it from there.
    let probe = try await Self.runner.run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--model", "mlp", "--data", "synthetic:64", "--batch", "32", "--epochs", "1",
        "--results", folder + "/header.csv",
      ], processes: 1, workingDirectory: folder)
    #expect(probe.succeeded, "\(probe)")
    let header = try String(contentsOfFile: folder + "/header.csv", encoding: .utf8).split(separator: "\n")[0]
    try filesystem.write(header + "\n", padTo: 4000, as: "train.csv")
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let result = try await Self.runner.run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--model", "mlp", "--data", "synthetic:256", "--batch", "32", "--epochs", "3", "--results", path,
      ], processes: 2, workingDirectory: folder)
    #expect(!result.timedOut && result.exitStatus == 1, "\(result)")
    #expect(
      result.standardError.contains(
        "--results: \(path): cannot write a row (nothing of it was kept): No space left on device; "
          + "training was stopped so that no more results are lost"), "\(result)")
    #expect(!result.standardOutput.contains("epoch 2/3"), "\(result)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }
}
