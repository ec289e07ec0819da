import CSVFiles
import Files

#if canImport(Glibc)
  import Glibc
#endif

/// The one check of a host taken from input (a hostfile line, a `--host`-style flag, the doctor's
/// hosts) before hydra, ssh or a resolver sees it: a host name made of RFC 1123 labels, an IPv4
/// address, or an IPv6 address in brackets (`[fe80::1]`, so that MPICH's `host:n` can follow it).
///
/// Anything else is refused with a reason: a word starting with `-` (ssh and hydra would take it
/// for an option), spaces, shell metacharacters, control characters, bytes that are not ASCII
/// (binary garbage decodes to U+FFFD), labels longer than 63 characters or names longer than 253.
public enum HostName {
  /// What kind of host a valid word names.
  public enum Form: Sendable, Equatable {
    /// An RFC 1123 host name (`rock01`, `node-7.lab.example`).
    case name
    /// A dotted IPv4 address (`10.0.0.4`).
    case ipv4
    /// An IPv6 address written in brackets; the address is without them (`fe80::1%eth0`).
    case ipv6(address: String)
  }

  /// The longest host name (RFC 1123: 253 characters without a trailing dot).
  public static let maximumLength = 253

  /// The form of `text`, or the reason it is not a host: `'TEXT' starts with '-' …`, with the
  /// value escaped by ``SafeText/escaped(_:)`` so that a message can be printed as it is.
  public static func check(_ text: String) -> Result<Form, HostNameError> {
    func fail(_ why: String) -> Result<Form, HostNameError> {
      .failure(HostNameError(host: text, reason: why))
    }
    if text.isEmpty { return fail("no host name") }
    if text.hasPrefix("-") {
      return fail("starts with '-' (ssh and hydra would read it as an option)")
    }
    if let odd = text.unicodeScalars.first(where: { !$0.isASCII || $0.value < 0x21 || $0.value == 0x7F }) {
      let what = odd == " " ? "a space" : odd.isASCII ? "a control character" : "a character that is not ASCII"
      let code = "\\u{" + String(odd.value, radix: 16, uppercase: true) + "}"
      return fail("holds \(what) (\(code)), which no host name or address has")
    }
    if text.hasPrefix("[") {
      guard text.hasSuffix("]"), text.count > 2 else { return fail("an IPv6 address is written [ADDRESS]") }
      let address = String(text.dropFirst().dropLast())
      guard isIPv6(address) else { return fail("'\(SafeText.escaped(address))' is not an IPv6 address") }
      return .success(.ipv6(address: address))
    }
    if isIPv4(text) { return .success(.ipv4) }
    if text.contains(":"), isIPv6(text) {
      return fail("an IPv6 address is written in brackets, [\(text)], so that ':N' can follow it")
    }
    if let reason = nameProblem(text) { return fail(reason) }
    return .success(.name)
  }

  /// Why `text` (ASCII without spaces) is not an RFC 1123 host name, or `nil` when it is one.
  static func nameProblem(_ text: String) -> String? {
    let allowed = "expected a host name (letters, digits and '-' in labels joined by '.') or an address"
    if let odd = text.first(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) {
      return "holds '\(odd)', which no host name has; \(allowed)"
    }
    guard text.utf8.count <= maximumLength else {
      return "is \(text.utf8.count) characters long; a host name has at most \(maximumLength)"
    }
    // One trailing dot is the DNS root (`rock01.lab.`); anything else empty is a mistake.
    let name = text.hasSuffix(".") ? text.dropLast() : Substring(text)
    for label in name.split(separator: ".", omittingEmptySubsequences: false) {
      if label.isEmpty { return "has an empty label (two dots, or a leading dot); \(allowed)" }
      if label.utf8.count > 63 { return "has a label of \(label.utf8.count) characters; labels have at most 63" }
      if label.hasPrefix("-") || label.hasSuffix("-") {
        return "has a label '\(label)' that starts or ends with '-'; \(allowed)"
      }
    }
    return nil
  }

  /// Whether `text` is a dotted-quad IPv4 address (four decimal numbers 0 to 255).
  public static func isIPv4(_ text: String) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4
      && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }
  }

  /// Whether `text` is an IPv6 address as `inet_pton` reads it, optionally with a zone
  /// (`fe80::1%eth0`, the zone being an interface name or number).
  public static func isIPv6(_ text: String) -> Bool {
    var address = Substring(text)
    if let percent = text.firstIndex(of: "%") {
      let zone = text[text.index(after: percent)...]
      guard !zone.isEmpty, zone.count <= 15,
        zone.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
      else { return false }
      address = text[..<percent]
    }
    guard address.contains(":"), address.count <= 45 else { return false }
    var buffer = in6_addr()
    return inet_pton(AF_INET6, String(address), &buffer) == 1
  }
}

/// A word that is not a host name or an address, and why.
public struct HostNameError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The word as given (escape it with ``SafeText/escaped(_:)`` before printing it).
  public var host: String
  /// Why it was refused, without the word.
  public var reason: String

  public init(host: String, reason: String) { (self.host, self.reason) = (host, reason) }

  /// `'HOST' REASON`, the host escaped for a terminal.
  public var description: String { "'\(SafeText.escaped(host))' \(reason)" }
}
