import CImageCodecs
import Files

/// An 8-bit RGB image, pixels row-major and interleaved (r, g, b), as PNG, JPEG and binary PPM files hold them.
public struct RGBImage: Sendable, Equatable {
  public var width: Int
  public var height: Int
  /// width × height × 3 bytes.
  public var pixels: [UInt8]

  /// The most bytes an image file may have.
  public static let fileByteLimit = 256 << 20
  /// The largest width or height read.
  public static let sideLimit = Int(CIMAGECODECS_MAX_SIDE)

  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "an RGB image's bytes")
    (self.width, self.height, self.pixels) = (width, height, pixels)
  }

  /// Reads the PNG, JPEG or PPM (P6) image at `path`, told apart by their first bytes.
  public static func read(path: String) throws(ImageFileError) -> RGBImage {
    let bytes: [UInt8]
    do {
      bytes = Array(try BoundedFile.read(path, limit: fileByteLimit))
    } catch {
      switch error {
      case .missing: throw ImageFileError(path, "no such file")
      case .tooLarge: throw ImageFileError(path, "larger than \(fileByteLimit) bytes")
      default: throw ImageFileError(path, error.reason)
      }
    }
    return try decode(bytes, path: path)
  }

  /// Decodes an image file's `bytes`; `path` names it in errors.
  public static func decode(_ bytes: [UInt8], path: String) throws(ImageFileError) -> RGBImage {
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try codec(bytes, path: path, CImageCodecs_decode_png) }
    if bytes.starts(with: [0xFF, 0xD8]) { return try codec(bytes, path: path, CImageCodecs_decode_jpeg) }
    if bytes.starts(with: Array("P6".utf8)) { return try PPM.decode(bytes, path: path) }
    throw ImageFileError(path, "not a PNG, JPEG or binary PPM (P6) image")
  }

  private typealias Decoder = (
    UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<Int32>?,
    UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<CChar>?, Int
  ) -> Int32

  private static func codec(_ bytes: [UInt8], path: String, _ decoder: Decoder) throws(ImageFileError) -> RGBImage {
    var pixels: UnsafeMutablePointer<UInt8>? = nil
    var (width, height): (Int32, Int32) = (0, 0)
    var message = [CChar](repeating: 0, count: 256)
    let status = bytes.withUnsafeBufferPointer { buffer in
      decoder(buffer.baseAddress, buffer.count, &pixels, &width, &height, &message, message.count)
    }
    guard status == 0, let pixels else {
      let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      throw ImageFileError(path, "cannot be decoded: \(text)")
    }
    defer { CImageCodecs_free(pixels) }
    let count = Int(width) * Int(height) * 3
    return RGBImage(
      width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
  }

  /// The image as darknet feeds it to a network: three planes (R, G, B) of values 0 to 1.
  public var planes: [Float] {
    let plane = width * height
    var result = [Float](repeating: 0, count: 3 * plane)
    for index in 0..<plane {
      for channel in 0..<3 { result[channel * plane + index] = Float(pixels[3 * index + channel]) / 255 }
    }
    return result
  }

  /// The image as a PNG file's bytes.
  public func encodedPNG() throws(ImageFileError) -> [UInt8] {
    try encoded("PNG") { pixels, png, size, message, count in
      CImageCodecs_encode_png(pixels, Int32(width), Int32(height), png, size, message, count)
    }
  }

  /// The image as a baseline JPEG file's bytes of `quality` (1 to 100).
  public func encodedJPEG(quality: Int = 90) throws(ImageFileError) -> [UInt8] {
    try encoded("JPEG") { pixels, jpeg, size, message, count in
      CImageCodecs_encode_jpeg(
        pixels, Int32(width), Int32(height), Int32(min(100, max(1, quality))), jpeg, size, message, count)
    }
  }

  /// The bytes `encoder` makes of the pixels (its arguments: the pixels, the result and its size, a message
  /// buffer and its size), freed on the C side once copied.
  private func encoded(
    _ format: String,
    _ encoder: (
      UnsafePointer<UInt8>?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
      UnsafeMutablePointer<CChar>, Int
    ) -> Int32
  ) throws(ImageFileError) -> [UInt8] {
    var result: UnsafeMutablePointer<UInt8>? = nil
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let count = message.count
    let status = pixels.withUnsafeBufferPointer { buffer in
      message.withUnsafeMutableBufferPointer { encoder(buffer.baseAddress, &result, &size, $0.baseAddress!, count) }
    }
    guard status == 0, let result else {
      throw ImageFileError("", "cannot be encoded as \(format): " + String(cString: message))
    }
    defer { CImageCodecs_free(result) }
    return Array(UnsafeBufferPointer(start: result, count: size))
  }

  /// Writes the image as a PNG at `path`, atomically.
  public func writePNG(to path: String) throws(ImageFileError) {
    let bytes: [UInt8]
    do { bytes = try encodedPNG() } catch { throw ImageFileError(path, error.problem) }
    do {
      let file = try AtomicFileWriter(path: path, createsFolder: false)
      try file.write(bytes)
      try file.commit()
    } catch {
      throw ImageFileError(error.path, error.message)
    }
  }
}

/// Why an image file cannot be read or written, naming it.
public struct ImageFileError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  /// What went wrong, raw: it may quote the path or values read from the file.
  public var problem: String

  public init(_ path: String, _ problem: String) { (self.path, self.problem) = (path, problem) }

  /// `PATH: PROBLEM`, escaped once for a terminal (``SafeText/escaped(_:)``): a path or a header value holding
  /// control characters cannot retitle the terminal or clear the screen.
  public var description: String { SafeText.escaped("\(path): \(problem)") }
}
