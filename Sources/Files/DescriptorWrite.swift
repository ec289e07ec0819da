#if canImport(Glibc)
  import Glibc
#endif

/// Writing every byte to an open descriptor, retrying short and interrupted writes: the one write
/// loop behind ``CSVFile`` appends and ``AtomicFile`` writes.
public enum DescriptorWrite {
  /// Writes `bytes`; returns how many were written before a failure and its errno (0 when all were).
  public static func all(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> (written: Int, errno: Int32) {
    var offset = 0
    while offset < bytes.count {
      let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if count < 0 {
        let code = errno
        if code == EINTR || code == EAGAIN { continue }
        return (offset, code)
      }
      offset += count
    }
    return (offset, 0)
  }
}
