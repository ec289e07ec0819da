import Files

/// Why a data set cannot be read: the file, directory or `--data` value at fault and what is wrong with it
/// (`/data/train-images-idx3-ubyte.gz: truncated: expected 47040016 bytes …, found 1200`).
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file, directory or `--data` value the problem is about.
  public var subject: String
  /// What is wrong, in words a user can act on.
  public var problem: String

  /// An error about `subject`.
  public init(_ subject: String, _ problem: String) {
    self.subject = subject
    self.problem = problem
  }

  /// `SUBJECT: problem`, escaped for a terminal (both may quote what a file holds).
  public var description: String { SafeText.escaped("\(subject): \(problem)") }
}
