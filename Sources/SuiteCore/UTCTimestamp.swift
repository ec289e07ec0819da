/// Seconds since 1970 of the suite's timestamps (`2026-11-23T10:15:01.250Z`, or to the second),
/// parsed by hand: a timeline of a million telemetry rows cannot afford a date formatter per
/// row (about 100× slower).
public enum UTCTimestamp {
  /// `text` as seconds since 1970-01-01T00:00:00Z; `nil` unless it is
  /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with at most 9 fraction digits (UTC, as every file of the suite writes).
  public static func seconds(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { parse($0) }
  }

  private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
      bytes[bytes.count - 1] == UInt8(ascii: "Z")
    else { return nil }
    func digits(_ start: Int, _ count: Int) -> Int? {
      var value = 0
      for index in start..<(start + count) {
        let digit = Int(bytes[index]) - 48
        guard (0...9).contains(digit) else { return nil }
        value = value * 10 + digit
      }
      return value
    }
    guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
      let minute = digits(14, 2), let second = digits(17, 2), (1...12).contains(month), (1...31).contains(day),
      hour < 24, minute < 60, second <= 60
    else { return nil }
    var fraction = 0.0
    if bytes.count > 20 {
      // `.` and 1 to 9 digits (nanoseconds at most, which an Int holds) before the `Z`.
      guard bytes[19] == UInt8(ascii: "."), (22...30).contains(bytes.count), let value = digits(20, bytes.count - 21)
      else { return nil }
      var scale = 1.0
      for _ in 0..<(bytes.count - 21) { scale *= 10 }
      fraction = Double(value) / scale
    }
    let days = daysSinceEpoch(year: year, month: month, day: day)
    return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
  }

  /// Days from 1970-01-01 to the date in the proleptic Gregorian calendar (Howard Hinnant's
  /// `days_from_civil`).
  static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let shifted = month <= 2 ? year - 1 : year
    let era = (shifted >= 0 ? shifted : shifted - 399) / 400
    let yearOfEra = shifted - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
