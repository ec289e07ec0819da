import Foundation

/// Parses the time spans users type for intervals and durations: `10` (seconds), `500ms`,
/// `30s`, `5m`, `3h`, `2d`, and sums such as `1h30m`.
public enum TimeSpan {
  /// The span in seconds. `flag` names the option in the error, which says what is expected.
  public static func seconds(_ text: String, flag: String) throws(TimeSpanError) -> Double {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    if let plain = Double(trimmed) {
      guard plain.isFinite, plain > 0 else { throw TimeSpanError(flag: flag, text: text) }
      return plain
    }
    var total = 0.0
    var rest = Substring(trimmed)
    guard !rest.isEmpty else { throw TimeSpanError(flag: flag, text: text) }
    while !rest.isEmpty {
      let number = rest.prefix { $0.isNumber || $0 == "." }
      rest = rest.dropFirst(number.count)
      let unit = rest.prefix { $0.isLetter }
      rest = rest.dropFirst(unit.count)
      guard let value = Double(number), let scale = Self.units[String(unit)] else {
        throw TimeSpanError(flag: flag, text: text)
      }
      total += value * scale
    }
    guard total.isFinite, total > 0 else { throw TimeSpanError(flag: flag, text: text) }
    return total
  }

  private static let units: [String: Double] = [
    "ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400,
  ]

  /// `seconds` as a short text: `1h30m`, `10s`, `0.5s`.
  public static func describe(_ seconds: Double) -> String {
    guard seconds >= 60, seconds == seconds.rounded() else {
      return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
    var rest = Int(seconds)
    var text = ""
    for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
      text += "\(rest / size)\(unit)"
      rest %= size
    }
    return text
  }
}

/// A time span that is not one: empty, zero, negative or unparseable.
public struct TimeSpanError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The option the span was given to.
  public var flag: String
  /// What the user typed.
  public var text: String

  public init(flag: String, text: String) {
    (self.flag, self.text) = (flag, text)
  }

  public var description: String {
    "\(flag): expected a positive time span such as 10, 0.5, 500ms, 30s, 5m, 3h or 1h30m; got \"\(text)\""
  }
}
