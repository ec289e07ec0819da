import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Creating the folders a written file needs, with the reason a user can act on when it fails
/// ("results/runs is a file, not a folder", "Permission denied") rather than Foundation's "The
/// operation could not be completed. (NSCocoaErrorDomain error 512.)".
public enum Folders {
  /// Creates `path` and every missing folder above it (`mkdir -p`). Returns why it could not,
  /// naming the folder concerned, or `nil` when `path` is now a folder.
  public static func create(_ path: String) -> String? {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") where !component.isEmpty {
      prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
      if mkdir(prefix, 0o755) == 0 { continue }
      let code = errno
      var status = stat()
      guard code == EEXIST, stat(prefix, &status) == 0 else {
        return "cannot create the folder \(path): \(prefix): \(String(cString: strerror(code)))"
      }
      guard status.st_mode & S_IFMT == S_IFDIR else {
        return
          "cannot create the folder \(path): \(prefix) is a \(FileKind(mode: status.st_mode).rawValue), not a folder"
      }
    }
    return nil
  }
}
