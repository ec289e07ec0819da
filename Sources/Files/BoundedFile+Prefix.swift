import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension BoundedFile {
  /// The first `count` bytes of the regular file at `path` (fewer when it is shorter) and the file's size, for
  /// readers that check a header against the size before reading a large file whole: a file of the wrong size is
  /// then refused without reading (or allocating) its gigabytes.
  ///
  /// - Throws: ``BoundedFileError`` as ``read(_:limit:)`` (never `tooLarge`).
  public static func prefix(_ path: String, count: Int) throws(BoundedFileError) -> (bytes: [UInt8], fileSize: Int) {
    let (descriptor, size) = try openRegularFile(path)
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: max(0, count))
    var filled = 0
    while filled < bytes.count {
      let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
      if got == 0 { break }
      if got < 0 {
        let code = errno
        if code == EINTR { continue }
        throw .unreadable(path: path, errno: code)
      }
      filled += got
    }
    return (Array(bytes[0..<filled]), size)
  }
}
