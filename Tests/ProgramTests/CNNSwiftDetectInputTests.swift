import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `cnnswift detect` given bad input, as a user would: `--draw` naming a file or a FIFO, an image too large for
/// the node's memory (a 16384×16384 header against a MemAvailable of 100 MiB, from a planted /proc), and a path
/// holding terminal escapes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CNNSwiftDetectInputTests {
  static let cfg = TestModels.tinyRegionDetector

  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cnnswift-detect-input-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try cfg.write(to: url.appendingPathComponent("tiny.cfg"), atomically: true, encoding: .utf8)
    return url
  }

  static func detect(_ folder: URL, _ arguments: [String], environment: [String: String] = [:]) async throws
    -> MPIRunResult
  {
    let cnnswift = try MPIRunner.path(ofExecutable: "cnnswift")
    return try await MPIRunner().runAlone(
      cnnswift, arguments: ["detect", "--model-file", folder.appendingPathComponent("tiny.cfg").path] + arguments,
      environment: environment)
  }

  @Test func drawRefusesAFileOrAFIFO() async throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let png = folder.appendingPathComponent("ok.png").path
    #expect(FileManager.default.createFile(atPath: png, contents: Data()))
    let file = try await Self.detect(folder, ["--image", png, "--draw", png])
    #expect(file.exitStatus == 64, "\(file)")
    #expect(file.standardError.contains("--draw \(png): is a regular file, not a folder"), "\(file)")
    let pipe = folder.appendingPathComponent("pipe").path
    #expect(mkfifo(pipe, 0o644) == 0)
    let fifo = try await Self.detect(folder, ["--image", png, "--draw", pipe])
    #expect(
      fifo.exitStatus == 64 && fifo.standardError.contains("--draw \(pipe): is a named pipe (FIFO), not a folder"))
  }

  @Test func anImageTooLargeForTheNodeIsRefusedBeforeDecoding() async throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let proc = folder.appendingPathComponent("proc")
    try FileManager.default.createDirectory(at: proc, withIntermediateDirectories: true)
    try "MemTotal:       1048576 kB\nMemFree:         102400 kB\nMemAvailable:    102400 kB\n".write(
      to: proc.appendingPathComponent("meminfo"), atomically: true, encoding: .utf8)
    func be(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    // A decompression bomb's header: 16384×16384, and no image data at all (libpng would fail on it).
    let png =
      [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + Array("IHDR".utf8) + be(16384) + be(16384)
      + [8, 2, 0, 0, 0] + be(0) + be(0) + Array("IEND".utf8) + be(0)
    let bomb = folder.appendingPathComponent("bomb.png").path
    try Data(png).write(to: URL(fileURLWithPath: bomb))
    let run = try await Self.detect(folder, ["--image", bomb], environment: ["CLUSTERBENCH_PROCFS_ROOT": proc.path])
    #expect(run.exitStatus == 1, "\(run)")
    #expect(run.standardError.contains("cnnswift: \(bomb): a 16384×16384 PNG needs about "), "\(run)")
    #expect(run.standardError.contains(" MiB to decode and letterbox, but "), "\(run)")
    #expect(run.standardError.contains(" has 100 MiB available"), "\(run)")
  }

  @Test func aPathWithTerminalEscapesIsPrintedEscaped() async throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try await Self.detect(folder, ["--image", "bad\u{1B}]0;x\u{07}.ppm"])
    #expect(run.exitStatus == 1, "\(run)")
    #expect(run.standardError.contains("cnnswift: bad\\u{1B}]0;x\\u{7}.ppm: no such file"), "\(run)")
    #expect(!run.standardError.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(run)")
  }
}
