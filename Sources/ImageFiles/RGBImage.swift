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

  /// Reads the PNG, JPEG or PPM (P6) image at `path`, told apart by their first bytes. `admit` sees the header's
  /// format and size before any pixel is decoded and returns why the image cannot be decoded here (such as the
  /// memory it needs), or `nil`.
  ///
  /// A file larger than ``fileByteLimit`` is refused from its size alone, before it is read.
  public static func read(
    path: String, admitting admit: (ImageHeader) -> String? = { _ in nil }
  ) throws(ImageFileError) -> RGBImage {
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
    return try decode(bytes, path: path, admitting: admit)
  }

  /// The format and size an image file's `bytes` announce, read without decoding a pixel; `path` names it in errors.
  /// A PNG's chunks before its image data are checked to lie inside the file, and a width or height outside 1 to
  /// ``sideLimit`` is refused.
  public static func header(_ bytes: [UInt8], path: String) throws(ImageFileError) -> ImageHeader {
    let header: ImageHeader
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
      let (width, height) = try PNGChunks.size(bytes, path: path)
      header = ImageHeader(format: .png, width: width, height: height)
    } else if bytes.starts(with: [0xFF, 0xD8]) {
      var (width, height): (Int32, Int32) = (0, 0)
      var message = [CChar](repeating: 0, count: 256)
      let status = bytes.withUnsafeBufferPointer { buffer in
        CImageCodecs_jpeg_size(buffer.baseAddress, buffer.count, &width, &height, &message, message.count)
      }
      guard status == 0 else { throw ImageFileError(path, "cannot be decoded: " + text(message)) }
      header = ImageHeader(format: .jpeg, width: Int(width), height: Int(height))
    } else if bytes.starts(with: Array("P6".utf8)) {
      let (width, height, _, _) = try PPM.header(bytes, path: path)
      header = ImageHeader(format: .ppm, width: width, height: height)
    } else {
      throw ImageFileError(path, "not a PNG, JPEG or binary PPM (P6) image")
    }
    guard (1...sideLimit).contains(header.width), (1...sideLimit).contains(header.height) else {
      throw ImageFileError(
        path,
        "a \(header.format.rawValue) of \(header.width)×\(header.height): expected 1 to \(sideLimit) pixels a side")
    }
    return header
  }

  /// Decodes an image file's `bytes`; `path` names it in errors. `admit` is as ``read(path:admitting:)``'s.
  public static func decode(
    _ bytes: [UInt8], path: String, admitting admit: (ImageHeader) -> String? = { _ in nil }
  ) throws(ImageFileError) -> RGBImage {
    let header = try header(bytes, path: path)
    if let problem = admit(header) { throw ImageFileError(path, problem) }
    switch header.format {
    case .png: return try codec(bytes, path: path, CImageCodecs_decode_png)
    case .jpeg: return try codec(bytes, path: path, CImageCodecs_decode_jpeg)
    case .ppm: return try PPM.decode(bytes, path: path)
    }
  }

  /// The C string in `message`, up to its NUL.
  private static func text(_ message: [CChar]) -> String {
    String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
      throw ImageFileError(path, "cannot be decoded: " + text(message))
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

/// What an image file's header announces: its format and size, known before any pixel is decoded.
public struct ImageHeader: Sendable, Equatable {
  public enum Format: String, Sendable, Equatable {
    case png = "PNG"
    case jpeg = "JPEG"
    case ppm = "PPM"
  }

  public var format: Format
  public var width: Int
  public var height: Int

  public init(format: Format, width: Int, height: Int) {
    (self.format, self.width, self.height) = (format, width, height)
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
