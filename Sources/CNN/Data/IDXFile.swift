/// One IDX file of MNIST or Fashion-MNIST (gzipped or not): images (magic 0x00000803: unsigned bytes,
/// N × rows × columns) or labels (magic 0x00000801: N unsigned bytes).
///
/// Opening one reads and checks its header and its size; records are read later by range, so a rank reads only
/// its shard (a seek in a plain file; in a gzipped one, inflating and dropping the records before it).
public struct IDXFile: Sendable {
  /// What the file holds.
  public enum Kind: Sendable, Equatable {
    case images, labels

    /// The magic number of this kind: 0x08 (unsigned byte) and the number of dimensions.
    public var magic: UInt32 { self == .images ? 0x0000_0803 : 0x0000_0801 }
    var headerSize: Int { self == .images ? 16 : 8 }
    var noun: String { self == .images ? "images" : "labels" }
  }

  /// The file's path.
  public let path: String
  /// Images or labels.
  public let kind: Kind
  /// The number of records (images or labels) the header announces.
  public let count: Int
  /// Image height (1 for labels).
  public let rows: Int
  /// Image width (1 for labels).
  public let columns: Int
  /// Whether the file is gzip-compressed.
  public let isGzip: Bool

  /// Bytes per record: rows × columns for images, 1 for labels.
  public var recordSize: Int { rows * columns }

  /// Opens `path`, expecting `kind`, and checks the magic number and that the data is exactly as long as the
  /// header says.
  public init(path: String, kind: Kind) throws(DataError) {
    let reader = try DataFileReader(path: path)
    let header = try reader.read(count: kind.headerSize)
    guard header.count >= 4 else {
      throw DataError(path, "truncated: expected a \(kind.headerSize)-byte IDX header, found \(header.count) bytes")
    }
    let magic = Self.bigEndian(header, at: 0)
    guard magic == kind.magic else {
      throw DataError(
        path,
        "wrong magic number: expected \(Self.hex(kind.magic)) (\(Self.describe(kind.magic))), found \(Self.hex(magic))"
          + " (\(Self.describe(magic)))")
    }
    guard header.count == kind.headerSize else {
      throw DataError(path, "truncated: expected a \(kind.headerSize)-byte IDX header, found \(header.count) bytes")
    }
    let count = Int(Self.bigEndian(header, at: 4))
    let rows = kind == .images ? try Self.side(header, at: 8, "rows", path: path) : 1
    let columns = kind == .images ? try Self.side(header, at: 12, "columns", path: path) : 1
    // count < 2³² and rows × columns ≤ 2²⁰: the product cannot overflow.
    let expected = kind.headerSize + count * rows * columns
    let shape = kind == .images ? "\(count) images of \(rows)×\(columns)" : "\(count) labels"
    let found = try Self.dataSize(reader, expected: expected)
    if found != expected {
      let what = "expected \(expected) bytes (a \(kind.headerSize)-byte header and \(shape))"
      let zipped = reader.isGzip ? " bytes decompressed" : " bytes"
      let cut = reader.compressedDataEndedEarly ? "; the gzip data itself is cut short" : ""
      throw DataError(
        path,
        found < expected
          ? "truncated: \(what), found \(found)\(zipped)\(cut)"
          : reader.isGzip
            ? "too long: \(what), but it inflates to more; decompressing stopped at the first byte past the last record"
            : "too long: \(what), found \(found)\(zipped): \(found - expected) bytes after the last record")
    }
    self.path = path
    self.kind = kind
    self.count = count
    self.rows = rows
    self.columns = columns
    isGzip = reader.isGzip
  }

  /// The raw bytes of records `range` (row-major pixels, image after image; or labels), reading nothing before or
  /// after them that a seek can avoid.
  public func read(_ range: Range<Int>) throws(DataError) -> [UInt8] {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "records \(range) of \(count) in \(path)")
    let reader = try DataFileReader(path: path)
    let start = kind.headerSize + range.lowerBound * recordSize
    let wanted = range.count * recordSize
    // The size was checked on opening; a shortfall now means the file changed since.
    guard try reader.skip(start) == start else { throw changed(expected: start + wanted, found: reader.offset) }
    let bytes = try reader.read(count: wanted)
    guard bytes.count == wanted else { throw changed(expected: start + wanted, found: reader.offset) }
    // Reading up to the end: let zlib reach the gzip trailer too, whose CRC catches corrupt data.
    if range.upperBound == count && reader.isGzip {
      let extra = try reader.read(count: 1)
      guard extra.isEmpty else {
        throw DataError(path, "corrupt gzip data: it inflates to more than its header and trailer announce")
      }
    }
    return bytes
  }

  /// Labels `range`, each checked to be below `classes`.
  public func readLabels(_ range: Range<Int>, classes: Int) throws(DataError) -> [UInt8] {
    precondition(kind == .labels, "readLabels on an images file")
    let labels = try read(range)
    if let bad = labels.firstIndex(where: { Int($0) >= classes }) {
      throw DataError(
        path, "label out of range: label \(range.lowerBound + bad) is \(labels[bad]), expected 0...\(classes - 1)")
    }
    return labels
  }

  private func changed(expected: Int, found: Int) -> DataError {
    DataError(
      path,
      "truncated while reading: expected at least \(expected) bytes, found \(found) (corrupt, or changed since opened)")
  }

  /// The data's decompressed size, or `expected + 1` when it is larger. For gzip the trailer gives it without
  /// inflating 47 MB; only when it disagrees (a cut or multi-member file) is the file inflated, never past the
  /// first byte beyond `expected`.
  private static func dataSize(_ reader: DataFileReader, expected: Int) throws(DataError) -> Int {
    if let trailer = reader.gzipTrailerSize(), trailer == expected & 0xFFFF_FFFF { return expected }
    return try reader.dataSize(atMost: expected)
  }

  /// An image dimension from the header, checked before anything is computed from it.
  private static func side(_ header: [UInt8], at offset: Int, _ field: String, path: String) throws(DataError)
    -> Int
  {
    let value = Int(bigEndian(header, at: offset))
    guard (1...InputLimits.imageSide).contains(value) else {
      throw DataError(
        path,
        "header field \(field) (bytes \(offset)–\(offset + 3)) is \(value): expected 1 to \(InputLimits.imageSide)"
          + " pixels")
    }
    return value
  }

  private static func bigEndian(_ bytes: [UInt8], at index: Int) -> UInt32 {
    bytes[index..<index + 4].reduce(0) { $0 << 8 | UInt32($1) }
  }

  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }

  /// Names what a magic number means, so that swapped images and labels files are obvious.
  private static func describe(_ magic: UInt32) -> String {
    let types: [UInt32: String] = [
      0x08: "unsigned bytes", 0x09: "signed bytes", 0x0B: "shorts", 0x0C: "ints", 0x0D: "floats", 0x0E: "doubles",
    ]
    guard magic >> 16 == 0, let type = types[(magic >> 8) & 0xFF] else { return "not an IDX file" }
    let dimensions = magic & 0xFF
    switch magic {
    case Kind.images.magic: return "IDX images: unsigned bytes, 3 dimensions"
    case Kind.labels.magic: return "IDX labels: unsigned bytes, 1 dimension"
    default: return "IDX of \(type), \(dimensions) dimension\(dimensions == 1 ? "" : "s")"
    }
  }
}
