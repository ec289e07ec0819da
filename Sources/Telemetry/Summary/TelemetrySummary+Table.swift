import Foundation

extension TelemetrySummary {
  /// The summary as an aligned plain-text table for a terminal, one line per node and sensor type.
  ///
  /// Memory has three columns, so that the node's used memory is not read as the job's:
  /// `peak job RSS` (the job's ranks on the node together), `peak node used` and `node used %`
  /// (MemTotal − MemAvailable: the job, the system and everything else), and `peak rank RSS`
  /// (the largest rank).
  ///
  /// Node-level columns (memory, CPU, network, samples) fill only a node's first line; a node
  /// without temperatures shows `-` for them, as for any value no row gave. Bytes are in binary
  /// units (`1.2 GiB`), temperatures and percentages have one decimal, timestamps drop their
  /// fraction of a second. ``csv()`` has the exact figures.
  public func table() -> String {
    let header = [
      "host", "sensor type", "max °C", "mean °C", "readings", "peak job RSS", "peak node used", "node used %",
      "peak rank RSS",
      "mean CPU %", "received", "transmitted", "samples", "first (UTC)", "last (UTC)", "note",
    ]
    var table = TextTable(header: header, leftAligned: [0, 1, 13, 14, 15])
    for node in nodes {
      let nodeColumns = [
        Self.text(node.jobResidentPeakBytes, Self.humanBytes), Self.text(node.memUsedPeakBytes, Self.humanBytes),
        Self.text(node.memUsedPeakPercent, Self.oneDecimal),
        Self.text(node.rankPeakResidentBytes, Self.humanBytes), Self.text(node.cpuMeanPercent, Self.oneDecimal),
        Self.text(node.receiveBytes, Self.humanBytes), Self.text(node.transmitBytes, Self.humanBytes),
        String(node.samples), Self.text(node.firstTimestamp, Self.shortTimestamp),
        Self.text(node.lastTimestamp, Self.shortTimestamp), node.notes.joined(separator: "; "),
      ]
      let sensors = node.sensorTypes.map {
        [$0.type, Self.oneDecimal($0.maxCelsius), Self.oneDecimal($0.meanCelsius), String($0.readings)]
      }
      for (index, sensor) in (sensors.isEmpty ? [["-", "-", "-", "-"]] : sensors).enumerated() {
        let first = index == 0
        table.rows.append(
          [first ? node.host : ""] + sensor + (first ? nodeColumns : Array(repeating: "", count: nodeColumns.count)))
      }
    }
    return table.render()
  }

  /// `bytes` in the largest binary unit that keeps the number at least 1: `512 B`, `1.2 GiB`.
  public static func humanBytes(_ bytes: UInt64) -> String {
    guard bytes >= 1024 else { return "\(bytes) B" }
    let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes) / 1024
    var unit = 0
    // Compare the rounded value, so 1023.97 KiB reads 1.0 MiB rather than 1024.0 KiB.
    while (value * 10).rounded() >= 10240, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return "\(oneDecimal(value)) \(units[unit])"
  }

  static func oneDecimal(_ value: Double) -> String { String(format: "%.1f", value) }

  /// `2026-11-23T10:15:00.250Z` as `2026-11-23 10:15:00`; other text unchanged.
  static func shortTimestamp(_ timestamp: String) -> String {
    let characters = Array(timestamp)
    guard characters.count >= 20, characters[10] == "T", characters.last == "Z" else { return timestamp }
    return String(characters[0..<10]) + " " + String(characters[11..<19])
  }

  private static func text<T>(_ value: T?, _ format: (T) -> String) -> String { value.map(format) ?? "-" }
}
