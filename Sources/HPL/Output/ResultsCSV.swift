import CSVFiles
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The results file every run appends to, `results/hpl.csv` by default: one ``ResultRow`` per
/// test, RFC 4180 quoting, `\n` line ends, a header line first.
///
/// Appending is crash-safe: each row is written with a single `write(2)` on a file opened with
/// `O_APPEND`, so a killed run leaves whole rows; if the file's last line lacks its line end (cut
/// short by something else) the next row starts on a fresh line. ``read(path:)`` skips and reports
/// broken rows instead of failing.
public enum ResultsCSV {
  /// Where runs write by default, relative to the working directory.
  public static let defaultPath = "results/hpl.csv"

  // MARK: - Writing

  /// Appends `rows` to the CSV file at `path`, creating its folder and the file (with the header)
  /// when needed.
  ///
  /// Throws when the file cannot be written or starts with a different header (an older or a
  /// foreign file: appending would mix columns).
  public static func append(_ rows: [ResultRow], to path: String = defaultPath)
    throws(ResultsCSVError)
  {
    do {
      try CSVFile.append(
        lines: rows.map { CSVFile.line($0.fields) }, header: ResultRow.header, to: path,
        headerMismatch: "its header differs from this version's (\(ResultRow.columns.count) columns "
          + "from 'timestamp' to '\(ResultRow.columns.last!)'); move the file aside to start a new one")
    } catch {
      throw ResultsCSVError(path: error.path, message: error.message)
    }
  }

  /// Appends one row; see ``append(_:to:)-([ResultRow],_)``.
  public static func append(_ row: ResultRow, to path: String = defaultPath) throws(ResultsCSVError) {
    try append([row], to: path)
  }

  /// The row as one CSV line, with its line end.
  public static func line(for row: ResultRow) -> String {
    CSVFile.line(row.fields) + "\n"
  }

  // MARK: - Reading

  /// Reads every well-formed row of the CSV file at `path`.
  ///
  /// Columns are found by header name, so their order may differ, and files of earlier versions
  /// (without the ``ResultRow/optionalColumns``) read too. Broken rows are skipped, each
  /// with a warning naming the file and line: a wrong number of fields, a value that does not
  /// fit its column, an unterminated quote, or a last row without its line end (a run killed
  /// mid-write by something other than our writer). Blank lines and repeated header lines are
  /// skipped silently.
  ///
  /// Throws only when the file cannot be read.
  public static func read(path: String = defaultPath) throws(ResultsCSVError)
    -> (rows: [ResultRow], warnings: [String])
  {
    let table: CSVTable
    do {
      table = try CSVTable.read(
        path: path, requiredColumns: ResultRow.columns.filter { !ResultRow.optionalColumns.contains($0) })
    } catch {
      throw ResultsCSVError(path: error.path, message: error.message)
    }
    let (rows, warnings) = table.convertRows { (row) throws(CSVValueError) in
      do throws(ResultRowFieldError) {
        return try ResultRow(named: row.fields)
      } catch {
        throw CSVValueError(column: error.column, message: error.message)
      }
    }
    return (rows, warnings)
  }
}

/// A failure to read or append to a results file.
public struct ResultsCSVError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
  /// The file concerned.
  public var path: String
  /// What went wrong.
  public var message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { "\(path): \(message)" }
  public var errorDescription: String? { description }
}
