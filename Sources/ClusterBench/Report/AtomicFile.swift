import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a file whole or not at all: the text goes to a temporary file in the same folder,
/// which is then renamed over the target, so a reader (a browser refreshing the report) never
/// sees half a file and a failure leaves the old one in place.
public enum AtomicFile {
  /// Writes `text` to `path`, creating its folder. Throws, naming the path and the reason.
  public static func write(_ text: String, to path: String) throws(CompareError) {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).tmp-\(getpid())"
    ).path
    do {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
    } catch {
      unlink(temporary)
      throw CompareError("cannot write \(path): \(error.localizedDescription)")
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw CompareError("cannot write \(path): cannot rename \(temporary) into place: \(reason)")
    }
  }
}
