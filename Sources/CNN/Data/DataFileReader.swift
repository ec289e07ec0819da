import CZlib
import Files

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a data file front to back, plain or gzip-compressed, recognized by the gzip magic bytes rather than by
/// its name (Debian ships Fashion-MNIST gzipped; users often have it unpacked).
///
/// Offsets are in the decompressed data. Gzip is inflated in chunks straight into the caller's buffer, so a
/// large file is never held twice; skipping inflates into a small scratch buffer and drops it (gzip cannot
/// seek), while a plain file skips for free, because reads go through `pread` at the current offset.
final class DataFileReader {
  /// Compressed bytes read from the file per refill: large enough that refills cost nothing next to inflating.
  private static let inputChunk = 1 << 18
  private static let scratchChunk = 1 << 16

  let path: String
  let isGzip: Bool
  /// The size of the file on disk (compressed, for gzip).
  let fileSize: Int
  /// The decompressed offset of the next byte `read` returns.
  private(set) var offset = 0
  /// Whether a gzip file's compressed stream stopped before its end marker (the file itself is cut short).
  private(set) var compressedDataEndedEarly = false

  private let descriptor: Int32
  private var fileOffset = 0
  private var stream: UnsafeMutablePointer<z_stream>?
  private var input: UnsafeMutableRawBufferPointer?
  private var inputExhausted = false
  private var ended = false

  init(path: String) throws(DataError) {
    // Never blocks on a FIFO, and refuses anything but a regular file (the one such check, in CSVFiles).
    let descriptor: Int32
    do { descriptor = try BoundedFile.openRegular(path) } catch { throw DataError(path, Self.reason(error)) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      close(descriptor)
      throw DataError(path, "cannot open: \(Self.message(errno))")
    }
    var magic: (UInt8, UInt8) = (0, 0)
    let peeked = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
    self.path = path
    self.descriptor = descriptor
    fileSize = Int(status.st_size)
    isGzip = peeked == 2 && magic == (0x1F, 0x8B)
    if isGzip {
      let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
      stream.initialize(to: z_stream())
      // 15 + 16: the largest window, and expect a gzip header and trailer (whose CRC inflate checks).
      guard inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        stream.deallocate()
        close(descriptor)
        throw DataError(path, "cannot start decompressing (zlib out of memory)")
      }
      self.stream = stream
      input = .allocate(byteCount: Self.inputChunk, alignment: 1)
    }
  }

  deinit {
    if let stream {
      inflateEnd(stream)
      stream.deallocate()
    }
    input?.deallocate()
    close(descriptor)
  }

  /// Fills `buffer` from the current offset; returns how many bytes it got, fewer than asked only at the end of
  /// the data.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    let got = isGzip ? try inflate(into: base, count: buffer.count) : try preadAll(into: base, count: buffer.count)
    offset += got
    return got
  }

  /// Reads exactly `count` bytes into a new array, or returns fewer only at the end of the data.
  func read(count: Int) throws(DataError) -> [UInt8] {
    var failure: DataError?
    let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      do throws(DataError) {
        initialized = try read(into: UnsafeMutableRawBufferPointer(buffer))
      } catch {
        failure = error
        initialized = 0
      }
    }
    if let failure { throw failure }
    return bytes
  }

  /// Moves forward by `count` bytes; returns how many were skipped (fewer only at the end of the data).
  @discardableResult
  func skip(_ count: Int) throws(DataError) -> Int {
    guard count > 0 else { return 0 }
    guard isGzip else {
      // pread at `offset` makes a seek free; clamp to the end so the count skipped is honest.
      let skipped = max(0, min(count, fileSize - offset))
      offset += skipped
      return skipped
    }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.scratchChunk, alignment: 1)
    defer { scratch.deallocate() }
    var skipped = 0
    while skipped < count {
      let want = min(count - skipped, scratch.count)
      let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<want]))
      skipped += got
      if got < want { break }
    }
    return skipped
  }

  /// The total size of the data: the file size for a plain file (known without reading); for gzip, found by
  /// inflating, which stops at the first byte past `limit` (returning `limit + 1`) so that a gzip bomb (a small
  /// file that inflates to terabytes) costs no more than a file of the expected size.
  func dataSize(atMost limit: Int) throws(DataError) -> Int {
    precondition(limit >= offset && limit < Int.max, "a size limit of \(limit) at offset \(offset)")
    guard isGzip else { return fileSize }
    return offset + (try skip(limit + 1 - offset))
  }

  /// The gzip trailer's ISIZE: the decompressed size modulo 2³², which lets a reader check a file's size without
  /// inflating it. Only trustworthy for a whole single-member file; nil for plain files.
  func gzipTrailerSize() -> Int? {
    guard isGzip, fileSize >= 18 else { return nil }
    var trailer: UInt32 = 0
    let got = withUnsafeMutableBytes(of: &trailer) { pread(descriptor, $0.baseAddress, 4, off_t(fileSize - 4)) }
    return got == 4 ? Int(UInt32(littleEndian: trailer)) : nil
  }

  private func preadAll(into base: UnsafeMutableRawPointer, count: Int) throws(DataError) -> Int {
    var got = 0
    while got < count {
      let n = pread(descriptor, base + got, count - got, off_t(offset + got))
      if n < 0 {
        if errno == EINTR { continue }
        throw DataError(path, "read error: \(Self.message(errno))")
      }
      if n == 0 { break }
      got += n
    }
    return got
  }

  private func inflate(into base: UnsafeMutableRawPointer, count: Int) throws(DataError) -> Int {
    guard let stream, !ended else { return 0 }
    var produced = 0
    while produced < count && !ended {
      // avail_out is 32 bits: hand the buffer over in pieces of at most 1 GiB.
      let piece = min(count - produced, 1 << 30)
      stream.pointee.next_out = (base + produced).assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = UInt32(piece)
      while stream.pointee.avail_out > 0 && !ended {
        if stream.pointee.avail_in == 0 && !inputExhausted { try refill() }
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        switch status {
        case Z_OK:
          continue
        case Z_STREAM_END:
          // Concatenated gzip members form one file (gzip's own rule); anything else after the end is ignored.
          if stream.pointee.avail_in < 2 && !inputExhausted { try refill(keeping: Int(stream.pointee.avail_in)) }
          if stream.pointee.avail_in >= 2, stream.pointee.next_in[0] == 0x1F, stream.pointee.next_in[1] == 0x8B {
            inflateReset(stream)
          } else {
            ended = true
          }
        case Z_BUF_ERROR where inputExhausted && stream.pointee.avail_in == 0:
          // No more compressed input and no end marker: the gzip file was cut short.
          compressedDataEndedEarly = true
          ended = true
        case Z_BUF_ERROR:
          continue
        case Z_MEM_ERROR:
          throw DataError(path, "out of memory while decompressing")
        default:
          let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
          throw DataError(path, "corrupt gzip data at decompressed byte \(offset + produced): \(detail)")
        }
      }
      produced += piece - Int(stream.pointee.avail_out)
    }
    return produced
  }

  /// Reads the next chunk of compressed input, moving `keeping` unconsumed bytes to its front first.
  private func refill(keeping: Int = 0) throws(DataError) {
    guard let stream, let input, let inputBase = input.baseAddress else { return }
    if keeping > 0 { inputBase.copyMemory(from: stream.pointee.next_in, byteCount: keeping) }
    var n: Int
    repeat {
      n = pread(descriptor, inputBase + keeping, input.count - keeping, off_t(fileOffset))
    } while n < 0 && errno == EINTR
    guard n >= 0 else { throw DataError(path, "read error: \(Self.message(errno))") }
    if n == 0 { inputExhausted = true }
    fileOffset += n
    stream.pointee.next_in = inputBase.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_in = UInt32(keeping + n)
  }

  /// Why a data file could not be opened, in this reader's words.
  static func reason(_ error: BoundedFileError) -> String {
    switch error {
    case .missing: "no such file"
    case .notRegular(_, .directory): "is a directory, not a data file"
    case .notRegular(_, let kind): "is a \(kind.rawValue), not a data file"
    case .unreadable(_, let code) where code == ELOOP: "a loop of symbolic links"
    case .unreadable(_, let code): "cannot open: \(message(code))"
    case .tooLarge: error.reason
    }
  }

  private static func message(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}
