/// Binary PPM (`P6`): a text header (magic, width, height, maximum value, with `#` comments) and 8-bit RGB.
enum PPM {
  static func decode(_ bytes: [UInt8], path: String) throws(ImageFileError) -> RGBImage {
    var offset = 2
    func number(_ what: String) throws(ImageFileError) -> Int {
      // Whitespace and comments before each field.
      while offset < bytes.count {
        if bytes[offset] == UInt8(ascii: "#") {
          while offset < bytes.count && bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
        } else if [9, 10, 13, 32].contains(bytes[offset]) {
          offset += 1
        } else {
          break
        }
      }
      var value = 0
      let start = offset
      while offset < bytes.count, (48...57).contains(bytes[offset]), offset - start < 6 {
        value = value * 10 + Int(bytes[offset] - 48)
        offset += 1
      }
      guard offset > start else { throw ImageFileError(path, "corrupt PPM header: no \(what)") }
      return value
    }
    let width = try number("width")
    let height = try number("height")
    let maximum = try number("maximum value")
    guard (1...RGBImage.sideLimit).contains(width), (1...RGBImage.sideLimit).contains(height) else {
      throw ImageFileError(path, "a PPM of \(width)×\(height): expected 1 to \(RGBImage.sideLimit) pixels a side")
    }
    guard maximum == 255 else { throw ImageFileError(path, "a PPM of maximum value \(maximum): only 255 is read") }
    offset += 1  // the single whitespace byte before the pixels
    let count = width * height * 3
    guard bytes.count - offset >= count else {
      throw ImageFileError(
        path, "truncated: \(width)×\(height) pixels need \(count) bytes, \(max(0, bytes.count - offset)) follow")
    }
    return RGBImage(width: width, height: height, pixels: Array(bytes[offset..<offset + count]))
  }
}
