import Foundation
import Testing

@testable import ImageFiles

#if canImport(Glibc)
  import Glibc
#endif

/// Hand-made bad image files, built here byte by byte: each is refused from what its header or its chunk list
/// says, before libpng, libjpeg or the PPM reader allocates for it, with a message naming the file, the field and
/// the byte offset.
@Suite struct ImageFileInputTests {
  /// PNG's CRC-32 (ISO 3309) of `bytes`.
  static func crc(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    return ~crc
  }

  static func bigEndian(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
  }

  /// A chunk: its length (`length`, or the data's), type, data and CRC.
  static func chunk(_ type: String, _ data: [UInt8], length: UInt32? = nil) -> [UInt8] {
    let typed = Array(type.utf8) + data
    return bigEndian(length ?? UInt32(data.count)) + typed + bigEndian(crc(typed))
  }

  /// The signature and an IHDR of `width` × `height`, 8-bit RGB.
  static func pngStart(width: UInt32, height: UInt32) -> [UInt8] {
    PNGChunks.signature + chunk("IHDR", bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0])
  }

  @Test func aChunkClaimingMoreThanTheFileHoldsIsRefusedBeforeLibpng() {
    // The tester's file: 180 bytes whose zTXt claims 2147483647 (libpng allocated 2.1 GB for it).
    let bytes =
      Self.pngStart(width: 4, height: 4) + Self.chunk("zTXt", [UInt8](repeating: 120, count: 135), length: 0x7FFF_FFFF)
    #expect(bytes.count == 180)
    #expect(
      throws: ImageFileError(
        "z.png",
        "truncated or corrupt: chunk zTXt at byte offset 33 claims 2147483647 bytes (2147483659 with its length, "
          + "type and CRC), 147 remain")
    ) { try RGBImage.decode(bytes, path: "z.png") }
    // A length and a type alone, without the data: the same.
    let cut = Self.pngStart(width: 4, height: 4) + Self.bigEndian(1000) + Array("tEXt".utf8)
    #expect(throws: ImageFileError.self) { try RGBImage.decode(cut, path: "cut.png") }
  }

  @Test func damagedChunkListsAreNamed() {
    #expect(throws: ImageFileError("a.png", "truncated: 20 bytes, fewer than a PNG's signature and IHDR chunk (33)")) {
      try RGBImage.decode(Array(Self.pngStart(width: 4, height: 4).prefix(20)), path: "a.png")
    }
    #expect(throws: ImageFileError("b.png", "corrupt: its first 8 bytes are not the PNG signature")) {
      try RGBImage.decode(
        [0x89, 0x50, 0x4E, 0x47, 0x0A, 0x1A, 0x0A] + Array(Self.pngStart(width: 4, height: 4).dropFirst(8)),
        path: "b.png")
    }
    let notIHDR = PNGChunks.signature + Self.chunk("tEXt", [UInt8](repeating: 65, count: 13)) + Self.chunk("IEND", [])
    #expect(throws: ImageFileError("c.png", "corrupt: its first chunk is not a 13-byte IHDR (the image's size)")) {
      try RGBImage.decode(notIHDR, path: "c.png")
    }
    let badType = Self.pngStart(width: 4, height: 4) + Self.bigEndian(0) + [0x1B, 0x5B, 0x32, 0x4A] + [0, 0, 0, 0]
    #expect(
      throws: ImageFileError(
        "d.png", "corrupt: the chunk at byte offset 33 has type bytes 1B 5B 32 4A, not four letters")
    ) { try RGBImage.decode(badType, path: "d.png") }
  }

  /// The walk stops at the image data: a text chunk before it and bytes after it (which libpng never reads) do not
  /// stop a good PNG from decoding.
  @Test func aGoodPNGWithTextAndTrailingBytesStillDecodes() throws {
    let png = try RGBImageTests.image.encodedPNG()
    let withText = Array(png[0..<33]) + Self.chunk("tEXt", Array("Comment\u{0}made by a test".utf8)) + Array(png[33...])
    #expect(try RGBImage.decode(withText, path: "t.png") == RGBImageTests.image)
    #expect(try RGBImage.decode(withText + Array("trailing".utf8), path: "t.png") == RGBImageTests.image)
    let withoutEnd = Array(withText.dropLast(12))
    #expect(try RGBImage.decode(withoutEnd + Array(0..<13), path: "t.png") == RGBImageTests.image)
    // A file cut inside its image data is named so.
    let cut = #expect(throws: ImageFileError.self) {
      try RGBImage.decode(Array(withText.dropLast(20)), path: "cut.png")
    }
    #expect(
      cut?.problem.hasPrefix("truncated or corrupt: chunk IDAT at byte offset 80 claims ") == true,
      "\(String(describing: cut))")
  }

  /// The header's size is known before a pixel is decoded: a 16384×16384 PNG of a few bytes (a decompression
  /// bomb's header) is refused by `admit` without reaching libpng, and a side past the limit is refused outright.
  @Test func theHeaderIsReadAndAdmittedBeforeDecoding() throws {
    let bomb = Self.pngStart(width: 16384, height: 16384) + Self.chunk("IDAT", [0x78, 0x9C]) + Self.chunk("IEND", [])
    #expect(try RGBImage.header(bomb, path: "bomb.png") == ImageHeader(format: .png, width: 16384, height: 16384))
    var seen: ImageHeader?
    #expect(throws: ImageFileError("bomb.png", "too large here")) {
      try RGBImage.decode(bomb, path: "bomb.png") { header in
        seen = header
        return "too large here"
      }
    }
    #expect(seen == ImageHeader(format: .png, width: 16384, height: 16384))
    #expect(throws: ImageFileError("wide.png", "a PNG of 16385×1: expected 1 to 16384 pixels a side")) {
      try RGBImage.decode(Self.pngStart(width: 16385, height: 1) + Self.chunk("IEND", []), path: "wide.png")
    }
    let jpeg = try RGBImageTests.image.encodedJPEG()
    #expect(try RGBImage.header(jpeg, path: "a.jpg") == ImageHeader(format: .jpeg, width: 37, height: 21))
    let ppm = Array("P6 37 21 255\n".utf8) + RGBImageTests.image.pixels
    #expect(try RGBImage.header(ppm, path: "a.ppm") == ImageHeader(format: .ppm, width: 37, height: 21))
    #expect(try RGBImage.decode(ppm, path: "a.ppm") { _ in nil } == RGBImageTests.image)
  }

  /// Each PPM header field is a whole token: leading zeros read as netpbm reads them, and a long token is refused,
  /// never cut (`1234567 30` read as 123456×7 before, `99999999999999999999` as 999999).
  @Test func ppmHeaderNumbersAreWholeTokens() throws {
    func decode(_ header: String, pixels: Int = 0) throws(ImageFileError) -> RGBImage {
      try RGBImage.decode(Array(header.utf8) + [UInt8](repeating: 7, count: pixels), path: "p.ppm")
    }
    #expect(throws: ImageFileError("p.ppm", "a PPM of 1234567×30: expected 1 to 16384 pixels a side")) {
      try decode("P6\n1234567 30\n255\n")
    }
    let zeros = try decode("P6\n0000040 30\n0000255\n", pixels: 40 * 30 * 3)
    #expect(zeros.width == 40 && zeros.height == 30)
    let longZeros = try decode("P6\n00000000000000000040 30\n255\n", pixels: 40 * 30 * 3)
    #expect(longZeros.width == 40)
    #expect(
      throws: ImageFileError(
        "p.ppm",
        "corrupt PPM header: the width at byte offset 3, '99999999999999999999', is not a number from 1 to 16384")
    ) { try decode("P6\n99999999999999999999 3\n255\n") }
    #expect(
      throws: ImageFileError(
        "p.ppm", "corrupt PPM header: the height at byte offset 6, '3x', is not a number from 1 to 16384")
    ) { try decode("P6\n40 3x\n255\n") }
    #expect(
      throws: ImageFileError(
        "p.ppm",
        "corrupt PPM header: the maximum value at byte offset 8, '2550000000000', is not a number from 1 to 65535")
    ) { try decode("P6\n40 3\n2550000000000\n") }
    let commented = try decode("P6# magic\n40# width\n#\n  30 #height\n255\n", pixels: 40 * 30 * 3)
    #expect(commented.width == 40 && commented.height == 30)
    #expect(throws: ImageFileError("p.ppm", "truncated PPM header: it ends at byte offset 8, before the maximum value"))
    {
      try decode("P6 40 30")
    }
    #expect(throws: ImageFileError("p.ppm", "corrupt PPM header: no whitespace before the width at byte offset 2")) {
      try decode("P640 30 255\n")
    }
    #expect(
      throws: ImageFileError(
        "p.ppm", "corrupt PPM header: no whitespace after the maximum value, at byte offset 12, before the pixels")
    ) { try decode("P6 40 30 255") }
    // A token of 100,000 digits is quoted by its first 20.
    let huge = try #require(
      #expect(throws: ImageFileError.self) { try decode("P6 " + String(repeating: "9", count: 100_000) + " 3 255\n") })
    #expect(
      huge.problem
        == "corrupt PPM header: the width at byte offset 3, '99999999999999999999…', is not a number from 1 to 16384")
  }

  /// Paths and values from the file are escaped once for a terminal.
  @Test func messagesEscapeControlCharacters() {
    let error = ImageFileError("bad\u{1B}]0;x\u{07}.ppm", "no such file")
    #expect(error.description == "bad\\u{1B}]0;x\\u{7}.ppm: no such file")
    let token = #expect(throws: ImageFileError.self) {
      try RGBImage.decode(Array("P6 4\u{1B}[2J 4 255\n".utf8), path: "e.ppm")
    }
    #expect(
      token?.description
        == "e.ppm: corrupt PPM header: the width at byte offset 3, '4\\u{1B}[2J', is not a number from 1 to 16384")
  }

  /// An image file past the limit is refused from its size, before it is read: a sparse 300 MB file costs nothing.
  @Test(.timeLimit(.minutes(1))) func aFileLargerThanTheLimitIsRefusedUnread() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString).png").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(PNGChunks.signature)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(truncate(path, 300 << 20) == 0)
    #expect(throws: ImageFileError(path, "larger than 268435456 bytes")) { try RGBImage.read(path: path) }
  }
}
