import CSVFiles
import Files
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive lock (`flock`) on a file, held while this object lives: `cluster up` and
/// `cluster down` hold one so two of them cannot both find a name or subnet free and both take
/// it, and `clusterbench submit` holds one in the sweep's folder so two runs of the same sweep
/// cannot both write its points. The kernel drops the lock when the process ends, even by a
/// crash, so a lock file left behind never blocks anyone: only a live holder does.
///
/// The holder writes its process id into the file, so a refused caller can name it.
public final class FileLock {
  private let descriptor: Int32

  /// Takes the lock on `path`, creating the file (and its folder) if needed. With `wait`, blocks
  /// until the holder lets go; without, throws ``FileLockError/held(path:pid:)`` at once.
  /// A symbolic link at `path` is refused rather than followed.
  public init(path: String, wait: Bool) throws(FileLockError) {
    let folder = (path as NSString).deletingLastPathComponent
    if let problem = Folders.create(folder) { throw .cannotCreate(path: folder, reason: problem) }
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard descriptor >= 0 else { throw .failed(path: path, operation: "open", errno: errno) }
    guard flock(descriptor, wait ? LOCK_EX : LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      let holder = code == EWOULDBLOCK ? Self.recordedPID(descriptor) : nil
      close(descriptor)
      if code == EWOULDBLOCK { throw .held(path: path, pid: holder) }
      throw .failed(path: path, operation: "lock", errno: code)
    }
    let line = "\(getpid())\n"
    _ = ftruncate(descriptor, 0)
    _ = line.withCString { pwrite(descriptor, $0, strlen($0), 0) }
  }

  deinit { close(descriptor) }

  /// The process id the holder wrote, if the file holds one.
  private static func recordedPID(_ descriptor: Int32) -> pid_t? {
    var bytes = [UInt8](repeating: 0, count: 32)
    let count = pread(descriptor, &bytes, bytes.count, 0)
    guard count > 0 else { return nil }
    return pid_t(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
  }
}

/// Why a ``FileLock`` could not be taken.
public enum FileLockError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Another process holds it (its id when it recorded one).
  case held(path: String, pid: pid_t?)
  /// The lock file's folder could not be made; `reason` names it (``Folders/create(_:)``).
  case cannotCreate(path: String, reason: String)
  /// `open` or `flock` failed with this `errno` (a symbolic link at the path gives `ELOOP`).
  case failed(path: String, operation: String, errno: Int32)

  /// `process 4242`, or `another process` when the lock file names none.
  public static func holder(_ pid: pid_t?) -> String { pid.map { "process \($0)" } ?? "another process" }

  public var description: String {
    switch self {
    case .held(let path, let pid): "\(path) is locked by \(Self.holder(pid))"
    case .cannotCreate(_, let reason): reason
    case .failed(let path, let operation, let code):
      "cannot \(operation) \(path): "
        + (code == ELOOP ? "it is a symbolic link (not followed)" : String(cString: strerror(code)))
    }
  }
}
