import CNN
import Foundation
import ImageFiles
import TestSupport
import Testing

@testable import ModelFormats

#if canImport(Glibc)
  import Glibc
#endif

/// `cnnswift detect`'s library side given bad input: an image too large for the node's memory is refused from its
/// header before decoding, `--draw` must name a folder, and paths are escaped in the table.
@Suite struct ImageDetectionInputTests {
  static let cfg = TestModels.tinyRegionDetector

  static func folder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("detect-input-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func detector(in folder: String) throws -> ObjectDetector {
    try cfg.write(toFile: folder + "/tiny.cfg", atomically: true, encoding: .utf8)
    let file = try ModelLoader.load(path: folder + "/tiny.cfg")
    return ObjectDetector(network: try file.build(), graph: file.graph, threshold: 0.01)
  }

  /// The peak bytes: 15 a pixel (8-bit image and float planes) and the letterbox's floats.
  @Test func theMemoryNeededFollowsTheImageAndTheInput() {
    // 64×32 into 32×32: scaled to 32×16; rows resized 32×32, then 32×16, and the input twice (32×32).
    let expected = 15 * 64 * 32 + 4 * 3 * (32 * 32 + 32 * 16 + 2 * 32 * 32)
    #expect(ImageDetection.bytesNeeded(width: 64, height: 32, inputWidth: 32, inputHeight: 32) == expected)
    // The tester's 16384×16384 bomb into a 416×416 input: about 3.8 GiB, close to the 3.97 GB measured.
    let bomb = ImageDetection.bytesNeeded(width: 16384, height: 16384, inputWidth: 416, inputHeight: 416)
    #expect(bomb > 15 * 16384 * 16384 && bomb < 4_200_000_000)
  }

  /// A header-only 16384×16384 PNG (what a 782 KB decompression bomb announces) is refused with the node's memory,
  /// before libpng decodes it (it has no image data, so decoding it would fail otherwise); a small image passes.
  @Test func anImageTooLargeForMemoryIsRefusedBeforeDecoding() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var asked: [(Int, String)] = []
    let detection = ImageDetection(
      detector: try Self.detector(in: folder), names: nil,
      memoryProblem: { bytes, what in
        asked.append((bytes, what))
        return bytes > 100 << 20 ? "\(what) needs about \(bytes >> 20) MiB, but node1 has 100 MiB available" : nil
      })
    let small = RGBImage(width: 40, height: 30, pixels: (0..<3600).map { UInt8(truncatingIfNeeded: $0) })
    try small.writePNG(to: folder + "/small.png")
    let (_, image) = try detection.detect(path: folder + "/small.png")
    #expect(image == small)
    #expect(asked.count == 1 && asked[0].1 == "a 40×30 PNG")
    #expect(asked[0].0 == ImageDetection.bytesNeeded(width: 40, height: 30, inputWidth: 32, inputHeight: 32))

    func be(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    let ihdr = Array("IHDR".utf8) + be(16384) + be(16384) + [8, 2, 0, 0, 0]
    let bomb =
      [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + ihdr + be(0) + be(0) + Array("IEND".utf8) + be(0)
    try Data(bomb).write(to: URL(fileURLWithPath: folder + "/bomb.png"))
    let needed = ImageDetection.bytesNeeded(width: 16384, height: 16384, inputWidth: 32, inputHeight: 32)
    #expect(
      throws: ImageFileError(
        folder + "/bomb.png", "a 16384×16384 PNG needs about \(needed >> 20) MiB, but node1 has 100 MiB available")
    ) {
      try detection.detect(path: folder + "/bomb.png")
    }
  }

  @Test func drawMustNameAFolder() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(FileManager.default.createFile(atPath: folder + "/ok.png", contents: Data()))
    #expect(
      ImageDetection.drawFolderProblem(folder + "/ok.png") == "--draw \(folder)/ok.png: is a regular file, not a folder"
    )
    #expect(mkfifo(folder + "/pipe", 0o644) == 0)
    #expect(
      ImageDetection.drawFolderProblem(folder + "/pipe")
        == "--draw \(folder)/pipe: is a named pipe (FIFO), not a folder")
    #expect(FileManager.default.createFile(atPath: folder + "/bad\u{1B}]0;x\u{07}", contents: Data()))
    #expect(
      ImageDetection.drawFolderProblem(folder + "/bad\u{1B}]0;x\u{07}")
        == "--draw \(folder)/bad\\u{1B}]0;x\\u{7}: is a regular file, not a folder")
    // A missing folder is created, as --checkpoint-dir's is; an existing one is taken.
    #expect(ImageDetection.drawFolderProblem(folder + "/boxes/new") == nil)
    var isFolder: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: folder + "/boxes/new", isDirectory: &isFolder) && isFolder.boolValue)
    #expect(ImageDetection.drawFolderProblem(folder) == nil)
    #expect(
      ImageDetection.drawFolderProblem(folder + "/ok.png/sub")?.hasPrefix(
        "--draw \(folder)/ok.png/sub: cannot create the folder") == true)
  }

  @Test func theTableEscapesPathsAndNames() {
    let row = ImageDetection.Row(
      image: "bad\u{1B}]0;x\u{07}.ppm", classIndex: 0, className: "dog\u{1B}[2J", confidence: 0.5, x: 1, y: 2,
      width: 3, height: 4)
    let table = ImageDetection.table([row])
    #expect(!table.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    #expect(table.contains("bad\\u{1B}]0;x\\u{7}.ppm  dog\\u{1B}[2J"))
  }
}
