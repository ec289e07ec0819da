/// A PNG's chunk list, walked in Swift before libpng sees the bytes: the 8-byte signature, then chunks of a
/// 4-byte big-endian length, a 4-byte type, the data and a 4-byte CRC.
///
/// libpng allocates a chunk's claimed length before it reads the data, so a 180-byte file whose `zTXt` claims
/// 2147483647 bytes cost 2.1 GB before "read beyond end of data". Each chunk libpng reads must therefore fit in
/// the bytes that remain: every one before the image data, and the run of `IDAT` chunks that holds it (a file cut
/// inside them is named as truncated). libpng's simplified API reads nothing after the image data, so the walk
/// stops at the first chunk after the `IDAT`s (or at `IEND`): bytes there, even damaged ones, are ignored as
/// libpng ignores them.
enum PNGChunks {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The width and height `IHDR` announces, once every chunk before the image data has been found whole.
  static func size(_ bytes: [UInt8], path: String) throws(ImageFileError) -> (width: Int, height: Int) {
    guard bytes.starts(with: signature) else {
      throw ImageFileError(path, "corrupt: its first 8 bytes are not the PNG signature")
    }
    guard bytes.count >= 33 else {
      throw ImageFileError(path, "truncated: \(bytes.count) bytes, fewer than a PNG's signature and IHDR chunk (33)")
    }
    guard word(bytes, 8) == 13, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
      throw ImageFileError(path, "corrupt: its first chunk is not a 13-byte IHDR (the image's size)")
    }
    var offset = 8
    var inImageData = false
    while bytes.count - offset >= 8 {
      let remaining = bytes.count - offset
      let type = bytes[offset + 4..<offset + 8]
      let isImageData = type.elementsEqual("IDAT".utf8)
      if inImageData && !isImageData { break }
      inImageData = isImageData
      guard type.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
        let hex = type.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        throw ImageFileError(
          path, "corrupt: the chunk at byte offset \(offset) has type bytes \(hex), not four letters")
      }
      let name = String(decoding: type, as: UTF8.self)
      if name == "IEND" { break }
      let length = word(bytes, offset)
      guard 12 + length <= remaining else {
        throw ImageFileError(
          path,
          "truncated or corrupt: chunk \(name) at byte offset \(offset) claims \(length) bytes (\(12 + length) with "
            + "its length, type and CRC), \(remaining) remain")
      }
      offset += 12 + length
    }
    return (word(bytes, 16), word(bytes, 20))
  }

  /// The big-endian 32-bit number at `offset`.
  private static func word(_ bytes: [UInt8], _ offset: Int) -> Int {
    bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
  }
}
