import Files

/// A field of a CSV row that does not hold what its column needs, thrown by the conversions that
/// ``CSVTable/convertRows(_:)`` runs; the table adds the file and line.
public struct CSVValueError: Error, Sendable, Equatable {
  /// The column's name.
  public var column: String
  /// What is wrong, for example `expected a number, found 'fast'`.
  public var message: String

  public init(column: String, message: String) {
    (self.column, self.message) = (column, message)
  }
}
