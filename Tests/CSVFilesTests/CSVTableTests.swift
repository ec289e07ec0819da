import CSVFiles
import Files
import Foundation
import Testing

@Suite struct CSVTableTests {
  @Test func rowsAreKeyedByColumnWithTheirLines() {
    let table = CSVTable(parsing: "b,a\n2,1\n\nb,a\n4,\"3\"\n", path: "t.csv", requiredColumns: ["a"])
    #expect(table.header == ["b", "a"])
    // The blank line and the repeated header are skipped without a word.
    #expect(
      table.rows == [.init(line: 2, fields: ["a": "1", "b": "2"]), .init(line: 5, fields: ["a": "3", "b": "4"])])
    #expect(table.warnings.isEmpty)
    #expect(table.rows[0]["a"] == "1" && table.rows[0]["missing"] == "")
  }

  @Test func brokenRowsAreLeftOutWithTheirLines() {
    let text = "a,b\n1,2\n1,2,3\n\"open,2\n5,6\n"
    let table = CSVTable(parsing: text, path: "t.csv")
    #expect(table.rows.map(\.line) == [2])
    #expect(
      table.warnings == [
        "t.csv line 3: expected 2 fields, found 3; row ignored",
        // The unclosed quote swallows the rest of the file.
        "t.csv line 4: a quoted field is not closed (cut short?); row ignored",
      ])
    let cut = CSVTable(parsing: "a,b\n1,2\n3,4", path: "t.csv")
    #expect(cut.rows.count == 1)
    #expect(cut.warnings == ["t.csv line 3: the last row has no line end (cut short?); row ignored"])
    let stray = CSVTable(parsing: "a,b\n\"1\"x,2\n", path: "t.csv")
    #expect(stray.warnings == ["t.csv line 2: stray text around a quoted field; row ignored"])
  }

  @Test func aHeaderWithoutRequiredColumnsIsOneWarning() {
    let table = CSVTable(parsing: "a,b\n1,2\n3\n", path: "t.csv", requiredColumns: ["a", "c", "d"])
    #expect(table.rows.isEmpty)
    #expect(table.warnings == ["t.csv line 1: the header lacks column(s) c, d; no rows read"])
    #expect(CSVTable(parsing: "", path: "t.csv", requiredColumns: ["a"]).warnings.isEmpty)
  }

  @Test func convertedRowsWarnInLineOrderWithTheColumn() {
    let table = CSVTable(parsing: "n\n1\nx\n2,3\n4\n", path: "t.csv")
    let (values, warnings) = table.convertRows { (row) throws(CSVValueError) -> Int in
      try row.value("n", expected: "an integer") { Int($0) } ?? 0
    }
    #expect(values == [1, 4])
    #expect(
      warnings == [
        "t.csv line 3, column n: expected an integer, found 'x'; row ignored",
        "t.csv line 4: expected 1 fields, found 2; row ignored",
      ])
  }

  @Test func readingAFileThrowsOnlyWhenItCannotBeRead() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("csvtable-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "a\n1\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try CSVTable.read(path: path, requiredColumns: ["a"]).rows == [.init(line: 2, fields: ["a": "1"])])
    let error = #expect(throws: FileError.self) { try CSVTable.read(path: path + ".missing") }
    #expect(error?.message == "does not exist")
  }
}
