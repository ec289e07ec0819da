import CSVFiles
import Files
import Foundation
import Testing

struct AtomicFileTests {
  @Test func replacesWholeAndLeavesNothingBehind() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/deep/report.html"
    try AtomicFile.write("old", to: path)
    try AtomicFile.write("new", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/deep") == ["report.html"])
    // A file cannot be a folder: the write fails, naming the path, and the old file stays.
    let blocked = #expect(throws: FileError.self) { try AtomicFile.write("x", to: path + "/inside.html") }
    #expect(blocked?.description.hasPrefix("\(path)/inside.html: cannot write") == true)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
  }

  @Test func aFIFOOrFolderInTheWayIsNotReplaced() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
    #expect(mkfifo(folder + "/pipe", 0o600) == 0)
    for (name, kind) in [("pipe", "named pipe (FIFO)"), ("sub", "folder")] {
      let refused = #expect(throws: FileError.self) { try AtomicFile.write("x", to: "\(folder)/\(name)") }
      #expect(refused?.description == "\(folder)/\(name): is a \(kind), not a regular file: it is not replaced")
    }
    var status = stat()
    #expect(lstat(folder + "/pipe", &status) == 0 && FileKind(mode: status.st_mode) == .fifo)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["pipe", "sub"])
  }
}
