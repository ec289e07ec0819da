import ArgumentParser
import SuiteCore

/// `--telemetry[=SECONDS]`, parsed once into seconds between samples (see ``TelemetryFlag``).
public struct TelemetryOption: ParsableArguments {
  @Option(
    name: .customLong("telemetry"), help: ArgumentHelp(TelemetryFlag.help, valueName: "SECONDS"),
    transform: { text in
      do { return try TimeSpan.interval(text, flag: TelemetryFlag.name) } catch let error as TimeSpanError {
        throw ValidationError(error.description)
      }
    })
  /// Seconds between samples; `nil` when the flag was not given (no telemetry).
  public var seconds: Double?

  public init() {}
}

/// `--run-id ID`: the run's id instead of a new one, checked while parsing (``RunID/problem(_:)``).
public struct RunIDOption: ParsableArguments {
  @Option(
    name: .customLong("run-id"),
    help: ArgumentHelp(
      "The run id in the results and the telemetry folder, instead of a new one (letters, digits, - _ .).",
      valueName: "ID"),
    transform: { text in
      if let problem = RunID.problem(text) { throw ValidationError("--run-id: \(problem)") }
      return text
    })
  public var id: String?

  public init() {}
}

/// The results file a program appends to by default, and what it appends (for `--results`' help).
public protocol ResultsFileKind {
  /// The default path, such as `results/hpl.csv`.
  static var defaultPath: String { get }
  /// What one row is, such as "each test".
  static var rowSubject: String { get }
}

/// `--results FILE`: the CSV file the program appends its rows to.
public struct ResultsOption<Kind: ResultsFileKind>: ParsableArguments {
  @Option(
    name: .customLong("results"),
    help: ArgumentHelp("The CSV file \(Kind.rowSubject) appends a row to.", valueName: "FILE"))
  public var path: String = Kind.defaultPath

  public init() {}
}
