import Foundation

/// A failure to read or write a file of the suite (a CSV file, a whole file, a report), naming it.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file concerned.
  public var path: String
  /// What went wrong.
  public var message: String

  public init(path: String, message: String) {
    (self.path, self.message) = (path, message)
  }

  /// A failed system call, with the C library's text for `code`.
  public init(path: String, errno code: Int32, doing operation: String) {
    self.init(path: path, message: "cannot \(operation): \(String(cString: strerror(code)))")
  }

  /// `PATH: MESSAGE`, escaped for a terminal.
  public var description: String { SafeText.escaped("\(path): \(message)") }
}
