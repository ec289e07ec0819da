import Foundation
import Testing

@testable import ImageFiles

/// PNG, JPEG and PPM images through Debian's libpng and libjpeg: round trips, and damaged files refused naming
/// the file.
@Suite struct RGBImageTests {
  static let image: RGBImage = {
    let (width, height) = (37, 21)
    let pixels = (0..<(width * height)).flatMap { index -> [UInt8] in
      let (row, column) = index.quotientAndRemainder(dividingBy: width)
      return [UInt8(column * 6), UInt8(row * 12), 128]  // smooth gradients, which JPEG keeps well
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }()

  @Test func pngRoundTripsExactly() throws {
    let bytes = try Self.image.encodedPNG()
    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    #expect(try RGBImage.decode(bytes, path: "a.png") == Self.image)
  }

  @Test func jpegRoundTripsClosely() throws {
    let decoded = try RGBImage.decode(try Self.image.encodedJPEG(quality: 95), path: "a.jpg")
    #expect(decoded.width == 37 && decoded.height == 21)
    let worst = zip(decoded.pixels, Self.image.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    #expect(worst <= 12, "largest difference \(worst)")
  }

  @Test func ppmWithACommentReads() throws {
    let header = Array("P6\n# written by a test\n37 21\n255\n".utf8)
    #expect(try RGBImage.decode(header + Self.image.pixels, path: "a.ppm") == Self.image)
    #expect(
      throws: ImageFileError("a.ppm", "truncated: 37×21 pixels need 2331 bytes, 2330 follow")
    ) { try RGBImage.decode(header + Self.image.pixels.dropLast(), path: "a.ppm") }
    #expect(throws: ImageFileError("b.ppm", "a PPM of maximum value 65535: only 255 is read")) {
      try RGBImage.decode(Array("P6 2 2 65535\n".utf8) + [UInt8](repeating: 0, count: 24), path: "b.ppm")
    }
  }

  @Test func damagedFilesAreNamed() throws {
    let png = try Self.image.encodedPNG()
    #expect(throws: ImageFileError.self) { try RGBImage.decode(Array(png.prefix(60)), path: "cut.png") }
    do { _ = try RGBImage.decode(Array(png.prefix(60)), path: "cut.png") } catch {
      #expect(error.path == "cut.png" && error.problem.hasPrefix("truncated or corrupt: chunk IDAT "), "\(error)")
    }
    let jpeg = try Self.image.encodedJPEG()
    do { _ = try RGBImage.decode(Array(jpeg.prefix(jpeg.count / 2)), path: "cut.jpg") } catch {
      #expect(error.path == "cut.jpg" && error.problem.hasPrefix("cannot be decoded: "), "\(error)")
    }
    #expect(throws: ImageFileError("x.gif", "not a PNG, JPEG or binary PPM (P6) image")) {
      try RGBImage.decode(Array("GIF89a".utf8), path: "x.gif")
    }
  }

  @Test func rectanglesAreDrawnInsideTheImage() {
    var image = RGBImage(width: 6, height: 5, pixels: [UInt8](repeating: 0, count: 90))
    image.drawRectangle(left: 1, top: 1, right: 9, bottom: 3, color: (255, 0, 0), thickness: 1)
    let red = (0..<30).filter { image.pixels[3 * $0] == 255 }
    #expect(red == [7, 8, 9, 10, 11, 13, 17, 19, 20, 21, 22, 23])
  }
}
