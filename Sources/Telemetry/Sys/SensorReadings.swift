/// What reading a family of sensors gave: every sensor that could be read, and one error per
/// sensor that could not.
///
/// One unreadable or garbage file (a `temp` holding `N/A`, a hwmon input that answers `ENODATA`,
/// a FIFO in a fixture tree) costs only its own sensor, as in Prometheus' node exporter: the
/// family's other sensors are still in ``values``.
public struct SensorReadings<Value: Sendable & Equatable>: Sendable, Equatable {
  /// The sensors read, in the kernel's numbering.
  public var values: [Value]
  /// One error per sensor left out, naming its file.
  public var failures: [TelemetryError]

  public init(values: [Value] = [], failures: [TelemetryError] = []) {
    (self.values, self.failures) = (values, failures)
  }

  /// Reads one sensor with `body`: its value (when not `nil`) joins ``values``, its error
  /// ``failures``.
  mutating func read(_ body: () throws(TelemetryError) -> Value?) {
    do {
      if let value = try body() { values.append(value) }
    } catch {
      failures.append(error)
    }
  }
}
