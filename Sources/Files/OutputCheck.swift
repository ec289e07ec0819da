import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Checks made before long work starts that its outputs can be written, so that a run does not
/// end, hours later, with its results lost. Each returns why not, or `nil`.
///
/// A probe file is created and removed rather than asking `access(2)`, which says yes to root in
/// a folder of another user and cannot see every reason a write fails.
public enum OutputCheck {
  /// Why a file cannot be written whole at `path` (through ``AtomicFile`` or a writer that
  /// renames into place): its folder must exist and take new files, and `path` must not be a
  /// folder, FIFO, socket or device.
  public static func problemWritingFile(at path: String) -> String? {
    if let problem = problemReplacing(path) { return problem }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      return "no folder \(folder) to write it in"
    }
    return probe(folder)
  }

  /// Why a new file renamed over `path` would destroy something else: a folder, FIFO, socket or device is
  /// there (a regular file or a symbolic link may be replaced). `nil` when nothing is there.
  public static func problemReplacing(_ path: String) -> String? {
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    let kind = FileKind(mode: status.st_mode)
    return kind == .regular || kind == .symbolicLink ? nil : "is a \(kind.rawValue), not a regular file"
  }

  /// Why new files cannot be made in `folder`, which is created (with its parents) when missing.
  public static func problemWritingFolder(_ folder: String) -> String? {
    if let problem = Folders.create(folder) { return problem }
    return probe(folder)
  }

  private static func probe(_ folder: String) -> String? {
    let path = folder + "/.write-check-\(getpid())"
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard descriptor >= 0 else { return "cannot write in \(folder): \(String(cString: strerror(errno)))" }
    close(descriptor)
    unlink(path)
    return nil
  }
}
