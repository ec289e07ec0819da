import CSVFiles
import Files
import Foundation
import SuiteCore

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

  /// The most bytes a hostfile may hold: 10,000 hosts of 253 characters with a rank count fit.
  public static let byteLimit = 4 << 20
  /// The most mistakes ``diagnose(_:path:)`` lists one by one (a binary file has one per line).
  public static let problemLimit = 50

  /// Reads and parses the hostfile at `path` (a regular file of at most ``byteLimit`` bytes).
  public static func read(path: String) throws(HostfileError) -> Hostfile {
    try Hostfile(parsing: try text(path: path), path: path)
  }

  /// The text of the hostfile at `path`, read through ``BoundedFile`` (never blocking on a FIFO).
  public static func text(path: String) throws(HostfileError) -> String {
    do { return try BoundedFile.text(path, limit: byteLimit) } catch {
      throw HostfileError(path: path, line: nil, message: error.reason)
    }
  }

  /// Parses hostfile text; throws the first mistake (see ``diagnose(_:path:)`` for all of them).
  public init(parsing text: String, path: String) throws(HostfileError) {
    let (entries, problems) = Self.diagnose(text, path: path)
    if let first = problems.first { throw first }
    self.init(path: path, entries: entries)
  }

  /// Every host line, and every mistake, each naming its line: Open MPI's `host slots=n`,
  /// /etc/hosts-style `address name` lines, `host:0`, a word that is not a host name or an address
  /// (see ``HostName``), an IPv6 address (hydra cannot launch on one), a host listed twice, a file
  /// with no host, and a file that is not text. Lines may end in `\n` or `\r\n`. At most
  /// ``problemLimit`` mistakes are listed; a last one counts the rest.
  public static func diagnose(_ text: String, path: String) -> (entries: [Entry], problems: [HostfileError]) {
    if text.utf8.contains(0) {
      return ([], [HostfileError(path: path, line: nil, message: "is not a text file (it holds NUL bytes)")])
    }
    var entries: [Entry] = []
    var problems: [HostfileError] = []
    var unlisted = 0
    var seen: [String: Int] = [:]
    // "\r\n" is one Character in Swift: a split at "\n" alone would leave CRLF files one line.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    for (index, rawLine) in lines.enumerated() {
      let number = index + 1
      var line = Substring(rawLine)
      if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
      let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      guard !words.isEmpty else { continue }
      switch parseLine(words) {
      case .failure(let message):
        if problems.count < problemLimit {
          problems.append(HostfileError(path: path, line: number, message: message.message))
        } else {
          unlisted += 1
        }
      case .success(let (host, slots)):
        if let earlier = seen[host.lowercased()] {
          problems.append(
            HostfileError(
              path: path, line: number,
              message: "host '\(host)' is listed again (first on line \(earlier)); list each host once, with ':N' "
                + "for N ranks"))
          continue
        }
        seen[host.lowercased()] = number
        entries.append(Entry(host: host, slots: slots, line: number))
      }
    }
    if unlisted > 0 {
      problems.append(HostfileError(path: path, line: nil, message: "\(unlisted) more line(s) with mistakes"))
    }
    if entries.isEmpty && problems.isEmpty {
      problems.append(HostfileError(path: path, line: nil, message: "lists no host (one per line: 'host' or 'host:N')"))
    }
    return (entries, problems)
  }

  /// A failed line's message (the words quoted are escaped when the error is printed).
  private struct LineProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
  }

  /// The host and rank count of one line's words, or what is wrong with them.
  private static func parseLine(_ words: [String]) -> Result<(host: String, slots: Int?), LineProblem> {
    let first = words[0]
    if words.count > 1 {
      if words.dropFirst().contains(where: { $0.hasPrefix("slots=") || $0.hasPrefix("max_slots=") }) {
        return .failure(
          LineProblem(
            "'\(words.joined(separator: " "))' is Open MPI's syntax; MPICH's hydra reads '\(first):N' "
              + "(hydra says \"token slots not supported at this time\")"))
      } else if looksLikeAddress(first) {
        return .failure(
          LineProblem(
            "'\(words.joined(separator: " "))' looks like an /etc/hosts line (address, then names); a hostfile "
              + "lists one host per line: '\(words[1])' or '\(first)'"))
      }
      return .failure(
        LineProblem("expected one host per line ('host' or 'host:N'), found '\(words.joined(separator: " "))'"))
    }
    var host = first
    var slots: Int? = nil
    // `[ADDRESS]:N` or `name:N`; a bare IPv6 address (two colons or more) carries no rank count.
    let colon = first.hasPrefix("[") ? first.range(of: "]:")?.upperBound : first.lastIndex(of: ":")
    if let colon, first.hasPrefix("[") || first.filter({ $0 == ":" }).count == 1 {
      let separator = first.hasPrefix("[") ? first.index(before: colon) : colon
      let count = first[first.index(after: separator)...]
      guard let value = Int(count), (1...LaunchLimits.maximumRanksPerNode).contains(value) else {
        return .failure(
          LineProblem(
            "'\(first)': the rank count after ':' must be an integer from 1 to \(LaunchLimits.maximumRanksPerNode)"))
      }
      host = String(first[..<separator])
      slots = value
    }
    guard !host.isEmpty else { return .failure(LineProblem("'\(first)': no host name before ':'")) }
    let check = HostName.isIPv6(host) ? .success(.ipv6(address: host)) : HostName.check(host)
    switch check {
    case .failure(let error):
      return .failure(LineProblem("\(error.description); expected 'host' or 'host:N'"))
    case .success(.ipv6(let address)):
      return .failure(
        LineProblem(
          "'\(first)' is an IPv6 address: MPICH's hydra splits hostfile lines at ':' and cannot launch on it; "
            + "name it in /etc/hosts on every node ('\(address) NAME') and list NAME"))
    case .success: return .success((host, slots))
    }
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

  /// `PATH line N: MESSAGE`, escaped for a terminal (the message may quote the file's bytes).
  public var description: String { SafeText.escaped("\(path)\(line.map { " line \($0)" } ?? ""): \(message)") }
}
