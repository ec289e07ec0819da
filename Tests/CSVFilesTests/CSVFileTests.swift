import CSVFiles
import Foundation
import Testing

@Suite struct CSVFileTests {
  static func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("csvfile-\(UUID().uuidString)/rows.csv").path
  }

  @Test func quotingFollowsRFC4180() {
    #expect(
      CSVFile.line(["plain", "a,b", "say \"hi\"", "two\nlines"]) == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"")
  }

  @Test func headerOnceThenRowsAndAFolderIsCreated() throws {
    let path = Self.temporaryPath()
    try CSVFile.append(lines: ["1,2"], header: "a,b", to: path, headerMismatch: "other")
    try CSVFile.append(lines: ["3,4", "5,6"], header: "a,b", to: path, headerMismatch: "other")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n1,2\n3,4\n5,6\n")
  }

  @Test func aForeignHeaderIsRefusedAndATornLineIsMended() throws {
    let path = Self.temporaryPath()
    try CSVFile.append(lines: ["1,2"], header: "a,b", to: path, headerMismatch: "other")
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    handle.write("7,".data(using: .utf8)!)
    try handle.close()
    try CSVFile.append(lines: ["8,9"], header: "a,b", to: path, headerMismatch: "other")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n1,2\n7,\n8,9\n")
    let error = #expect(throws: CSVFileError.self) {
      try CSVFile.append(lines: ["1"], header: "x", to: path, headerMismatch: "not mine")
    }
    #expect(error?.message == "not mine")
  }
}
