import Foundation

/// An MPICH (hydra) hostfile: one host per line, `host` or `host:n` for n ranks on it; `#` starts
/// a comment. The hosts, in file order, are the cluster's nodes: a sweep's k-node point uses the
/// first k.
public struct Hostfile: Sendable, Equatable {
  /// One host line.
  public struct Entry: Sendable, Equatable {
    /// The host name or address, as written.
    public var host: String
    /// `n` of `host:n`, or `nil` when the line gives none (hydra then places one rank at a time).
    public var slots: Int?
    /// The 1-based line of the file.
    public var line: Int

    public init(host: String, slots: Int? = nil, line: Int) {
      (self.host, self.slots, self.line) = (host, slots, line)
    }
  }

  /// The file the entries come from (for messages).
  public var path: String
  public var entries: [Entry]

  public init(path: String, entries: [Entry]) {
    (self.path, self.entries) = (path, entries)
  }

  /// The host names, in file order.
  public var hosts: [String] { entries.map(\.host) }

  /// Reads and parses the hostfile at `path`.
  public static func read(path: String) throws(HostfileError) -> Hostfile {
    guard let data = FileManager.default.contents(atPath: path) else {
      let exists = FileManager.default.fileExists(atPath: path)
      throw HostfileError(path: path, line: nil, message: exists ? "cannot be read" : "no such file")
    }
    return try Hostfile(parsing: String(decoding: data, as: UTF8.self), path: path)
  }

  /// Parses hostfile text; throws the first mistake (see ``diagnose(_:path:)`` for all of them).
  public init(parsing text: String, path: String) throws(HostfileError) {
    let (entries, problems) = Self.diagnose(text, path: path)
    if let first = problems.first { throw first }
    self.init(path: path, entries: entries)
  }

  /// Every host line, and every mistake, each naming its line: Open MPI's `host slots=n`,
  /// /etc/hosts-style `address name` lines, `host:0`, a host listed twice, and a file with no host.
  public static func diagnose(_ text: String, path: String) -> (entries: [Entry], problems: [HostfileError]) {
    var entries: [Entry] = []
    var problems: [HostfileError] = []
    var seen: [String: Int] = [:]
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let number = index + 1
      var line = Substring(rawLine)
      if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      guard let first = words.first else { continue }
      func fail(_ message: String) { problems.append(HostfileError(path: path, line: number, message: message)) }
      if words.count > 1 {
        if words.dropFirst().contains(where: { $0.hasPrefix("slots=") || $0.hasPrefix("max_slots=") }) {
          fail(
            "'\(words.joined(separator: " "))' is Open MPI's syntax; MPICH's hydra reads '\(first):N' "
              + "(hydra says \"token slots not supported at this time\")")
        } else if looksLikeAddress(first) {
          fail(
            "'\(words.joined(separator: " "))' looks like an /etc/hosts line (address, then names); a hostfile "
              + "lists one host per line: '\(words[1])' or '\(first)'")
        } else {
          fail("expected one host per line ('host' or 'host:N'), found '\(words.joined(separator: " "))'")
        }
        continue
      }
      var host = first
      var slots: Int? = nil
      if let colon = first.lastIndex(of: ":"), !first.contains("::") || first.hasPrefix("[") {
        let count = first[first.index(after: colon)...]
        guard let value = Int(count), value > 0 else {
          fail("'\(first)': the rank count after ':' must be a positive integer")
          continue
        }
        host = String(first[..<colon])
        slots = value
      }
      guard !host.isEmpty else {
        fail("'\(first)': no host name before ':'")
        continue
      }
      if let earlier = seen[host] {
        fail("host '\(host)' is listed again (first on line \(earlier)); list each host once, with ':N' for N ranks")
        continue
      }
      seen[host] = number
      entries.append(Entry(host: host, slots: slots, line: number))
    }
    if entries.isEmpty && problems.isEmpty {
      problems.append(HostfileError(path: path, line: nil, message: "lists no host (one per line: 'host' or 'host:N')"))
    }
    return (entries, problems)
  }

  /// The hostfile text for the first `count` hosts, each with `ranksPerHost` slots.
  public func subset(_ count: Int, ranksPerHost: Int) -> String {
    entries.prefix(count).map { "\($0.host):\(ranksPerHost)\n" }.joined()
  }

  static func looksLikeAddress(_ word: String) -> Bool {
    let parts = word.split(separator: ".", omittingEmptySubsequences: false)
    if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) { return true }
    return word.contains(":") && word.allSatisfy { $0.isHexDigit || $0 == ":" }
  }
}

/// A hostfile that cannot be used; names the file and, when it applies, the line.
public struct HostfileError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var line: Int?
  public var message: String

  public init(path: String, line: Int?, message: String) {
    (self.path, self.line, self.message) = (path, line, message)
  }

  public var description: String { "\(path)\(line.map { " line \($0)" } ?? ""): \(message)" }
}
