import Files

/// A CSV file's rows streamed one at a time, with the rules of ``CSVTable`` (columns by name,
/// broken rows left out with a warning naming the file and line) but without keeping the file
/// or its rows in memory: for files of millions of rows, such as telemetry.
///
/// ```swift
/// let reader = try CSVRowReader(path: "thermal.csv", requiredColumns: ["host", "temp_celsius"])
/// while let row = try reader.next() { use(row["host"]) }
/// for warning in reader.warnings { print(warning) }
/// ```
///
/// Warnings stop after `warningLimit` (a file of garbage must not fill memory with them); the
/// last warning then says how many rows were left out without one.
public final class CSVRowReader {
  /// The file's path, as given; it starts every warning.
  public var path: String { records.path }
  /// The column names of the first line (empty for an empty file).
  public var header: [String] { filter.header }
  /// The most warnings kept; `nil` keeps all.
  public let warningLimit: Int?

  private let records: CSVRecordReader
  private var filter: CSVRowFilter
  private(set) var issues: [CSVIssue] = []
  private var unlistedIssues = 0

  /// Opens the file at `path` and reads its header. Throws only when the file cannot be read
  /// (see ``CSVRecordReader/init(path:chunkSize:byteLimit:)``: regular files only, and at most
  /// `byteLimit` bytes when given).
  public init(path: String, requiredColumns: [String] = [], warningLimit: Int? = 1000, byteLimit: Int? = nil)
    throws(FileError)
  {
    records = try CSVRecordReader(path: path, byteLimit: byteLimit)
    filter = CSVRowFilter(requiredColumns: requiredColumns)
    self.warningLimit = warningLimit
    if let first = try records.next(), case .issue(let issue) = filter.take(first) {
      add(issue)
    }
  }

  /// The next well-formed row, or `nil` at the end of the file. Rows left out become warnings.
  public func next() throws(FileError) -> CSVTable.Row? {
    while let record = try records.next() {
      switch filter.take(record) {
      case .row(let row): return row
      case .skipped: continue
      case .issue(let issue): add(issue)
      }
    }
    return nil
  }

  /// Hands each row's value to `body`, converted by `convert`; a row `convert` throws for is
  /// left out with the warning `PATH line N, column C: MESSAGE; row ignored`.
  public func forEachRow<T>(
    converting convert: (CSVTable.Row) throws(CSVValueError) -> T, _ body: (T) -> Void
  ) throws(FileError) {
    while let row = try next() {
      do {
        body(try convert(row))
      } catch {
        add(CSVIssue(row: row, error: error))
      }
    }
  }

  /// A warning for each row left out so far (or for a header lacking columns), in line order.
  public var warnings: [String] {
    var texts = issues.map { $0.text(path: path) }
    if unlistedIssues > 0 {
      texts.append("\(path): \(unlistedIssues) more row(s) ignored (warnings stop after \(issues.count))")
    }
    return texts
  }

  private func add(_ issue: CSVIssue) {
    if let warningLimit, issues.count >= warningLimit {
      unlistedIssues += 1
    } else {
      issues.append(issue)
    }
  }
}
