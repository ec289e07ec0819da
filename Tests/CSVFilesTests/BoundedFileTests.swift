import CSVFiles
import Foundation
import Testing

@testable import Files

#if canImport(Glibc)
  import Glibc
#endif

struct BoundedFileTests {
  private func scratchFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bounded-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
  }

  @Test func readsARegularFileWithinItsLimit() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "31 lines".write(toFile: folder + "/HPL.dat", atomically: true, encoding: .utf8)
    #expect(try BoundedFile.text(folder + "/HPL.dat", limit: 8) == "31 lines")
    #expect(throws: BoundedFileError.tooLarge(path: folder + "/HPL.dat", limit: 7)) {
      try BoundedFile.read(folder + "/HPL.dat", limit: 7)
    }
  }

  @Test func neverBlocksOnAFIFOAndRefusesDevicesAndFolders() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(mkfifo(folder + "/pipe", 0o644) == 0)
    // No writer holds the pipe open: a blocking open would wait for ever.
    #expect(throws: BoundedFileError.notRegular(path: folder + "/pipe", kind: .fifo)) {
      try BoundedFile.read(folder + "/pipe", limit: 100)
    }
    #expect(throws: BoundedFileError.notRegular(path: "/dev/zero", kind: .characterDevice)) {
      try BoundedFile.read("/dev/zero", limit: 100)
    }
    #expect(throws: BoundedFileError.notRegular(path: folder, kind: .directory)) {
      try BoundedFile.read(folder, limit: 100)
    }
  }

  @Test func tellsAMissingFileFromASymlinkLoop() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(throws: BoundedFileError.missing(path: folder + "/absent")) {
      try BoundedFile.read(folder + "/absent", limit: 100)
    }
    #expect(symlink(folder + "/b", folder + "/a") == 0 && symlink(folder + "/a", folder + "/b") == 0)
    let loop = #expect(throws: BoundedFileError.self) { try BoundedFile.read(folder + "/a", limit: 100) }
    #expect(loop?.description == "\(folder)/a: cannot be opened: a loop of symbolic links")
  }

  /// A file whose size is past the limit is refused from `fstat` before a byte is read: a sparse 1 GiB file with a
  /// 256 MiB limit (read 256 MiB before). A pseudo-file's announced page is not believed.
  @Test(.timeLimit(.minutes(1))) func refusesALargeFileFromItsSizeBeforeReading() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(FileManager.default.createFile(atPath: folder + "/big", contents: Data("x".utf8)))
    #expect(truncate(folder + "/big", 1 << 30) == 0)
    #expect(throws: BoundedFileError.tooLarge(path: folder + "/big", limit: 256 << 20)) {
      try BoundedFile.read(folder + "/big", limit: 256 << 20)
    }
    #expect(BoundedFile.announcedSizeIsTooLarge(290 << 20, limit: 256 << 20))
    #expect(!BoundedFile.announcedSizeIsTooLarge(256 << 20, limit: 256 << 20))
    // sysfs announces a page (4 KiB, or 64 KiB) for an attribute of a few bytes: read it to know.
    #expect(!BoundedFile.announcedSizeIsTooLarge(4096, limit: 100))
    #expect(!BoundedFile.announcedSizeIsTooLarge(65536, limit: 4096))
    #expect(BoundedFile.announcedSizeIsTooLarge(65537, limit: 4096))
    // procfs announces 0: read until end of file, as before.
    #expect(try BoundedFile.read("/proc/self/status", limit: 1 << 20).count > 0)
  }
}
