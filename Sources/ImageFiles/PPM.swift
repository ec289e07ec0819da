/// Binary PPM (`P6`): a text header (magic, width, height, maximum value, with `#` comments) and 8-bit RGB.
///
/// Each header field is a whole whitespace-delimited decimal token, as netpbm reads it: leading zeros are allowed
/// (`0000040` is 40), a `#` starts a comment that runs to the end of its line, and a token that is not a number, or
/// has more than 9 significant digits, is refused naming the field and its byte offset.
enum PPM {
  /// The most significant digits a header number may have: more than any accepted value needs (16384, 65535),
  /// few enough that it never overflows.
  static let digitLimit = 9
  /// The largest maximum value netpbm defines (16-bit samples).
  static let maximumValueLimit = 65535

  /// The header's width, height and maximum value, and the offset of the first pixel byte.
  static func header(_ bytes: [UInt8], path: String) throws(ImageFileError) -> (
    width: Int, height: Int, maximum: Int, pixels: Int
  ) {
    var offset = 2
    func isSpace(_ byte: UInt8) -> Bool { [9, 10, 11, 12, 13, 32].contains(byte) }
    func number(_ what: String, upTo limit: Int) throws(ImageFileError) -> Int {
      let before = offset
      // Whitespace and comments before each field; the magic must be followed by one of them.
      while offset < bytes.count {
        if bytes[offset] == UInt8(ascii: "#") {
          while offset < bytes.count && bytes[offset] != UInt8(ascii: "\n") && bytes[offset] != 13 { offset += 1 }
        } else if isSpace(bytes[offset]) {
          offset += 1
        } else {
          break
        }
      }
      guard offset < bytes.count else {
        throw ImageFileError(path, "truncated PPM header: it ends at byte offset \(offset), before the \(what)")
      }
      guard offset > before else {
        throw ImageFileError(path, "corrupt PPM header: no whitespace before the \(what) at byte offset \(offset)")
      }
      let start = offset
      while offset < bytes.count && !isSpace(bytes[offset]) && bytes[offset] != UInt8(ascii: "#") { offset += 1 }
      let token = bytes[start..<offset]
      let significant = token.drop { $0 == UInt8(ascii: "0") }
      guard token.allSatisfy({ (48...57).contains($0) }), significant.count <= digitLimit else {
        let shown =
          token.count > 24
          ? String(decoding: token.prefix(20), as: UTF8.self) + "…" : String(decoding: token, as: UTF8.self)
        throw ImageFileError(
          path,
          "corrupt PPM header: the \(what) at byte offset \(start), '\(shown)', is not a number from 1 to \(limit)")
      }
      return significant.reduce(0) { $0 * 10 + Int($1 - 48) }
    }
    let width = try number("width", upTo: RGBImage.sideLimit)
    let height = try number("height", upTo: RGBImage.sideLimit)
    let maximum = try number("maximum value", upTo: maximumValueLimit)
    guard (1...RGBImage.sideLimit).contains(width), (1...RGBImage.sideLimit).contains(height) else {
      throw ImageFileError(path, "a PPM of \(width)×\(height): expected 1 to \(RGBImage.sideLimit) pixels a side")
    }
    guard maximum == 255 else { throw ImageFileError(path, "a PPM of maximum value \(maximum): only 255 is read") }
    // The single whitespace byte between the maximum value and the pixels.
    guard offset < bytes.count, isSpace(bytes[offset]) else {
      throw ImageFileError(
        path, "corrupt PPM header: no whitespace after the maximum value, at byte offset \(offset), before the pixels")
    }
    return (width, height, maximum, offset + 1)
  }

  static func decode(_ bytes: [UInt8], path: String) throws(ImageFileError) -> RGBImage {
    let (width, height, _, offset) = try header(bytes, path: path)
    let count = width * height * 3
    guard bytes.count - offset >= count else {
      throw ImageFileError(
        path, "truncated: \(width)×\(height) pixels need \(count) bytes, \(max(0, bytes.count - offset)) follow")
    }
    return RGBImage(width: width, height: height, pixels: Array(bytes[offset..<offset + count]))
  }
}
