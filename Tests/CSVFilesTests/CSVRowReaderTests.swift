import CSVFiles
import Files
import Foundation
import Testing

@Suite struct CSVRowReaderTests {
  static func temporaryFile(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("csvreader-\(UUID().uuidString).csv").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Every tricky case at once: quoted commas, doubled quotes, line breaks in quotes (`\n`,
  /// `\r\n`, a lone `\r`), `\r\n` line ends, a lone `\r` outside quotes, stray text, a blank line,
  /// an unclosed quote at the end.
  static let tricky =
    "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x\r\n\"cr\r\nlf\",\"lone\rcr\"\nx\ry,\"q\"z\n\n\"open,1\n2"

  @Test(arguments: [1, 2, 3, 5, 7, 64, 1 << 16])
  func chunkedReadingGivesTheRecordsOfParse(chunkSize: Int) throws {
    let path = try Self.temporaryFile(Self.tricky)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try CSVRecordReader(path: path, chunkSize: chunkSize)
    var records: [CSVRecord] = []
    while let record = try reader.next() { records.append(record) }
    #expect(records == CSVRecord.parse(Self.tricky))
    #expect(try reader.next() == nil)
  }

  @Test func parseCountsLinesInsideQuotesAsAnEditorShowsThem() {
    let records = CSVRecord.parse(Self.tricky)
    #expect(records.map(\.line) == [1, 2, 4, 7, 8, 9])
    #expect(records[2].fields == ["cr\r\nlf", "lone\rcr"])
    #expect(records[3].fields == ["x\ry", "qz"] && records[3].problem == "stray text around a quoted field")
    #expect(records[5].problem == "a quoted field is not closed (cut short?)" && !records[5].terminated)
  }

  @Test func rowsStreamWithTheTableRulesAndWarnings() throws {
    let text = "n,name\n1,a\nx,b\n\nn,name\n2,c,extra\n\"3\",\"d\"\n4,e"
    let path = try Self.temporaryFile(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try CSVRowReader(path: path, requiredColumns: ["n"])
    #expect(reader.header == ["n", "name"])
    var values: [Int] = []
    try reader.forEachRow(converting: { (row) throws(CSVValueError) -> Int in
      try row.value("n", expected: "an integer") { Int($0) } ?? 0
    }) { values.append($0) }
    #expect(values == [1, 3])
    let table = CSVTable(parsing: text, path: path, requiredColumns: ["n"])
    let (tableValues, tableWarnings) = table.convertRows { (row) throws(CSVValueError) -> Int in
      try row.value("n", expected: "an integer") { Int($0) } ?? 0
    }
    // The same rows and the same warnings as reading the whole text.
    #expect(tableValues == values && reader.warnings == tableWarnings)
    #expect(
      reader.warnings == [
        "\(path) line 3, column n: expected an integer, found 'x'; row ignored",
        "\(path) line 6: expected 2 fields, found 3; row ignored",
        "\(path) line 8: the last row has no line end (cut short?); row ignored",
      ])
  }

  @Test func warningsStopAtTheLimitAndSayHowManyMore() throws {
    let path = try Self.temporaryFile("a,b\n" + String(repeating: "1\n", count: 5) + "1,2\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try CSVRowReader(path: path, warningLimit: 2)
    var rows = 0
    while try reader.next() != nil { rows += 1 }
    #expect(rows == 1)
    #expect(
      reader.warnings == [
        "\(path) line 2: expected 2 fields, found 1; row ignored",
        "\(path) line 3: expected 2 fields, found 1; row ignored",
        "\(path): 3 more row(s) ignored (warnings stop after 2)",
      ])
  }

  @Test func aHeaderLackingColumnsStopsTheReader() throws {
    let path = try Self.temporaryFile("a,b\n1,2\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try CSVRowReader(path: path, requiredColumns: ["a", "c"])
    #expect(try reader.next() == nil)
    #expect(reader.warnings == ["\(path) line 1: the header lacks column(s) c; no rows read"])
  }

  @Test func anUnreadablePathThrows() throws {
    let missing = #expect(throws: FileError.self) { try CSVRowReader(path: "/no/such/file.csv") }
    #expect(missing?.description == "/no/such/file.csv: does not exist")
    let folder = #expect(throws: FileError.self) {
      let reader = try CSVRecordReader(path: FileManager.default.temporaryDirectory.path)
      _ = try reader.next()
    }
    #expect(folder?.message == "is a folder, not a regular file")
  }
}

/// Streamed CSVs open like BoundedFile's files, and stay bounded.
struct CSVBoundsTests {
  @Test func devicesAndFoldersAreRefusedAtOpen() throws {
    let reader = #expect(throws: FileError.self) { try CSVRowReader(path: "/dev/zero") }
    #expect(reader?.description == "/dev/zero: is a character device, not a regular file")
    let folder = FileManager.default.temporaryDirectory.path
    let table = #expect(throws: FileError.self) { try CSVTable.read(path: folder) }
    #expect(table?.description == "\(folder): is a folder, not a regular file")
  }

  @Test func aWholeReadStopsAtItsLimitAndRecordsAtTheirs() throws {
    let path = CSVFileTests.temporaryPath()
    let long = String(repeating: "x", count: (1 << 20) + 10)
    try CSVFile.append(lines: ["1", long, "3"], header: "n", to: path, headerMismatch: "other")
    let table = try CSVTable.read(path: path)
    #expect(table.rows.map { $0["n"] } == ["1", "3"])
    #expect(table.warnings == ["\(path) line 3: the row is longer than 1048576 bytes; row ignored"])
    let small = #expect(throws: FileError.self) { try CSVTable.read(path: path, byteLimit: 1000) }
    #expect(small?.description == "\(path): is larger than 1000 bytes, more than such a file can hold")
  }
}
