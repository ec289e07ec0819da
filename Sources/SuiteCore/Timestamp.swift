import Foundation

/// The suite's one way of writing a moment: UTC, ISO 8601, from the C library's `gmtime_r`
/// rather than a `DateFormatter`, which would load ICU (megabytes of resident memory on every
/// rank) for one string.
public enum Timestamp {
  /// `2026-11-23T10:15:00Z`: the results files' `timestamp` column.
  public static func seconds(_ date: Date) -> String {
    let (parts, _) = split(date)
    return format(parts) + "Z"
  }

  /// `2026-11-23T10:15:00.123Z`: the telemetry files' `timestamp` column (milliseconds,
  /// truncated).
  public static func milliseconds(_ date: Date) -> String {
    let (parts, millisecond) = split(date)
    return format(parts) + String(format: ".%03dZ", millisecond)
  }

  /// `20261123T101500Z`: a moment inside a run id or a file name (no `-` or `:`).
  public static func compact(_ date: Date) -> String {
    let (parts, _) = split(date)
    return String(
      format: "%04d%02d%02dT%02d%02d%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
      parts.tm_min, parts.tm_sec)
  }

  /// The moment a results or telemetry `timestamp` names (with or without fractional seconds):
  /// the suite's own form through ``UTCTimestamp``, any other ISO 8601 time with a zone (a file
  /// edited by hand) through Foundation's parser.
  public static func date(from text: String) -> Date? {
    if let seconds = UTCTimestamp.seconds(text) { return Date(timeIntervalSince1970: seconds) }
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
  }

  private static func split(_ date: Date) -> (tm, Int32) {
    let interval = date.timeIntervalSince1970
    let whole = interval.rounded(.down)
    var seconds = time_t(whole)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return (parts, Int32(min(999, max(0, ((interval - whole) * 1000).rounded(.down)))))
  }

  private static func format(_ parts: tm) -> String {
    String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
      parts.tm_min, parts.tm_sec)
  }
}
