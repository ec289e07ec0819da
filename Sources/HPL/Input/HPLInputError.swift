import Foundation

/// A problem with an HPL.dat file, located by its HPL.dat line.
///
/// The description reads `HPL.dat line 8 (NBs): value 0 is less than 1`. xhpl reports the line of
/// its own C source instead ("on line 367 of function HPL_pdinfo") and then "Illegal input in file
/// HPL.dat. Exiting ...".
///
/// netlib: the `HPL_pwarn` messages of `HPL_pdinfo`
public struct HPLInputError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
  /// The file's name as the user knows it, e.g. `HPL.dat`.
  public var fileName: String
  /// The 1-based HPL.dat line, or 0 when the problem concerns the whole file (missing, unreadable).
  public var line: Int
  /// The short name of what the line holds, e.g. `NBs`, `# of NBs`, `threshold`.
  public var key: String
  /// What is wrong, e.g. `value 0 is less than 1`.
  public var message: String
  /// Whether the file itself does not exist (so a caller may say how to write one); false for
  /// a dangling symbolic link, a loop of links and every other problem.
  public var isMissingFile = false

  public init(fileName: String, line: Int, key: String, message: String) {
    self.fileName = fileName
    self.line = line
    self.key = key
    self.message = message
  }

  public var description: String {
    if line <= 0 { return "\(fileName): \(message)" }
    return "\(fileName) line \(line) (\(key)): \(message)"
  }

  public var errorDescription: String? { description }
}
