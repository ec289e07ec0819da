/// Takes a telemetry folder's rows one at a time, as ``TelemetryFolder/scan(path:files:into:)`` reads
/// them, so that figures over millions of rows are computed in one pass without keeping the rows.
///
/// Each method does nothing by default: implement those of the files you need. Rows of a file
/// come in file order, files in ``TelemetryCSV/File`` order (thermal, memory, cpu, network).
public protocol TelemetryRowConsumer {
  mutating func consume(_ row: TelemetryRow.Thermal)
  mutating func consume(_ row: TelemetryRow.Memory)
  mutating func consume(_ row: TelemetryRow.CPU)
  mutating func consume(_ row: TelemetryRow.Network)
}

extension TelemetryRowConsumer {
  public mutating func consume(_ row: TelemetryRow.Thermal) {}
  public mutating func consume(_ row: TelemetryRow.Memory) {}
  public mutating func consume(_ row: TelemetryRow.CPU) {}
  public mutating func consume(_ row: TelemetryRow.Network) {}
}
