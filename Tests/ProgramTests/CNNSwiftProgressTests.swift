import Foundation
import TestSupport
import Testing

/// `cnnswift train`'s progress inside epochs (rank 0, standard error, at most once per interval,
/// silenced by --quiet) and its oversubscription warning and per-node columns, really launched.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CNNSwiftProgressTests {
  static var progress: Regex<(Substring, Substring, Substring, Substring)> {
    /^cnnswift: epoch 1\/1: step (\d+)\/(\d+) \(\d+%\), \d+ images\/s, about ([0-9hms.]+) left in the epoch$/
  }

  static func train(_ arguments: [String], processes: Int, folder: URL) async throws -> MPIRunResult {
    let result = try await MPIRunner(deadline: .seconds(120)).run(
      executableNamed: "cnnswift",
      arguments: [
        "train", "--model", "lenet", "--data", "synthetic:1200", "--batch", "16", "--epochs", "1",
        "--results", folder.appendingPathComponent("train.csv").path,
      ] + arguments, processes: processes)
    #expect(result.succeeded, "\(result)")
    return result
  }

  static func progressLines(_ result: MPIRunResult) -> [String] {
    result.standardError.split(separator: "\n").map(String.init).filter { $0.hasPrefix("cnnswift: epoch ") }
  }

  @Test func progressGoesToStandardErrorAtMostOncePerIntervalAndQuietSilencesIt() async throws {
    let folder = try CNNSwiftProgramTests.folder("progress")
    defer { try? FileManager.default.removeItem(at: folder) }
    let fast = try await Self.train(["--progress-every", "0.001"], processes: 2, folder: folder)
    let lines = Self.progressLines(fast)
    // 600 images per rank at batch 16: 37 steps; a line at most per step after the first, from rank 0 alone.
    #expect(!lines.isEmpty && lines.count <= 36, "\(fast)")
    for line in lines { #expect(line.wholeMatch(of: Self.progress) != nil, "\(line)") }
    let steps = lines.compactMap { $0.wholeMatch(of: Self.progress).map { (Int($0.1)!, Int($0.2)!) } }
    #expect(steps.allSatisfy { $0.1 == 37 } && steps.map(\.0) == steps.map(\.0).sorted())
    // Standard output keeps its lines whole: the start, the epoch, the end.
    #expect(!fast.standardOutput.contains("step "), "\(fast)")
    #expect(fast.outputLines.contains { $0.hasPrefix("epoch 1/1: loss ") }, "\(fast)")
    // The default: at most one line a second.
    let paced = try await Self.train([], processes: 2, folder: folder)
    let seconds = paced.duration.components.seconds
    #expect(Int64(Self.progressLines(paced).count) <= seconds + 1, "\(paced)")
    let quiet = try await Self.train(["--quiet", "--progress-every", "0.001"], processes: 2, folder: folder)
    #expect(Self.progressLines(quiet).isEmpty && !quiet.standardError.contains("step "), "\(quiet)")
  }

  /// More ranks than cores on the node: one warning at the start, and the counts in train.csv.
  @Test func oversubscriptionIsWarnedOnceAndRecorded() async throws {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    guard cores <= 7 else { return }  // too many ranks to start on a large machine
    let folder = try CNNSwiftProgramTests.folder("oversubscribed")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try await Self.train(["--quiet"], processes: cores + 1, folder: folder)
    let warning = "cnnswift: warning: oversubscribed: "
    #expect(result.standardError.components(separatedBy: warning).count == 2, "\(result)")
    #expect(
      result.standardError.contains("runs \(cores + 1) ranks on \(cores) cores; ranks wait for cores"), "\(result)")
    let rows = try String(contentsOf: folder.appendingPathComponent("train.csv"), encoding: .utf8)
      .split(separator: "\n")
    #expect(rows[0].hasSuffix(",blas,ranks_per_node,cores_per_node"))
    #expect(rows[1].hasSuffix(",\(cores + 1),\(cores)"), "\(rows[1])")
    // Within the cores: no warning.
    let fits = try await Self.train(["--quiet"], processes: 1, folder: folder)
    #expect(!fits.standardError.contains("oversubscribed"), "\(fits)")
  }
}
