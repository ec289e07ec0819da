import CZlib

/// Appends the little-endian encodings of model and checkpoint files to a byte array.
///
/// Every integer is fixed-width little-endian and every float Float32 little-endian, whatever the host, so a
/// file written on a Raspberry Pi reads on x86 and equal values give equal bytes.
public struct ByteWriter {
  public var bytes: [UInt8] = []

  public init() {}

  mutating func append(_ value: UInt8) { bytes.append(value) }

  public mutating func append(_ value: UInt32) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  public mutating func append(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// A UInt32 byte count, then the UTF-8 bytes.
  mutating func append(_ string: String) {
    let utf8 = Array(string.utf8)
    append(UInt32(utf8.count))
    bytes.append(contentsOf: utf8)
  }

  /// A UInt32 rank, then each dimension as a UInt32.
  mutating func append(shape: [Int]) {
    append(UInt32(shape.count))
    for dimension in shape { append(UInt32(dimension)) }
  }

  /// The values as Float32 little-endian, without a count.
  public mutating func append(floats values: some Collection<Float>) {
    #if _endian(little)
      if let done: Void = values.withContiguousStorageIfAvailable({
        bytes.append(contentsOf: UnsafeRawBufferPointer($0))
      }) {
        return done
      }
    #endif
    bytes.reserveCapacity(bytes.count + 4 * values.count)
    for value in values { append(value.bitPattern) }
  }
}

/// Reads what ``ByteWriter`` wrote, refusing to read past the end: a truncated or corrupt file becomes a
/// ``ModelFileError`` naming the file, never a crash or a huge allocation.
public struct ByteReader {
  let bytes: [UInt8]
  public let path: String
  public private(set) var offset: Int
  /// Where reading must stop (the checksum after it is read apart).
  let end: Int
  /// Whether the file's length and checksum were verified: bytes missing then mean a corrupt field, not a
  /// file cut short.
  let verified: Bool

  public init(_ bytes: [UInt8], path: String, from offset: Int = 0, end: Int? = nil, verified: Bool = false) {
    (self.bytes, self.path, self.offset, self.end) = (bytes, path, offset, end ?? bytes.count)
    self.verified = verified
  }

  public var remaining: Int { end - offset }

  private mutating func take(_ count: Int, _ what: String) throws(ModelFileError) -> Range<Int> {
    guard count >= 0, count <= remaining else {
      throw ModelFileError(
        path,
        verified
          ? "corrupt: \(what) needs \(count) bytes at offset \(offset), but only \(remaining) bytes follow"
          : "truncated: \(what) needs \(count) bytes at offset \(offset), \(remaining) remain")
    }
    defer { offset += count }
    return offset..<offset + count
  }

  /// Moves past `count` bytes the caller checked are there.
  mutating func skip(_ count: Int) {
    precondition(count >= 0 && count <= remaining, "skipping \(count) of \(remaining) bytes")
    offset += count
  }

  mutating func uint8(_ what: String) throws(ModelFileError) -> UInt8 {
    bytes[try take(1, what).lowerBound]
  }

  public mutating func uint32(_ what: String) throws(ModelFileError) -> UInt32 {
    let range = try take(4, what)
    return bytes[range].reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }

  public mutating func uint64(_ what: String) throws(ModelFileError) -> UInt64 {
    let range = try take(8, what)
    return bytes[range].reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  /// A length-prefixed UTF-8 string; invalid UTF-8 is corruption.
  mutating func string(_ what: String) throws(ModelFileError) -> String {
    let count = Int(try uint32("the length of \(what)"))
    let range = try take(count, what)
    guard let text = String(validating: bytes[range], as: UTF8.self) else {
      throw ModelFileError(path, "corrupt: \(what) is not UTF-8")
    }
    return text
  }

  /// A shape of at most 8 dimensions, named `what` in messages (`the shape of 0.conv.weight`), whose element
  /// count is at most `maximum`, checked dimension by dimension so that nothing overflows.
  mutating func shape(_ what: String, maximum: Int, of limit: String) throws(ModelFileError) -> [Int] {
    let rank = Int(try uint32("the rank of \(what)"))
    guard rank <= 8 else { throw ModelFileError(path, "corrupt: \(what) has \(rank) dimensions, at most 8 expected") }
    var shape: [Int] = []
    var elements = 1
    for _ in 0..<rank {
      let dimension = Int(try uint32("a dimension of \(what)"))
      let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
      shape.append(dimension)
      guard !overflow, product <= maximum else {
        throw ModelFileError(
          path,
          "corrupt: \(what) is \(ModelFile.text(shape))\(shape.count < rank ? "×…" : ""): more than \(maximum) \(limit)"
        )
      }
      elements = product
    }
    return shape
  }

  /// The shape of tensor `name`, whose values follow it: no more of them than the bytes left can hold.
  mutating func tensorShape(_ name: String) throws(ModelFileError) -> [Int] {
    let room = remaining / 4
    return try shape("the shape of \(name)", maximum: room, of: "values, what the rest of the file can hold")
  }

  /// `count` Float32 little-endian values, each finite (NaN or an infinity names `what` and its position).
  public mutating func floats(_ count: Int, _ what: String) throws(ModelFileError) -> [Float] {
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: 4)
    let range = try take(overflow ? -1 : byteCount, "the \(count) values of \(what)")
    try checkFinite(range, what)
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      bytes.withUnsafeBytes { raw in
        let source = UnsafeRawBufferPointer(rebasing: raw[range])
        #if _endian(little)
          UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
        #else
          for index in 0..<count {
            buffer[index] = Float(
              bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
          }
        #endif
      }
      initialized = count
    }
  }
}

extension ByteReader {
  /// Moves past `count` Float32 values, checking that they are there and finite, without decoding them.
  mutating func skipFloats(_ count: Int, _ what: String) throws(ModelFileError) {
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: 4)
    guard !overflow, byteCount <= remaining else {
      throw ModelFileError(path, "corrupt: \(what) (\(count) values) runs past the end of the file")
    }
    try checkFinite(offset..<offset + byteCount, what)
    skip(byteCount)
  }

  /// Refuses NaN and infinities among the Float32 values in `range`: a network holding one outputs NaN for
  /// every input, and training from it diverges at once.
  func checkFinite(_ range: Range<Int>, _ what: String) throws(ModelFileError) {
    let bad: Int? = bytes.withUnsafeBytes { raw in
      var index = range.lowerBound
      while index < range.upperBound {
        // The exponent bits all set: an infinity or a NaN, whatever the byte order of the host.
        if raw[index + 3] & 0x7F == 0x7F && raw[index + 2] & 0x80 == 0x80 { return (index - range.lowerBound) / 4 }
        index += 4
      }
      return nil
    }
    guard let bad else { return }
    let bits = bytes[(range.lowerBound + 4 * bad)..<(range.lowerBound + 4 * bad + 4)].reversed()
      .reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    let value = Float(bitPattern: bits)
    throw ModelFileError(
      path,
      "\(what) holds \(value.isNaN ? "NaN" : "\(value)") at value \(bad) of \(range.count / 4): a model with a "
        + "non-finite weight gives NaN for every input (was it saved from a diverged run?)")
  }
}

/// CRC-32 (the IEEE polynomial of zlib, gzip and PNG) of `raw`, continuing from `crc`: the checksum of model and
/// checkpoint files, so that `zlib.crc32` in Python, or any other CRC-32, can check one.
func crc32(_ raw: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
  var value = UInt(crc)
  var offset = 0
  // zlib takes a 32-bit length: feed it in chunks.
  while offset < raw.count {
    let chunk = min(raw.count - offset, 1 << 30)
    value = CZlib.crc32(value, raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset, UInt32(chunk))
    offset += chunk
  }
  return UInt32(value)
}

/// CRC-32 of `bytes`, continuing from `crc`.
func crc32(_ bytes: ArraySlice<UInt8>, continuing crc: UInt32 = 0) -> UInt32 {
  bytes.withUnsafeBytes { crc32($0, continuing: crc) }
}
