import Foundation

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
      case .thermal: return common + ["sensor", "type", "temp_celsius"]
      case .memory:
        return common + [
          "mem_total_bytes", "mem_available_bytes", "mem_used_bytes", "mem_used_percent", "swap_used_bytes",
          "rank_resident_bytes", "rank_peak_resident_bytes",
        ]
      case .cpu:
        return common + [
          "cpu", "utilization_percent", "user_percent", "system_percent", "iowait_percent",
          "scaling_frequency_hertz", "load1",
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
    let common = [timestamp(sample.timestamp), runID, sample.host]
    var rows: [File: [[String]]] = [:]

    rows[.thermal] = sample.temperatures.map { common + [$0.sensor, $0.type, number($0.temperatureCelsius)] }

    if sample.meminfo != nil || !sample.processes.isEmpty {
      let memory = sample.meminfo
      rows[.memory] = [
        common + [
          text(memory?.memTotalBytes), text(memory?.memAvailableBytes), text(memory?.usedBytes),
          memory.map { percent($0.usedPercent) } ?? "", text(memory?.swapUsedBytes),
          text(sample.maxResidentBytes), text(sample.maxPeakResidentBytes),
        ]
      ]
    }

    let frequencies = Dictionary(
      sample.cpuFrequencies.map { ($0.cpu, $0.frequencyHertz) }, uniquingKeysWith: { first, _ in first })
    let cores = Set(frequencies.keys).union(sample.perCPUUsage.keys).sorted()
    if sample.cpuUsage != nil || sample.loadAverage != nil || !cores.isEmpty {
      func row(_ name: String, _ usage: CPUUsage?, _ hertz: Int?, _ load1: Double?) -> [String] {
        common + [
          name, usage.map { percent($0.utilisationPercent) } ?? "", usage.map { percent($0.userPercent) } ?? "",
          usage.map { percent($0.systemPercent) } ?? "", usage.map { percent($0.iowaitPercent) } ?? "",
          text(hertz), load1.map(number) ?? "",
        ]
      }
      rows[.cpu] =
        [row("all", sample.cpuUsage, nil, sample.loadAverage?.load1)]
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
  public static func line(_ fields: [String]) -> String {
    fields.map(quoted).joined(separator: ",")
  }

  /// `field`, quoted per RFC 4180 when it holds a comma, a quote or a line break.
  public static func quoted(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// `date` as ISO 8601 in UTC with milliseconds, `2025-01-31T12:00:00.250Z`.
  public static func timestamp(_ date: Date) -> String {
    date.formatted(
      Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(secondsFromGMT: 0)!))
  }

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

  /// Appends `lines` (without line ends) to the CSV file at `path`, each with a single `write(2)`
  /// on a file opened with `O_APPEND`, so a killed run leaves whole rows. Writes `file`'s header
  /// first when the file is new or empty; starts on a fresh line when the last line lacks its end.
  ///
  /// Throws when the file cannot be written, or starts with another header.
  public static func append(lines: [String], to file: File, path: String) throws(TelemetryCSVError) {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw TelemetryCSVError(path: path, message: "cannot create folder \(folder.path): \(error.localizedDescription)")
    }
    let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw TelemetryCSVError(path: path, errno: errno, doing: "open") }
    defer { close(descriptor) }

    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw TelemetryCSVError(path: path, errno: errno, doing: "stat") }
    var prefix = ""
    if status.st_size == 0 {
      prefix = file.header + "\n"
    } else {
      var buffer = [UInt8](repeating: 0, count: min(Int(status.st_size), 4096))
      let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { throw TelemetryCSVError(path: path, errno: errno, doing: "read") }
      let first = buffer[..<count].prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
      guard String(decoding: first, as: UTF8.self) == file.header else {
        throw TelemetryCSVError(
          path: path, message: "its header differs from \(file.fileName)'s; move the file aside to start a new one")
      }
      var last: UInt8 = 0
      guard pread(descriptor, &last, 1, off_t(status.st_size - 1)) == 1 else {
        throw TelemetryCSVError(path: path, errno: errno, doing: "read")
      }
      if last != UInt8(ascii: "\n") { prefix = "\n" }
    }
    for line in lines {
      try writeAll(descriptor, prefix + line + "\n", path: path)
      prefix = ""
    }
  }

  /// Writes `text` with one `write(2)`, repeated only if the kernel writes less.
  private static func writeAll(_ descriptor: Int32, _ text: String, path: String) throws(TelemetryCSVError) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
      if written < 0 {
        if errno == EINTR { continue }
        throw TelemetryCSVError(path: path, errno: errno, doing: "write")
      }
      offset += written
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

  init(path: String, errno code: Int32, doing operation: String) {
    self.init(path: path, message: "cannot \(operation): \(String(cString: strerror(code)))")
  }

  public var description: String { "\(path): \(message)" }
}
