import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A real file system that is (nearly) full: a tmpfs of a few pages mounted on a fresh folder,
/// for tests of what a program does when a write fails with `ENOSPC` part way through a row.
///
/// Needs root (`mount`); ``make(pages:)`` returns `nil` elsewhere, and tests skip. A filler file
/// takes every page but the last, so the next file can grow to one page (4 KiB) and no further.
public final class TinyFilesystem {
  /// The mounted folder.
  public let path: String

  private init(path: String) { self.path = path }

  /// Mounts a tmpfs of `pages` pages and fills all but one of them; `nil` when not root or when
  /// mounting fails (a container without the capability).
  public static func make(pages: Int = 3) -> TinyFilesystem? {
    guard getuid() == 0 else { return nil }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tinyfs-\(UUID().uuidString)").path
    guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil
    else { return nil }
    let size = "size=\(pages * 4096)"
    guard mount("tmpfs", folder, "tmpfs", 0, size) == 0 else {
      rmdir(folder)
      return nil
    }
    let filesystem = TinyFilesystem(path: folder)
    let filler = Data(repeating: 0x20, count: (pages - 1) * 4096)
    guard FileManager.default.createFile(atPath: folder + "/filler", contents: filler) else { return nil }
    return filesystem
  }

  /// Writes `text` to `name` in the file system, padded with spaces to `bytes` bytes (at most
  /// one page): a results file whose next row will not fit.
  public func write(_ text: String, padTo bytes: Int, as name: String) throws {
    let padded = text + String(repeating: " ", count: max(0, bytes - text.utf8.count))
    try Data(padded.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
  }

  deinit {
    umount2(path, Int32(MNT_DETACH))
    rmdir(path)
  }
}
