import Files

/// Why a model or checkpoint file cannot be read, used or written: the file and the problem, in words a user can
/// act on (`model.cnn: parameter 0.conv.weight: expected shape 6×1×5×5, found 6×3×5×5`).
public struct ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file the problem is about.
  public var path: String
  /// What is wrong with it.
  public var problem: String

  /// An error about the file at `path`.
  public init(_ path: String, _ problem: String) {
    (self.path, self.problem) = (path, problem)
  }

  /// `PATH: problem`, escaped for a terminal (both may quote what a file holds).
  public var description: String { SafeText.escaped("\(path): \(problem)") }
}
