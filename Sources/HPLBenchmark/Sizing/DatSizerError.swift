import Foundation

/// A value `hplswift dat` cannot size an HPL.dat from, named by its command-line flag.
///
/// The description reads `--nb: value 0 is less than 1`.
public struct DatSizerError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
  /// The flag whose value is wrong (`--memory-per-node`), or nil when no single flag is to blame
  /// (measured node resources, /proc files).
  public var flag: String?
  /// What is wrong.
  public var message: String

  public init(flag: String?, message: String) {
    self.flag = flag
    self.message = message
  }

  public var description: String { flag.map { "\($0): \(message)" } ?? message }
  public var errorDescription: String? { description }
}
