import Files

/// A row left out of a CSV file (or a header lacking columns), kept with its line so that
/// warnings from reading and from converting rows can be merged in file order.
struct CSVIssue: Sendable, Equatable {
  var line: Int
  /// The column whose value could not be converted; `nil` for a malformed row.
  var column: String? = nil
  var message: String

  /// A row whose conversion threw `error`.
  init(row: CSVTable.Row, error: CSVValueError) {
    (line, column, message) = (row.line, error.column, "\(error.message); row ignored")
  }

  init(line: Int, column: String? = nil, message: String) {
    (self.line, self.column, self.message) = (line, column, message)
  }

  /// `PATH line N: MESSAGE` or `PATH line N, column C: MESSAGE`, escaped for a terminal (a
  /// message may quote a field).
  func text(path: String) -> String {
    let place = column.map { "\(path) line \(line), column \($0)" } ?? "\(path) line \(line)"
    return SafeText.escaped("\(place): \(message)")
  }
}
