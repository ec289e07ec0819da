import CSVFiles
import Files
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
    let error = #expect(throws: FileError.self) {
      try CSVFile.append(lines: ["1"], header: "x", to: path, headerMismatch: "not mine")
    }
    #expect(error?.message == "not mine")
  }
}

/// Cells from input that a spreadsheet would run as formulas are neutralised, and read back as
/// written.
struct CSVInjectionTests {
  static let cells = [
    "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tindent", "\rreturn", "-",
    "'=already", "''@twice", "'plain", "-1.5", "+3", "-2e-05", "1e5", ".5", "-inf", "nan", "rock01", "",
  ]

  @Test func formulaCellsGetAQuoteNumbersDoNot() {
    #expect(
      Self.cells.map(CSVFile.quoted) == [
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1:A2)", "'\tindent",
        "\"'\rreturn\"", "'-", "''=already", "'''@twice", "'plain", "-1.5", "+3", "-2e-05", "1e5", ".5", "'-inf",
        "nan", "rock01", "",
      ])
  }

  @Test func theSuiteReadsItsFilesBackExactly() throws {
    let path = CSVFileTests.temporaryPath()
    let rows = Self.cells.map { [$0, "x"] }
    try CSVFile.append(lines: rows.map(CSVFile.line), header: "value,other", to: path, headerMismatch: "other")
    let table = try CSVTable.read(path: path)
    #expect(table.rows.map { $0["value"] } == Self.cells)
    #expect(table.warnings.isEmpty)
    #expect(CSVRecord.parse(CSVFile.line(Self.cells) + "\n").first?.fields == Self.cells)
  }
}

/// Values from files are escaped before any message prints them.
struct SafeTextTests {
  @Test func controlCharactersAreWrittenAsEscapes() {
    #expect(SafeText.escaped("rock01 é ✓") == "rock01 é ✓")
    #expect(
      SafeText.escaped("a\u{1B}[2Jb\rc\u{0}\u{7F}\u{9B}d\u{202E}e\n")
        == "a\\u{1B}[2Jb\\u{D}c\\u{0}\\u{7F}\\u{9B}d\\u{202E}e\\u{A}")
  }

  @Test func csvWarningsEscapeTheFieldsTheyQuote() {
    let table = CSVTable(parsing: "n\n\u{1B}]0;x\u{7}\n", path: "r\u{1B}.csv")
    let (_, warnings) = table.convertRows { row throws(CSVValueError) in
      try row.required("n", expected: "a number") { Int($0) }
    }
    #expect(
      warnings == [
        "r\\u{1B}.csv line 2, column n: expected a number, found '\\u{1B}]0;x\\u{7}'; row ignored"
      ])
  }
}
