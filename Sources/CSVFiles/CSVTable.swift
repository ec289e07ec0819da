import Files
import Foundation

/// A CSV file read back whole: its header and its well-formed rows, with columns found by name,
/// and a warning for each row left out. Results files are read through here; files of millions
/// of rows (telemetry) are streamed with ``CSVRowReader``, which keeps the same rules.
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
  ///
  /// Its fields sit in file order beside a column index shared by every row of the file, so a
  /// row costs one array rather than a dictionary of its own.
  public struct Row: Sendable, Equatable {
    /// The 1-based line the row starts on.
    public var line: Int
    private var values: [String]
    private var columns: [String: Int]

    /// A row with `fields` keyed by column name.
    public init(line: Int, fields: [String: String]) {
      let names = fields.keys.sorted()
      self.init(
        line: line, values: names.map { fields[$0]! },
        columns: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) }))
    }

    init(line: Int, values: [String], columns: [String: Int]) {
      (self.line, self.values, self.columns) = (line, values, columns)
    }

    /// The fields keyed by their column's name (the first of duplicate columns wins).
    public var fields: [String: String] { columns.mapValues { values[$0] } }

    /// The field of `column`, empty when the header has no such column.
    public subscript(column: String) -> String { columns[column].map { values[$0] } ?? "" }

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

    /// The field of `column` converted by `convert`; throws, saying what was expected, when the
    /// field is empty or `convert` returns `nil`.
    public func required<T>(_ column: String, expected: String, _ convert: (String) -> T?) throws(CSVValueError) -> T {
      guard let value = try value(column, expected: expected, convert) else {
        throw CSVValueError(column: column, message: "expected \(expected), found nothing")
      }
      return value
    }

    public static func == (left: Row, right: Row) -> Bool {
      left.line == right.line && left.fields == right.fields
    }
  }

  /// The file's path, as given; it starts every warning.
  public var path: String
  /// The column names of the first line (empty for an empty file).
  public var header: [String]
  /// The well-formed rows, in file order.
  public var rows: [Row]
  private var issues: [CSVIssue]

  /// A warning for each row left out (or for a header lacking columns), in line order.
  public var warnings: [String] { issues.map { $0.text(path: path) } }

  /// The most bytes ``read(path:requiredColumns:byteLimit:)`` reads by default: a results file
  /// of a million rows; more is not a results file, and all of it would be kept in memory.
  public static let defaultByteLimit = 512 << 20

  /// Reads the file at `path` (streamed, see ``CSVRowReader``, with every warning kept); throws
  /// only when it cannot be read: not a regular file (a FIFO or a device is never waited on),
  /// or more than `byteLimit` bytes.
  public static func read(path: String, requiredColumns: [String] = [], byteLimit: Int = defaultByteLimit)
    throws(FileError) -> CSVTable
  {
    let reader = try CSVRowReader(
      path: path, requiredColumns: requiredColumns, warningLimit: nil, byteLimit: byteLimit)
    var rows: [Row] = []
    while let row = try reader.next() { rows.append(row) }
    return CSVTable(path: path, header: reader.header, rows: rows, issues: reader.issues)
  }

  /// Reads `text`, naming it `path` in warnings.
  public init(parsing text: String, path: String, requiredColumns: [String] = []) {
    var filter = CSVRowFilter(requiredColumns: requiredColumns)
    var rows: [Row] = []
    var issues: [CSVIssue] = []
    for record in CSVRecord.parse(text) {
      switch filter.take(record) {
      case .row(let row): rows.append(row)
      case .skipped: break
      case .issue(let issue): issues.append(issue)
      }
    }
    self.init(path: path, header: filter.header, rows: rows, issues: issues)
  }

  private init(path: String, header: [String], rows: [Row], issues: [CSVIssue]) {
    (self.path, self.header, self.rows, self.issues) = (path, header, rows, issues)
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
        all.append(CSVIssue(row: row, error: error))
      }
    }
    // Lines never tie: a row is either left out by the table or handed to `convert`.
    return (values, all.sorted { $0.line < $1.line }.map { $0.text(path: path) })
  }
}
