/// A run or monitor folder whose files cannot be written: thrown on every rank when found at the
/// start, so that a run does not go on with its telemetry lost.
public struct TelemetryWriteError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The failure, naming the file.
  public var message: String

  public init(message: String) { self.message = message }

  public var description: String { "telemetry: \(message)" }
}
