import Foundation

/// A CSV file read back whole: its header and its well-formed rows, with columns found by name,
/// and a warning for each row left out. Results and telemetry files are all read through here.
///
/// Reading never fails on content, since a run killed mid-write or an edited file must not hide
/// the rows that are intact. Blank lines and repeated header lines (files concatenated with
/// `cat`) are skipped silently. Each other row left out gets one warning naming the file and
/// line, `PATH line N: WHAT; row ignored`: an unclosed quote or text around a quoted field, a last
/// row without its line end (cut short), a field count other than the header's. A header that
/// lacks a required column gives the single warning `PATH line 1: the header lacks column(s) A,
/// B; no rows read`. ``convertRows(_:)`` then turns rows into values, with warnings
/// `PATH line N, column C: WHAT; row ignored`.
public struct CSVTable: Sendable, Equatable {
  /// One well-formed row.
  public struct Row: Sendable, Equatable {
    /// The 1-based line the row starts on.
    public var line: Int
    /// The fields keyed by their column's name (the first of duplicate columns wins).
    public var fields: [String: String]

    public init(line: Int, fields: [String: String]) {
      (self.line, self.fields) = (line, fields)
    }

    /// The field of `column`, empty when the header has no such column.
    public subscript(column: String) -> String { fields[column] ?? "" }

    /// The field of `column` converted by `convert`; `nil` when the field is empty. Throws,
    /// saying `expected EXPECTED, found 'TEXT'`, when `convert` returns `nil`.
    public func value<T>(_ column: String, expected: String, _ convert: (String) -> T?) throws(CSVValueError) -> T? {
      let text = self[column]
      if text.isEmpty { return nil }
      guard let value = convert(text) else {
        throw CSVValueError(column: column, message: "expected \(expected), found '\(text)'")
      }
      return value
    }
  }

  /// A row left out, kept with its line so that warnings can be merged in file order.
  private struct Issue: Sendable, Equatable {
    var line: Int
    var column: String? = nil
    var message: String
  }

  /// The file's path, as given; it starts every warning.
  public var path: String
  /// The column names of the first line (empty for an empty file).
  public var header: [String]
  /// The well-formed rows, in file order.
  public var rows: [Row]
  private var issues: [Issue]

  /// A warning for each row left out (or for a header lacking columns), in line order.
  public var warnings: [String] { issues.map(text) }

  /// Reads the file at `path`; throws only when it cannot be read.
  public static func read(path: String, requiredColumns: [String] = []) throws(CSVFileError) -> CSVTable {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw CSVFileError(path: path, message: "cannot be read: \(error.localizedDescription)")
    }
    return CSVTable(parsing: String(decoding: data, as: UTF8.self), path: path, requiredColumns: requiredColumns)
  }

  /// Reads `text`, naming it `path` in warnings.
  public init(parsing text: String, path: String, requiredColumns: [String] = []) {
    (self.path, header, rows, issues) = (path, [], [], [])
    let records = CSVRecord.parse(text)
    guard let first = records.first else { return }
    header = first.fields
    let missing = requiredColumns.filter { !header.contains($0) }
    guard missing.isEmpty else {
      let list = missing.joined(separator: ", ")
      issues = [Issue(line: 1, message: "the header lacks column(s) \(list); no rows read")]
      return
    }
    for record in records.dropFirst() {
      if record.fields == [""] || record.fields == header { continue }
      if let problem = record.problem {
        issues.append(Issue(line: record.line, message: "\(problem); row ignored"))
      } else if !record.terminated {
        issues.append(Issue(line: record.line, message: "the last row has no line end (cut short?); row ignored"))
      } else if record.fields.count != header.count {
        let counts = "expected \(header.count) fields, found \(record.fields.count)"
        issues.append(Issue(line: record.line, message: "\(counts); row ignored"))
      } else {
        let fields = Dictionary(zip(header, record.fields), uniquingKeysWith: { first, _ in first })
        rows.append(Row(line: record.line, fields: fields))
      }
    }
  }

  /// The values `convert` makes of the rows, leaving out each row it throws for, and every
  /// warning: the table's own and `PATH line N, column C: MESSAGE; row ignored` for each row
  /// left out here, in line order.
  public func convertRows<T>(_ convert: (Row) throws(CSVValueError) -> T) -> (values: [T], warnings: [String]) {
    var values: [T] = []
    var all = issues
    for row in rows {
      do {
        values.append(try convert(row))
      } catch {
        all.append(Issue(line: row.line, column: error.column, message: "\(error.message); row ignored"))
      }
    }
    // Lines never tie: a row is either left out by the table or handed to `convert`.
    return (values, all.sorted { $0.line < $1.line }.map(text))
  }

  private func text(_ issue: Issue) -> String {
    let place = issue.column.map { "\(path) line \(issue.line), column \($0)" } ?? "\(path) line \(issue.line)"
    return "\(place): \(issue.message)"
  }
}
