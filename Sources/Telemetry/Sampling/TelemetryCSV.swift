import CSVFiles
import Foundation
import SuiteCore

#if canImport(Glibc)
  import Glibc
#endif

/// The four telemetry CSV files: headers, rows for a ``NodeSample``, and crash-safe appending.
///
/// Column names follow Prometheus' node exporter, in snake_case with the unit in the name.
/// Timestamps are ISO 8601 in UTC; fields are quoted per RFC 4180; lines end with `\n`; a value
/// that is not known is an empty field.
public enum TelemetryCSV {
  /// One of the files, named `<rawValue>.csv`.
  public enum File: String, CaseIterable, Sendable {
    case thermal, memory, cpu, network

    /// `thermal.csv` and so on.
    public var fileName: String { rawValue + ".csv" }

    public var columns: [String] {
      let common = ["timestamp", "run_id", "host"]
      switch self {
      case .thermal:
        return common + ["sensor", "type", "temp_celsius", "cooling_current_state", "cooling_max_state"]
      case .memory:
        return common + [
          "mem_total_bytes", "mem_available_bytes", "mem_used_bytes", "mem_used_percent", "swap_used_bytes",
          "ranks", "ranks_resident_bytes", "rank_max_resident_bytes", "rank_max_peak_resident_bytes",
        ]
      case .cpu:
        return common + [
          "cpu", "utilization_percent", "user_percent", "system_percent", "iowait_percent",
          "scaling_frequency_hertz", "load1", "load5", "load15",
        ]
      case .network:
        return common + ["device", "receive_bytes", "transmit_bytes", "receive_packets", "transmit_packets"]
      }
    }

    /// The header line, without its line end.
    public var header: String { columns.joined(separator: ",") }
  }

  /// The rows of each file for `sample`, as fields. A file with nothing to say has no entry
  /// or an empty list.
  public static func fields(for sample: NodeSample, runID: String) -> [File: [[String]]] {
    let common = [Timestamp.milliseconds(sample.timestamp), runID, sample.host]
    var rows: [File: [[String]]] = [:]

    rows[.thermal] =
      sample.temperatures.map { common + [$0.sensor, $0.type, number($0.temperatureCelsius), "", ""] }
      + sample.coolingDevices.map { common + [$0.name, $0.type, "", String($0.currentState), String($0.maxState)] }

    if sample.meminfo != nil || !sample.processes.isEmpty {
      let memory = sample.meminfo
      rows[.memory] = [
        common + [
          text(memory?.memTotalBytes), text(memory?.memAvailableBytes), text(memory?.usedBytes),
          memory.map { percent($0.usedPercent) } ?? "", text(memory?.swapUsedBytes),
          sample.processes.isEmpty ? "" : String(sample.processes.count), text(sample.totalResidentBytes),
          text(sample.maxResidentBytes), text(sample.maxPeakResidentBytes),
        ]
      ]
    }

    let frequencies = Dictionary(
      sample.cpuFrequencies.map { ($0.cpu, $0.frequencyHertz) }, uniquingKeysWith: { first, _ in first })
    let cores = Set(frequencies.keys).union(sample.perCPUUsage.keys).sorted()
    if sample.cpuUsage != nil || sample.loadAverage != nil || !cores.isEmpty {
      func row(_ name: String, _ usage: CPUUsage?, _ hertz: Int?, _ load: LoadAverage?) -> [String] {
        common + [
          name, usage.map { percent($0.utilisationPercent) } ?? "", usage.map { percent($0.userPercent) } ?? "",
          usage.map { percent($0.systemPercent) } ?? "", usage.map { percent($0.iowaitPercent) } ?? "",
          text(hertz), load.map { number($0.load1) } ?? "", load.map { number($0.load5) } ?? "",
          load.map { number($0.load15) } ?? "",
        ]
      }
      rows[.cpu] =
        [row("all", sample.cpuUsage, nil, sample.loadAverage)]
        + cores.map { row(String($0), sample.perCPUUsage[$0], frequencies[$0], nil) }
    }

    rows[.network] = sample.network.map {
      common + [
        $0.interface, String($0.receiveBytes), String($0.transmitBytes), String($0.receivePackets),
        String($0.transmitPackets),
      ]
    }
    return rows
  }

  /// The rows of each file for `sample`, as CSV lines without their line ends.
  public static func rows(for sample: NodeSample, runID: String) -> [File: [String]] {
    fields(for: sample, runID: runID).mapValues { $0.map(line) }
  }

  /// `fields` as one CSV line, without its line end.
  public static func line(_ fields: [String]) -> String { CSVFile.line(fields) }

  /// `field`, quoted per RFC 4180 when it holds a comma, a quote or a line break.
  public static func quoted(_ field: String) -> String { CSVFile.quoted(field) }

  private static func text<T: BinaryInteger>(_ value: T?) -> String { value.map { String($0) } ?? "" }
  private static func percent(_ value: Double) -> String { String(format: "%.2f", value) }
  private static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }

  // MARK: - Appending

  /// Appends each sample's rows to the four files in `folder` (created when needed).
  public static func append(_ sample: NodeSample, runID: String, toFolder folder: String)
    throws(TelemetryCSVError)
  {
    let rows = rows(for: sample, runID: runID)
    for file in File.allCases {
      guard let lines = rows[file], !lines.isEmpty else { continue }
      try append(lines: lines, to: file, path: KernelFiles.join(folder, file.fileName))
    }
  }

  /// Appends `lines` (without line ends) to the CSV file at `path`, writing `file`'s header first
  /// when the file is new; one `write(2)` per row (see `CSVFile.append`).
  ///
  /// Throws when the file cannot be written, or starts with another header.
  public static func append(lines: [String], to file: File, path: String) throws(TelemetryCSVError) {
    do {
      try CSVFile.append(
        lines: lines, header: file.header, to: path,
        headerMismatch: "its header differs from \(file.fileName)'s; move the file aside to start a new one")
    } catch {
      throw TelemetryCSVError(path: error.path, message: error.message)
    }
  }
}

/// A failure to append to a telemetry CSV file.
public struct TelemetryCSVError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    (self.path, self.message) = (path, message)
  }

  public var description: String { "\(path): \(message)" }
}
