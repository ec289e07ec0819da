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

  /// The shortest sampling interval accepted, 0.1 s. Shorter ones measure nothing more: the
  /// kernel counts CPU time in ticks of 10 ms (USER_HZ 100), so a CPU percentage over 1 ms is 0
  /// or 100, and hwmon drivers refresh their readings every second or so. And they cost: a
  /// sampler woken every microsecond spins on a core the ranks need.
  public static let minimumInterval = 0.1

  /// The span in seconds for an interval between samples, at least ``minimumInterval``
  /// (`--telemetry`, `clusterbench monitor --interval`, a job file's `telemetry`). `flag` names the
  /// option in the error.
  public static func interval(_ text: String, flag: String) throws(TimeSpanError) -> Double {
    let value = try seconds(text, flag: flag)
    guard value >= minimumInterval else { throw TimeSpanError(flag: flag, text: text, minimum: minimumInterval) }
    return value
  }

  private static let units: [String: Double] = [
    "ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400,
  ]

  /// A measured or estimated time as people read it: `4.2s`, `45s`, `3m05s`, `1h02m` (tenths
  /// under ten seconds, then whole seconds, then minutes and seconds, then hours and minutes).
  /// For elapsed times, estimates and what is left; ``describe(_:)`` writes a span as a flag
  /// takes it.
  public static func elapsed(_ seconds: Double) -> String {
    // Bounded first: an estimate from a zero rate may be infinite, and Int(_:) traps on it.
    let seconds = seconds.isNaN ? 0 : min(max(seconds, 0), 1e15)
    if seconds < 9.95 { return String(format: "%.1fs", seconds) }
    let total = Int(seconds.rounded())
    if total >= 3600 { return String(format: "%dh%02dm", total / 3600, total % 3600 / 60) }
    if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return "\(total)s"
  }

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

/// A time span that is not one (empty, zero, negative or unparseable), or an interval shorter
/// than the shortest allowed.
public struct TimeSpanError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The option the span was given to.
  public var flag: String
  /// What the user typed.
  public var text: String
  /// The shortest span allowed, in seconds, when the span was refused for being shorter;
  /// `nil` when it is not a time span at all.
  public var minimum: Double?

  public init(flag: String, text: String, minimum: Double? = nil) {
    (self.flag, self.text, self.minimum) = (flag, text, minimum)
  }

  public var description: String {
    if let minimum {
      return "\(flag): expected an interval of at least \(TimeSpan.describe(minimum)) "
        + "(\(Int((minimum * 1000).rounded()))ms), such as 0.5, 500ms, 10s or 1m; got \"\(text)\""
    }
    return "\(flag): expected a positive time span such as 10, 0.5, 500ms, 30s, 5m, 3h or 1h30m; got \"\(text)\""
  }
}
