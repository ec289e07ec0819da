import SuiteCore

/// The `--telemetry[=SECONDS]` option every program of the suite shares.
///
/// Command-line parsers take an option's value from the next argument, but `--telemetry` alone
/// must mean "every 10 s" without eating the argument after it. ``normalize(_:)`` rewrites a bare
/// `--telemetry` as `--telemetry=10` before parsing, unless the next argument is a time span
/// (`--telemetry 5` keeps working).
public enum TelemetryFlag {
  /// The option's name.
  public static let name = "--telemetry"
  /// Seconds between samples when the flag has no value.
  public static let defaultSeconds = 10.0
  /// The help text programs show for it.
  public static let help =
    "Sample every node every SECONDS (default 10, at least 0.1; 500ms, 2s, 1m also work) into results/runs/<run id>/."

  /// `arguments` with a bare `--telemetry` given its default value.
  public static func normalize(_ arguments: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" {
        result += arguments[index...]
        break
      }
      if argument == name {
        let next = index + 1 < arguments.count ? arguments[index + 1] : nil
        if let next, (try? TimeSpan.seconds(next, flag: name)) != nil {
          result += ["\(name)=\(next)"]
          index += 2
          continue
        }
        result.append("\(name)=\(TimeSpan.describe(defaultSeconds))")
      } else {
        result.append(argument)
      }
      index += 1
    }
    return result
  }

  /// The interval in seconds for the flag's value, `nil` when the flag was not given; at least
  /// ``TimeSpan/minimumInterval``.
  public static func seconds(_ value: String?) throws(TimeSpanError) -> Double? {
    guard let value else { return nil }
    return try TimeSpan.interval(value, flag: name)
  }
}
