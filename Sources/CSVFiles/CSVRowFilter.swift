import Files

/// Turns a CSV file's records into table rows, one record at a time: the first record is the
/// header; blank lines and repeated headers are skipped; malformed records, unterminated last
/// records and wrong field counts become issues. ``CSVTable`` (whole texts) and ``CSVRowReader``
/// (streamed files) both read through it, so they keep and reject the same rows.
struct CSVRowFilter {
  /// What became of one record.
  enum Verdict {
    case row(CSVTable.Row)
    /// The header, a blank line or a repeated header.
    case skipped
    case issue(CSVIssue)
  }

  private let requiredColumns: [String]
  /// The column names of the first record; empty before it.
  private(set) var header: [String] = []
  /// Column positions by name, the first of duplicate names winning; shared by every row.
  private var columns: [String: Int] = [:]
  private var sawHeader = false
  /// The header lacks a required column: every later record is skipped.
  private(set) var stopped = false

  init(requiredColumns: [String]) { self.requiredColumns = requiredColumns }

  mutating func take(_ record: CSVRecord) -> Verdict {
    guard sawHeader else {
      sawHeader = true
      header = record.fields
      columns = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
      let missing = requiredColumns.filter { columns[$0] == nil }
      guard missing.isEmpty else {
        stopped = true
        let list = missing.joined(separator: ", ")
        return .issue(CSVIssue(line: 1, message: "the header lacks column(s) \(list); no rows read"))
      }
      return .skipped
    }
    if stopped || record.fields == [""] || record.fields == header { return .skipped }
    if let problem = record.problem {
      return .issue(CSVIssue(line: record.line, message: "\(problem); row ignored"))
    }
    if !record.terminated {
      return .issue(CSVIssue(line: record.line, message: "the last row has no line end (cut short?); row ignored"))
    }
    if record.fields.count != header.count {
      let counts = "expected \(header.count) fields, found \(record.fields.count)"
      return .issue(CSVIssue(line: record.line, message: "\(counts); row ignored"))
    }
    return .row(CSVTable.Row(line: record.line, values: record.fields, columns: columns))
  }
}
