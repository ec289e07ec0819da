import Foundation
import Testing

@testable import CNN

/// Data files and sizes from input that must not make a reader inflate, allocate or wait without
/// bound: gzip bombs, IDX headers with absurd or overflowing dimensions, FIFOs, and synthetic sets
/// beyond their limit. Each is refused with the file (or flag), the field and the limit named.
@Suite(.timeLimit(.minutes(2))) struct DataLimitTests {
  let folder = TemporaryFolder()

  /// A valid gzip member followed by `members` members of 16 MiB of zeros each (gzip's rule: members
  /// concatenated are one file), so the file is small and inflates to gigabytes.
  func bomb(_ data: [UInt8], members: Int) -> [UInt8] {
    let zeros = gzip([UInt8](repeating: 0, count: 16 << 20))
    var bytes = gzip(data)
    bytes.reserveCapacity(bytes.count + members * zeros.count)
    for _ in 0..<members { bytes += zeros }
    return bytes
  }

  /// 16 GiB past the header's records: the reader stops at the first byte past the expected size.
  @Test func anIDXGzipBombStopsAtTheFirstBytePastTheExpectedSize() throws {
    let path = folder.write("bomb-idx3-ubyte.gz", bomb(idxImages(count: 2, rows: 28, columns: 28), members: 1024))
    let start = Date()
    let error = try #require(throws: DataError.self) { try IDXFile(path: path, kind: .images) }
    #expect(Date().timeIntervalSince(start) < 10, "inflated far past the expected size")
    #expect(
      error
        == DataError(
          path,
          "too long: expected 1584 bytes (a 16-byte header and 2 images of 28×28), but it inflates to more; "
            + "decompressing stopped at the first byte past the last record"))
  }

  @Test func aCIFARGzipBombStopsAtTheLimit() throws {
    let path = folder.write("data_batch_1.bin.gz", bomb(cifarRecords(0..<2), members: 1024))
    let start = Date()
    let error = try #require(throws: DataError.self) { try CIFAR10File(path: path) }
    #expect(Date().timeIntervalSince(start) < 60, "inflated far past the limit")
    #expect(
      error
        == DataError(
          path,
          "too large: more than 100000 records of 3073 bytes (307300000 bytes decompressed; decompressing stopped "
            + "there); CIFAR-10's files hold 10000 each"))
  }

  /// Dimensions of 0, beyond the limit, or whose product overflows (which trapped) are named by field.
  @Test(arguments: [
    (0, 28, "header field rows (bytes 8–11) is 0: expected 1 to 1024 pixels"),
    (28, 0, "header field columns (bytes 12–15) is 0: expected 1 to 1024 pixels"),
    (2000, 28, "header field rows (bytes 8–11) is 2000: expected 1 to 1024 pixels"),
    (0xFFFF_FFFF, 0xFFFF_FFFF, "header field rows (bytes 8–11) is 4294967295: expected 1 to 1024 pixels"),
  ])
  func idxDimensionsAreCheckedBeforeAnyProduct(rows: Int, columns: Int, expected: String) throws {
    let header = bigEndian(0x803) + bigEndian(0xFFFF_FFFF) + bigEndian(rows) + bigEndian(columns)
    let path = folder.write("dims-idx3-ubyte", header + [UInt8](repeating: 7, count: 100))
    #expect(throws: DataError(path, expected)) { try IDXFile(path: path, kind: .images) }
  }

  /// A count the file cannot hold is a size mismatch, computed without overflow.
  @Test func anIDXCountTheFileCannotHoldIsASizeMismatch() throws {
    let header = bigEndian(0x803) + bigEndian(0xFFFF_FFFF) + bigEndian(1024) + bigEndian(1024)
    let path = folder.write("count-idx3-ubyte", header + [UInt8](repeating: 7, count: 100))
    let error = try #require(throws: DataError.self) { try IDXFile(path: path, kind: .images) }
    #expect(
      error.problem
        == "truncated: expected 4503599626321936 bytes (a 16-byte header and 4294967295 images of 1024×1024), "
        + "found 116 bytes")
  }

  /// A FIFO named as a data file is refused at once rather than waited on (it hung).
  @Test func aFIFOIsRefusedWithoutWaiting() throws {
    let path = folder.path + "/train-images-idx3-ubyte"
    #expect(mkfifo(path, 0o600) == 0)
    #expect(throws: DataError(path, "is a named pipe (FIFO), not a data file")) {
      try IDXFile(path: path, kind: .images)
    }
  }

  @Test func syntheticCountsAreBounded() throws {
    #expect(try DataSource(spec: "synthetic:1000000") == .synthetic(count: 1_000_000, seed: 0))
    for spec in ["synthetic:1000001", "synthetic:9223372036854775807"] {
      #expect(
        throws: DataError("--data \(spec)", "at most synthetic:1000000 images (every rank generates its share)")
      ) { try DataSource(spec: spec) }
    }
  }
}
