/// The run-queue load averages, `/proc/loadavg`.
///
/// prometheus/procfs: `loadavg.go`; node exporter: `node_load1`, `node_load5`, `node_load15`.
public struct LoadAverage: Sendable, Equatable {
  public var load1: Double
  public var load5: Double
  public var load15: Double

  /// Parses the text of `/proc/loadavg` (`0.52 0.58 0.59 2/431 12345`); `path` names the file in errors.
  public init(parsing text: String, path: String = "/proc/loadavg") throws(TelemetryError) {
    let parts = KernelFiles.fields(Substring(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    guard parts.count >= 3, let one = Double(parts[0]), let five = Double(parts[1]),
      let fifteen = Double(parts[2])
    else { throw .malformed(path: path, text: text.trimmingCharacters(in: .whitespacesAndNewlines)) }
    (load1, load5, load15) = (one, five, fifteen)
  }
}

extension ProcFS {
  /// `loadavg`, or `nil` when the file is missing.
  public func loadAverage() throws(TelemetryError) -> LoadAverage? {
    let file = path("loadavg")
    guard let text = try KernelFiles.contents(file, limit: KernelFiles.procLimit) else { return nil }
    return try LoadAverage(parsing: text, path: file)
  }
}
