import CSVFiles
import Foundation

extension TelemetrySummary {
  /// The columns of ``csv()``, in order.
  ///
  /// | column | unit |
  /// |---|---|
  /// | `host` | the node |
  /// | `sensor_type` | the `type` of `thermal.csv`; empty for a node without temperatures |
  /// | `temp_max_celsius`, `temp_mean_celsius` | °C, over every reading of the type |
  /// | `temp_readings` | readings of the type |
  /// | `job_resident_peak_bytes` | bytes, the job's own memory: the largest sum of the RSS of its ranks on the node |
  /// | `mem_used_peak_bytes` | bytes, the node's used memory (job, system and all else): the largest MemTotal − MemAvailable |
  /// | `mem_used_peak_percent` | percent of MemTotal, the node's, the largest |
  /// | `rank_peak_resident_bytes` | bytes, the largest peak RSS of one rank on the node |
  /// | `cpu_mean_percent` | percent, mean utilization of all cores over the samples |
  /// | `receive_bytes`, `transmit_bytes` | bytes over the run, every interface but `lo` |
  /// | `samples` | samples taken on the node |
  /// | `first_timestamp`, `last_timestamp` | ISO 8601 UTC, the node's first and last row |
  /// | `note` | the metadata's problems for the node, and `no samples (...)` when it has no rows; `; `-separated |
  public static let csvColumns = [
    "host", "sensor_type", "temp_max_celsius", "temp_mean_celsius", "temp_readings", "job_resident_peak_bytes",
    "mem_used_peak_bytes", "mem_used_peak_percent", "rank_peak_resident_bytes", "cpu_mean_percent", "receive_bytes",
    "transmit_bytes", "samples", "first_timestamp", "last_timestamp", "note",
  ]

  /// The summary as CSV (RFC 4180, `\n` line ends): the header of ``csvColumns``, then one row per
  /// node and sensor type, or one row with empty sensor fields for a node without temperatures.
  ///
  /// Node-level values repeat on each of a node's rows, so every row stands alone. Bytes and
  /// counts are integers, °C and percentages have two decimals; a value no row gave is empty.
  public func csv() -> String {
    var lines = [CSVFile.line(Self.csvColumns)]
    for node in nodes {
      let nodeFields = [
        Self.field(node.jobResidentPeakBytes), Self.field(node.memUsedPeakBytes),
        Self.field(node.memUsedPeakPercent, Self.twoDecimals),
        Self.field(node.rankPeakResidentBytes), Self.field(node.cpuMeanPercent, Self.twoDecimals),
        Self.field(node.receiveBytes), Self.field(node.transmitBytes), String(node.samples),
        node.firstTimestamp ?? "", node.lastTimestamp ?? "", node.notes.joined(separator: "; "),
      ]
      let sensors = node.sensorTypes.map {
        [$0.type, Self.twoDecimals($0.maxCelsius), Self.twoDecimals($0.meanCelsius), String($0.readings)]
      }
      for sensor in sensors.isEmpty ? [["", "", "", ""]] : sensors {
        lines.append(CSVFile.line([node.host] + sensor + nodeFields))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func twoDecimals(_ value: Double) -> String { String(format: "%.2f", value) }
  private static func field(_ value: UInt64?) -> String { value.map { String($0) } ?? "" }
  private static func field(_ value: Double?, _ format: (Double) -> String) -> String { value.map(format) ?? "" }
}
