import Foundation
import HPL
import HPLBenchmark
import SuiteCore
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// hplswift against input that must not crash, hang or allocate what a rank cannot hold, on two
/// real MPI ranks: sizes beyond memory, NB beyond N, files that are not HPL.dat files, bad
/// environment variables, and oversubscribed nodes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HPLSwiftHardeningTests {
  static let runner = MPIRunner(deadline: .seconds(60))
  static let cores = ProcessInfo.processInfo.activeProcessorCount

  /// Runs hplswift in a fresh folder holding `dat` as HPL.dat.
  static func run(
    dat: String?, processes: Int = 2, arguments: [String] = [], environment: [String: String] = [:],
    name: String, prepare: (URL) throws -> Void = { _ in }, inspect: (MPIRunResult, URL) throws -> Void
  ) async throws {
    let directory = try makeWorkingDirectory(name)
    defer { try? FileManager.default.removeItem(at: directory) }
    if let dat { try dat.write(to: directory.appendingPathComponent("HPL.dat"), atomically: true, encoding: .utf8) }
    try prepare(directory)
    let result = try await runner.run(
      executableNamed: "hplswift", arguments: arguments, processes: processes,
      workingDirectory: directory.path, environment: environment)
    try inspect(result, directory)
  }

  /// Every rank exits 1 within seconds after one message from rank 0, and nothing ran.
  static func expectRefused(_ result: MPIRunResult, _ fragments: [String]) {
    #expect(!result.timedOut && result.exitStatus == 1, "\(result)")
    #expect(result.duration < MPIRunner.promptExit)
    for fragment in fragments { #expect(result.standardError.contains(fragment), "\(result)") }
    #expect(!result.standardError.contains("Fatal error"), "\(result)")
    #expect(!result.standardOutput.contains("PASSED"))
    let messages = result.standardError.components(separatedBy: "\n").filter { $0.hasPrefix("hplswift:") }
    #expect(messages.count == 1, "\(result)")
  }

  /// A per-rank matrix larger than the host's memory (16 TiB per rank, or a 1.6 TB leading
  /// dimension from a huge ALIGN) is refused on both ranks before anything is allocated, naming
  /// N, the bytes and the memory. (Before, the allocation was attempted and, where memory
  /// overcommit grants it, the OOM killer ended the run.)
  @Test(arguments: [
    (2_000_000, 8, "test 1 of 1 (N=2000000 NB=5 P=1 Q=2): each rank's part of the matrix takes up to"),
    (100, 2_147_483_647, "test 1 of 1 (N=100 NB=5 P=1 Q=2): each rank's part of the matrix takes up to"),
  ])
  func matrixLargerThanTheHostIsRefusedOnEveryRank(n: Int, alignment: Int, expected: String) async throws {
    var dat = HPLDatBuilder()
    (dat.ns, dat.alignment) = ([n], alignment)
    let memory = try MemInfo.read().memTotalBytes
    try await Self.run(dat: dat.text, name: "toobig") { result, directory in
      Self.expectRefused(
        result,
        [expected, "of physical memory (MemTotal); lower N", "(\(memory) bytes)", "HPL.dat: test 1 of 1"])
      #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("results/hpl.csv").path))
    }
  }

  /// NB larger than N runs as in xhpl: NB is reported as given, and NB = 40 and NB = 2³¹ − 1
  /// compute exactly what NB = N + 1 does. (Before, NB = 2³¹ − 1 allocated 16 GiB per rank.)
  @Test func blockSizeLargerThanNRunsAsXhplDoes() async throws {
    var dat = HPLDatBuilder()
    (dat.ns, dat.nbs) = ([30], [40, 31, 2_147_483_647])
    try await Self.run(dat: dat.text, name: "nb-above-n") { result, _ in
      #expect(result.succeeded, "\(result)")
      let lines = result.outputLines
      #expect(lines.contains { $0.hasPrefix("WR11C2R4") && $0.contains("   30    40     1     2 ") })
      #expect(lines.contains { $0.hasPrefix("WR11C2R4") && $0.contains("   30 2147483647     1     2 ") })
      let residuals = lines.filter { $0.hasPrefix("||Ax-b||_oo") }
      #expect(residuals.count == 3 && Set(residuals).count == 1 && residuals[0].hasSuffix("PASSED"), "\(lines)")
      #expect(
        result.standardError.contains(
          "hplswift: note: NB=2147483647 is larger than N=30: as in xhpl, the whole matrix is one block "
            + "on process (0,0) and the panel is N columns wide"))
    }
  }

  /// A FIFO, a device and a symbolic link loop given as --dat end at once with what they are;
  /// before, a FIFO blocked rank 0 (and so every rank) forever, and a loop read "no HPL.dat".
  @Test(arguments: [
    ("fifo", "hplswift: fifo: is a named pipe (FIFO), not a regular file"),
    ("/dev/zero", "hplswift: /dev/zero: is a character device, not a regular file"),
    ("loop", "hplswift: loop: cannot be opened: a loop of symbolic links"),
  ])
  func specialFilesEndAtOnce(path: String, expected: String) async throws {
    try await Self.run(
      dat: nil, arguments: ["--dat", path], name: "special",
      prepare: { directory in
        #expect(mkfifo(directory.appendingPathComponent("fifo").path, 0o600) == 0)
        let loop = directory.appendingPathComponent("loop").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
      }
    ) { result, _ in
      Self.expectRefused(result, [expected])
      #expect(!result.standardError.contains("no HPL.dat"))
    }
  }

  /// The finalize settings are checked like flags, before any work (before, a typo silently
  /// meant the default and the run went on).
  @Test(arguments: [
    (
      "CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS", "soon",
      "CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS is 'soon'; expected the seconds MPI_Finalize may take"
    ),
    ("CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS", "1e300", "up to 3600; the default is 3), or 0"),
    ("CLUSTERBENCH_FINALIZE_QUIESCE", "maybe", "CLUSTERBENCH_FINALIZE_QUIESCE is 'maybe'; accepted values are off"),
  ])
  func badFinalizeSettingsStopTheRunBeforeItStarts(variable: String, value: String, expected: String)
    async throws
  {
    try await Self.run(dat: HPLDatBuilder().text, environment: [variable: value], name: "env") { result, _ in
      #expect(!result.timedOut && result.exitStatus != 0 && result.exitStatus != nil, "\(result)")
      #expect(result.duration < MPIRunner.promptExit)
      #expect(result.standardError.components(separatedBy: expected).count == 2, "once: \(result)")
      #expect(!result.standardOutput.contains("T/V"))
    }
  }

  /// More ranks than cores on a node: one warning at the start, and the CSV row says how many
  /// of each.
  @Test func oversubscriptionIsWarnedOnceAndRecorded() async throws {
    let ranks = Self.cores + 1
    var dat = HPLDatBuilder()
    dat.grids = [(1, ranks)]
    try await Self.run(
      dat: dat.text, processes: ranks, environment: ["CLUSTERBENCH_HOSTNAME": "node-a"], name: "oversub"
    ) { result, directory in
      #expect(result.succeeded, "\(result)")
      let warning =
        "hplswift: warning: oversubscribed: node-a runs \(ranks) ranks on \(Self.cores) cores; "
        + "ranks wait for cores and figures understate the hardware"
      #expect(result.standardError.components(separatedBy: "\n").filter { $0 == warning }.count == 1, "\(result)")
      let (rows, _) = try ResultsCSV.read(path: directory.appendingPathComponent("results/hpl.csv").path)
      #expect(rows.count == 1)
      #expect(rows.first?.ranksPerHost == ranks && rows.first?.coresPerHost == Self.cores)
    }
  }

  /// Without HPL.dat, the hint sizes one from this machine's memory and cores.
  @Test func missingHPLDatHintUsesThisMachine() async throws {
    let memory = try MemInfo.read().memTotalBytes
    try await Self.run(dat: nil, name: "hint") { result, _ in
      #expect(result.exitStatus == 1, "\(result)")
      #expect(
        result.standardError.contains(
          "Write one sized for this machine (\(Self.cores) cores, \(ByteSize.describe(memory)) of memory) "
            + "with `hplswift dat -o HPL.dat`"), "\(result)")
      #expect(result.standardError.contains("--cores-per-node \(Self.cores) -o HPL.dat`"))
      #expect(!result.standardError.contains("--memory-per-node 4GiB"))
    }
  }

  /// `hplswift dgemm` and `probe` check their sizes before MPI starts, on every rank alike
  /// (before, each trapped on an overflow or a failed allocation).
  @Test(arguments: [
    (
      ["dgemm", "--m", "9223372036854775807", "--n", "2", "--k", "2"],
      "--m 9223372036854775807 --n 2 --k 2: A, B and C take more than 9223372036854775807 bytes on every rank"
    ),
    (
      ["dgemm", "--m", "1000000", "--n", "1000000", "--k", "192"],
      "(8003072000000 bytes) on every rank, more than this host's"
    ),
    (
      ["probe", "--exchange", "--megabytes", "9223372036854775807"],
      "--megabytes: expected 1 to 4096 MiB for the allreduce, got 9223372036854775807."
    ),
  ])
  func otherCommandsRefuseSizesTheyCannotHold(arguments: [String], expected: String) async throws {
    try await Self.run(dat: nil, arguments: arguments, name: "other") { result, _ in
      #expect(!result.timedOut && result.exitStatus != 0 && result.exitStatus != nil, "\(result)")
      #expect(result.duration < MPIRunner.promptExit)
      #expect(result.standardError.components(separatedBy: expected).count == 2, "once: \(result)")
      #expect(!result.standardError.contains("Fatal error"))
    }
  }
}
