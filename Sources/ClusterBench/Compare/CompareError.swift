/// Why `clusterbench compare` or `report` cannot go on (no results to read, an unknown sweep, a
/// report that cannot be written).
public struct CompareError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
