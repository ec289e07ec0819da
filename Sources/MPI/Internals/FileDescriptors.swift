#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The few descriptor calls the finalize watchdog needs (PLATFORM.md section 6).
internal enum FileDescriptors {
  /// The descriptors open in this process now, read from `/proc/self/fd`; empty if that folder
  /// cannot be read (then the watchdog treats every socket as old and leaves it alone).
  static func open() -> Set<Int32> {
    guard let directory = opendir("/proc/self/fd") else { return [] }
    defer { closedir(directory) }
    let own = dirfd(directory)
    var result = Set<Int32>()
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
      }
      if let descriptor = Int32(name), descriptor != own {
        result.insert(descriptor)
      }
    }
    return result
  }

  /// Whether `descriptor` is a socket that is not listening (`SO_ACCEPTCONN` is 0): a
  /// connection, the only kind the watchdog may shut down.
  static func isConnectionSocket(_ descriptor: Int32) -> Bool {
    var info = stat()
    guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else {
      return false
    }
    var accepting: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    guard getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 else {
      return false
    }
    return accepting == 0
  }

  /// Shuts down both directions of a connection; the peer sees it as closed.
  @discardableResult
  static func shutDown(_ descriptor: Int32) -> Bool {
    shutdown(descriptor, Int32(SHUT_RDWR)) == 0
  }

  /// The PMI connection Hydra hands each rank (`PMI_FD`), which must stay open.
  static var pmiDescriptor: Int32? {
    guard let value = getenv("PMI_FD") else { return nil }
    return Int32(String(cString: value))
  }
}
