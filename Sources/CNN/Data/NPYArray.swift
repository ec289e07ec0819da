import Files
import Foundation

/// A float32 array in NumPy's `.npy` format (versions 1.0, 2.0 and 3.0): what `numpy.save` writes and
/// `numpy.load` reads, so that inputs and outputs pass between cnnswift and any other tool unchanged.
///
/// A file is the magic `\x93NUMPY`, the format version (two bytes), the header's length (2 bytes in version 1,
/// 4 bytes after), a Python dictionary such as `{'descr': '<f4', 'fortran_order': False, 'shape': (100, 1, 28,
/// 28), }` padded with spaces to a multiple of 64 bytes and ended by a newline, then the values in C order.
/// Only little-endian float32 (`<f4`) in C order is read; anything else is refused with the conversion to make.
///
/// ```swift
/// let inputs = try NPYArray.read(path: "inputs.npy")      // shape [N, C, H, W]
/// try NPYArray(shape: [n, 10], values: scores).write(to: "outputs.npy")
/// ```
public struct NPYArray: Sendable, Equatable {
  /// The dimensions, outermost first (`[]` for a scalar).
  public var shape: [Int]
  /// Every value, in C (row-major) order: `shape.reduce(1, *)` of them.
  public var values: [Float]

  /// The magic every `.npy` file starts with.
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
  /// The largest header read: NumPy itself refuses headers over 10,000 bytes by default.
  static let headerLimit = 1 << 16

  /// An array of `shape` holding `values`; their counts must agree.
  public init(shape: [Int], values: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count, "shape \(shape)")
    (self.shape, self.values) = (shape, values)
  }

  /// Reads the array in `path`, at most `limit` bytes of file.
  ///
  /// - Throws: ``DataError`` naming the file and what is wrong: not a `.npy` file (with the bytes found), an
  ///   unreadable header (with its byte offset), another type or order than C-ordered `<f4`, or a size that is not
  ///   the shape's (by how many values).
  public static func read(path: String, limit: Int = InputLimits.arrayFileBytes) throws(DataError) -> NPYArray {
    // The header first, against the file's size: a file of the wrong size is refused before it is read.
    let start: (bytes: [UInt8], fileSize: Int)
    do { start = try BoundedFile.prefix(path, count: 12 + headerLimit) } catch { throw DataError(path, error.reason) }
    _ = try layout(start.bytes, fileSize: start.fileSize, path: path)
    let bytes: Data
    do { bytes = try BoundedFile.read(path, limit: limit) } catch {
      throw DataError(path, error.reason)
    }
    return try decode(Array(bytes), path: path)
  }

  /// The array held by the bytes of an `.npy` file; `path` names it in messages.
  public static func decode(_ bytes: [UInt8], path: String) throws(DataError) -> NPYArray {
    let (shape, count, dataOffset) = try layout(bytes, fileSize: bytes.count, path: path)
    // The platforms Swift builds the suite for are little-endian, as `<f4` is.
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBytes { destination in
      bytes.withUnsafeBytes { source in
        destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[dataOffset...]))
      }
    }
    return NPYArray(shape: shape, values: values)
  }

  /// The shape, value count and data offset the header at the start of `bytes` gives, checked against the size of
  /// the whole file.
  private static func layout(_ bytes: [UInt8], fileSize: Int, path: String) throws(DataError) -> ([Int], Int, Int) {
    let (header, dataOffset) = try headerText(bytes, path: path)
    let shape = try NPYHeader.parse(header, path: path)
    guard let count = shape.reduce(Optional(1), { total, side in total.flatMap { multiplied($0, side) } }),
      let needed = multiplied(count, 4)
    else {
      throw DataError(path, "the header's shape \(Self.tuple(shape)) holds more values than any file can")
    }
    let held = fileSize - dataOffset
    guard held == needed else {
      let difference = held - needed
      throw DataError(
        path,
        "the header's shape \(Self.tuple(shape)) needs \(count) float32 values (\(needed) bytes after the \(dataOffset)-byte "
          + "header), but the file holds \(held) bytes: \(abs(difference) / 4) value\(abs(difference) / 4 == 1 ? "" : "s")"
          + "\(difference % 4 == 0 ? "" : " and \(abs(difference) % 4) bytes") \(difference < 0 ? "short" : "too many")"
      )
    }
    return (shape, count, dataOffset)
  }

  /// The header's dictionary text and the offset of the first value.
  private static func headerText(_ bytes: [UInt8], path: String) throws(DataError) -> (String, Int) {
    guard !bytes.isEmpty else { throw DataError(path, "is empty: not a NumPy .npy file") }
    if bytes.count < 10 && Array(bytes.prefix(6)) == Array(magic.prefix(bytes.count)) {
      throw DataError(path, "ends at byte \(bytes.count), inside the .npy header's first 10 bytes")
    }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      let start = bytes.prefix(6).map { String(format: "%02x", $0) }.joined(separator: " ")
      throw DataError(
        path, "not a NumPy .npy file: expected the bytes 93 4e 55 4d 50 59 (\\x93NUMPY) first, found \(start)")
    }
    let major = bytes[6]
    guard (1...3).contains(major) else {
      throw DataError(path, "byte 6: .npy format version \(major).\(bytes[7]); expected 1.0, 2.0 or 3.0")
    }
    let lengthBytes = major == 1 ? 2 : 4
    guard bytes.count >= 8 + lengthBytes else { throw DataError(path, "ends inside its header at byte \(bytes.count)") }
    let length = bytes[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
    let start = 8 + lengthBytes
    guard length <= headerLimit else {
      throw DataError(path, "byte 8: a header of \(length) bytes; at most \(headerLimit)")
    }
    guard bytes.count >= start + length else {
      throw DataError(path, "byte 8: a header of \(length) bytes, but the file ends at byte \(bytes.count)")
    }
    // Versions 1 and 2 are Latin-1, version 3 UTF-8; the keys and values we read are ASCII in both.
    guard let text = String(bytes: bytes[start..<(start + length)], encoding: major == 3 ? .utf8 : .isoLatin1) else {
      throw DataError(path, "byte \(start): the header is not text")
    }
    return (text, start + length)
  }

  /// The bytes of the array as a version 1.0 `.npy` file (version 2.0 when the header needs it).
  public func encoded() -> [UInt8] {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(Self.tuple(shape)), }"
    let major: UInt8 = header.utf8.count + 12 > 65_535 ? 2 : 1
    let prefix = 8 + (major == 1 ? 2 : 4)
    // Spaces, then a newline, so that the values start on a multiple of 64 bytes.
    let padding = (64 - (prefix + header.utf8.count + 1) % 64) % 64
    header += String(repeating: " ", count: padding) + "\n"
    var bytes = Self.magic + [major, 0]
    let length = header.utf8.count
    bytes += (0..<(prefix - 8)).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
    bytes += Array(header.utf8)
    values.withUnsafeBytes { bytes += $0 }
    return bytes
  }

  /// Writes the array to `path` atomically (a complete file or none), creating its folder.
  public func write(to path: String) throws(FileError) {
    let bytes = encoded()
    let result = bytes.withUnsafeBytes { raw in
      Result { () throws(FileError) in try AtomicFile.write(raw, to: path, durable: true) }
    }
    try result.get()
  }

  /// `(2, 3)`, `(4,)`, `()`: a shape as NumPy prints it.
  static func tuple(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }

  private static func multiplied(_ a: Int, _ b: Int) -> Int? {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? nil : product
  }
}
