import Files

/// A job file that cannot be used: names the file, the line and the key, and what was expected.
public struct JobFileError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var line: Int?
  /// The key's path, e.g. `hpl.nb`.
  public var key: String?
  public var message: String

  public init(path: String, line: Int? = nil, key: String? = nil, message: String) {
    (self.path, self.line, self.key, self.message) = (path, line, key, message)
  }

  /// `PATH line N, key K: MESSAGE`, escaped for a terminal (messages quote the file's values).
  public var description: String {
    var place = path
    if let line { place += " line \(line)" }
    if let key { place += ", key \(key)" }
    return SafeText.escaped("\(place): \(message)")
  }
}
