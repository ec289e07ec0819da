import CSVFiles
import Files
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Appends that cannot be made: never through a link, never into a folder or a device, and a
/// row the disk cannot hold leaves no torn line behind.
struct CSVFileFailureTests {
  private func scratchFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csvfail-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
  }

  private func append(_ line: String, to path: String) throws(FileError) {
    try CSVFile.append(lines: [line], header: "a,b", to: path, headerMismatch: "other header")
  }

  @Test func refusesToWriteThroughASymbolicLink() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "precious\n".write(toFile: folder + "/precious.txt", atomically: true, encoding: .utf8)
    #expect(symlink(folder + "/precious.txt", folder + "/hpl.csv") == 0)
    let error = #expect(throws: FileError.self) { try append("1,2", to: folder + "/hpl.csv") }
    #expect(error?.message.contains("symbolic link") == true)
    #expect(try String(contentsOfFile: folder + "/precious.txt", encoding: .utf8) == "precious\n")
    // A dangling link is refused too, rather than creating the file it names.
    #expect(symlink(folder + "/elsewhere.csv", folder + "/dangling.csv") == 0)
    #expect(throws: FileError.self) { try append("1,2", to: folder + "/dangling.csv") }
    #expect(!FileManager.default.fileExists(atPath: folder + "/elsewhere.csv"))
  }

  @Test func refusesFoldersFIFOsAndDevices() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(mkfifo(folder + "/pipe.csv", 0o644) == 0)
    let fifo = #expect(throws: FileError.self) { try append("1,2", to: folder + "/pipe.csv") }
    #expect(fifo?.message == "is a named pipe (FIFO), not a regular file")
    let device = #expect(throws: FileError.self) { try append("1,2", to: "/dev/full") }
    #expect(device?.message == "is a character device, not a regular file")
    let directory = #expect(throws: FileError.self) { try append("1,2", to: folder) }
    #expect(directory?.message == "is a folder, not a CSV file")
  }

  @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
  func aRowTheDiskCannotHoldLeavesNoTornLine() throws {
    let filesystem = try #require(TinyFilesystem.make())
    let path = filesystem.path + "/hpl.csv"
    try filesystem.write("a,b\n1,2\n", padTo: 4000, as: "hpl.csv")
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let row = String(repeating: "x", count: 300) + ",3"
    let error = #expect(throws: FileError.self) { try append(row, to: path) }
    #expect(error?.message == "cannot write a row (nothing of it was kept): No space left on device")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }
}

/// A results file of an earlier version, whose columns this version only extends, is brought up
/// to date instead of refused: upgrading the suite never makes a user move results aside.
struct CSVFileUpgradeTests {
  @Test func anOlderFileGainsTheNewColumnsWithEmptyCells() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/hpl.csv"
    try CSVFile.append(lines: ["1,\"two, quoted\"", "3,'=4"], header: "a,b", to: path, headerMismatch: "other")
    try CSVFile.append(lines: ["5,6,7"], header: "a,b,c", to: path, headerMismatch: "other")
    #expect(
      try String(contentsOfFile: path, encoding: .utf8) == "a,b,c\n1,\"two, quoted\",\n3,'=4,\n5,6,7\n")
    // A file of another tool, or one whose rows cannot be read back exactly, is left alone.
    try "x,y\n1,2\n".write(toFile: folder + "/other.csv", atomically: true, encoding: .utf8)
    #expect(throws: FileError(path: folder + "/other.csv", message: "other")) {
      try CSVFile.append(lines: ["5,6,7"], header: "a,b,c", to: folder + "/other.csv", headerMismatch: "other")
    }
    try "a,b\n1,2\n3\n".write(toFile: folder + "/torn.csv", atomically: true, encoding: .utf8)
    #expect(throws: FileError.self) {
      try CSVFile.append(lines: ["5,6,7"], header: "a,b,c", to: folder + "/torn.csv", headerMismatch: "other")
    }
    #expect(try String(contentsOfFile: folder + "/torn.csv", encoding: .utf8) == "a,b\n1,2\n3\n")
  }
}
