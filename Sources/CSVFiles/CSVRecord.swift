import Files

/// One record of an RFC 4180 CSV text, with the line it starts on.
///
/// Quoted fields may hold commas, doubled quotes and line breaks. Both `\n` and `\r\n` end a
/// record. ``CSVTable`` and ``CSVRowReader`` build on it to read files; use this directly only
/// to split text, or ``CSVRecordReader`` to stream a file's records.
public struct CSVRecord: Sendable, Equatable {
  /// The unquoted fields.
  public var fields: [String]
  /// The 1-based line the record starts on.
  public var line: Int
  /// Whether a line end closed the record (false for a last record cut short).
  public var terminated: Bool
  /// What is malformed about the record, if anything (an unclosed quote, text around a quoted
  /// field).
  public var problem: String?

  public init(fields: [String], line: Int, terminated: Bool, problem: String? = nil) {
    (self.fields, self.line, self.terminated, self.problem) = (fields, line, terminated, problem)
  }

  /// Splits `text` into records. Never fails: malformed records carry a ``problem``.
  public static func parse(_ text: String) -> [CSVRecord] {
    var parser = CSVRecordParser()
    var records: [CSVRecord] = []
    var text = text
    text.withUTF8 { parser.feed(UnsafeRawBufferPointer($0), into: &records) }
    parser.finish(into: &records)
    return records
  }
}
