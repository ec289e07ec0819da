import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a file whole or not at all: the bytes go to a temporary file in the same folder, which
/// is then renamed over the target, so a reader (a browser refreshing a report, a sweep reading
/// its job, a resumed run) never sees half a file, and a failure leaves the old one in place.
/// Every small file the suite writes whole goes through here (reports, HPL.dat files, run
/// metadata); appended CSV files go through ``CSVFile`` instead.
public enum AtomicFile {
  /// Writes `data` to `path`, creating its folder. Throws, naming the path and the reason.
  ///
  /// A `path` that is a symbolic link is replaced by the new file, never written through.
  public static func write(_ data: Data, to path: String) throws(FileError) {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).tmp-\(getpid())"
    ).path
    if let problem = Folders.create(url.deletingLastPathComponent().path) {
      throw FileError(path: path, message: "cannot write: \(problem)")
    }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard descriptor >= 0 else { throw FileError(path: path, errno: errno, doing: "write") }
    let failure = data.withUnsafeBytes { DescriptorWrite.all(descriptor, $0) }.errno
    let closed = close(descriptor) == 0
    guard failure == 0, closed else {
      let code = failure != 0 ? failure : errno
      unlink(temporary)
      throw FileError(path: path, errno: code, doing: "write")
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw FileError(path: path, message: "cannot rename \(temporary) into place: \(reason)")
    }
  }

  /// Writes `text` (UTF-8) to `path`; see ``write(_:to:)-(Data,_)``.
  public static func write(_ text: String, to path: String) throws(FileError) {
    try write(Data(text.utf8), to: path)
  }
}
