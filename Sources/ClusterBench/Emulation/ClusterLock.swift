import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive lock (`flock`) held while clusters are made or removed, so two `cluster up`
/// commands cannot both find a name or subnet free and both take it. The kernel drops it when
/// the process ends, even by a crash.
final class ClusterLock {
  private let descriptor: Int32

  /// Waits for the lock on `path`, creating the file (and its folder) if needed.
  init(path: String) throws(ClusterError) {
    let folder = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw ClusterError("cannot create \(folder): \(ClusterError.reason(error))")
    }
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw ClusterError("cannot open \(path): \(String(cString: strerror(errno)))") }
    guard flock(descriptor, LOCK_EX) == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw ClusterError("cannot lock \(path): \(reason)")
    }
  }

  deinit { close(descriptor) }
}
