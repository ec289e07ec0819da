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
}
