import CSVFiles
import Testing

@Suite struct CSVRecordTests {
  @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() {
    let records = CSVRecord.parse("a,\"b,c\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\r\nlast,\n")
    #expect(
      records == [
        CSVRecord(fields: ["a", "b,c", "say \"hi\""], line: 1, terminated: true),
        CSVRecord(fields: ["two\nlines", "x"], line: 2, terminated: true),
        // The quoted line break moved this record to line 4.
        CSVRecord(fields: ["last", ""], line: 4, terminated: true),
      ])
  }

  @Test func aBlankLineIsOneEmptyField() {
    #expect(
      CSVRecord.parse("a\n\nb\n") == [
        CSVRecord(fields: ["a"], line: 1, terminated: true), CSVRecord(fields: [""], line: 2, terminated: true),
        CSVRecord(fields: ["b"], line: 3, terminated: true),
      ])
  }

  @Test func aRecordCutShortIsUnterminated() {
    #expect(
      CSVRecord.parse("a,b\n1,") == [
        CSVRecord(fields: ["a", "b"], line: 1, terminated: true),
        CSVRecord(fields: ["1", ""], line: 2, terminated: false),
      ])
    #expect(CSVRecord.parse("") == [])
  }

  @Test func malformedQuotesAreProblemsNotFailures() {
    let records = CSVRecord.parse("\"a\"b,c\nok\n\"open,1\n2\n")
    #expect(
      records.map(\.problem) == ["stray text around a quoted field", nil, "a quoted field is not closed (cut short?)"])
    #expect(records.map(\.line) == [1, 2, 3])
    #expect(records[2].fields == ["open,1\n2\n"] && !records[2].terminated)
  }
}
