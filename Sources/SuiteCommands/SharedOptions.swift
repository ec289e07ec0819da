import ArgumentParser
import SuiteCore

/// `--telemetry[=SECONDS]`: seconds between samples, checked while parsing (see ``TelemetryFlag``).
public struct TelemetryOption: ParsableArguments {
  @Option(name: .customLong("telemetry"), help: ArgumentHelp(TelemetryFlag.help, valueName: "SECONDS"))
  var text: String?

  public init() {}

  /// Seconds between samples; `nil` when the flag was not given (no telemetry).
  public var seconds: Double? {
    // validate() has refused every text this could fail on.
    text.flatMap { try? TimeSpan.interval($0, flag: TelemetryFlag.name) }
  }

  public func validate() throws {
    guard let text else { return }
    // A validation error, so that the message reads `--telemetry: expected …` as every other one.
    do { _ = try TimeSpan.interval(text, flag: TelemetryFlag.name) } catch { throw ValidationError(error.description) }
  }
}

/// `--run-id ID`: the run's id instead of a new one, checked while parsing (``RunID/problem(_:)``).
public struct RunIDOption: ParsableArguments {
  @Option(
    name: .customLong("run-id"),
    help: ArgumentHelp(
      "The run id in the results and the telemetry folder, instead of a new one (letters, digits, - _ .).",
      valueName: "ID"))
  public var id: String?

  public init() {}

  public func validate() throws {
    if let id, let problem = RunID.problem(id) { throw ValidationError("--run-id: \(problem)") }
  }
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
