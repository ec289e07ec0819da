import CSVFiles
import Foundation

/// A run folder (`results/runs/<run id>`) or a monitor folder read back: its `metadata.json` and
/// the rows of its four CSV files.
///
/// ``init(path:)`` keeps every row; ``scan(path:files:into:)`` streams them into a
/// ``TelemetryRowConsumer`` instead, in bounded memory, for folders of millions of rows. Both read
/// through the same code and give the same warnings, except that the scan keeps at most 1000 per
/// file (then says how many rows were left out without one).
///
/// Reading tolerates what a cluster leaves behind: a missing CSV file is normal (no
/// `thermal.csv` on a VM, no `network.csv` after one sample), and so is a missing
/// `metadata.json` in a monitor folder. Everything else that is wrong becomes a warning and the
/// rest is still read: a broken `metadata.json` (the file and the JSON parser's complaint), a
/// CSV file that cannot be read, and each row left out, `PATH line N: ...; row ignored` or
/// `PATH line N, column C: ...; row ignored` for a value that is not its column's number type.
public struct TelemetryFolder: Sendable {
  /// The folder, as given.
  public var path: String
  /// The run's metadata; `nil` when `metadata.json` is missing or broken.
  public var metadata: RunMetadata?
  public var thermal: [TelemetryRow.Thermal] = []
  public var memory: [TelemetryRow.Memory] = []
  public var cpu: [TelemetryRow.CPU] = []
  public var network: [TelemetryRow.Network] = []
  /// The CSV files present in the folder, readable or not.
  public var files: [TelemetryCSV.File] = []
  /// What was left out and why, metadata first, then the files in ``TelemetryCSV/File`` order.
  public var warnings: [String] = []

  /// Reads the folder at `path`, keeping every row. Throws when it is not a folder or holds none
  /// of the four CSV files and no `metadata.json` (most likely a wrong path).
  public init(path: String) throws(TelemetryFolderError) {
    var rows = RowCollector()
    self = try Self.read(path: path, into: &rows, warningLimit: nil)
    (thermal, memory, cpu, network) = (rows.thermal, rows.memory, rows.cpu, rows.network)
  }

  /// Reads the folder at `path`, handing each row of `files` to `consumer` without keeping it:
  /// the folder returned has its metadata, the list of files present and the warnings of those
  /// read, and no rows. Throws as ``init(path:)``.
  public static func scan<Consumer: TelemetryRowConsumer>(
    path: String, files: Set<TelemetryCSV.File> = Set(TelemetryCSV.File.allCases), into consumer: inout Consumer
  ) throws(TelemetryFolderError) -> TelemetryFolder {
    try read(path: path, files: files, into: &consumer, warningLimit: 1000)
  }

  private static func read<Consumer: TelemetryRowConsumer>(
    path: String, files: Set<TelemetryCSV.File> = Set(TelemetryCSV.File.allCases), into consumer: inout Consumer,
    warningLimit: Int?
  ) throws(TelemetryFolderError) -> TelemetryFolder {
    var folder = try TelemetryFolder(opening: path)
    if files.contains(.thermal) {
      folder.stream(.thermal, TelemetryRow.Thermal.init, warningLimit) { consumer.consume($0) }
    }
    if files.contains(.memory) {
      folder.stream(.memory, TelemetryRow.Memory.init, warningLimit) { consumer.consume($0) }
    }
    if files.contains(.cpu) { folder.stream(.cpu, TelemetryRow.CPU.init, warningLimit) { consumer.consume($0) } }
    if files.contains(.network) {
      folder.stream(.network, TelemetryRow.Network.init, warningLimit) { consumer.consume($0) }
    }
    return folder
  }

  /// The folder with its metadata and the list of its files, no rows yet.
  private init(opening path: String) throws(TelemetryFolderError) {
    self.path = path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw TelemetryFolderError(path: path, message: "no such folder")
    }
    guard isFolder.boolValue else { throw TelemetryFolderError(path: path, message: "not a folder") }

    let hasMetadata = FileManager.default.fileExists(atPath: Self.join(path, RunMetadata.fileName))
    files = TelemetryCSV.File.allCases.filter { FileManager.default.fileExists(atPath: Self.join(path, $0.fileName)) }
    guard hasMetadata || !files.isEmpty else {
      let names = (TelemetryCSV.File.allCases.map(\.fileName) + [RunMetadata.fileName]).joined(separator: ", ")
      throw TelemetryFolderError(
        path: path, message: "holds none of \(names); expected a run folder (results/runs/<run id>) or a monitor folder"
      )
    }

    if hasMetadata {
      do {
        metadata = try RunMetadata.read(fromFolder: path)
      } catch {
        warnings.append(error.description)
      }
    }
  }

  /// Hands the rows of `file`, converted by `convert`, to `body`, adding its warnings; nothing
  /// when it is absent.
  private mutating func stream<Row>(
    _ file: TelemetryCSV.File, _ convert: (CSVTable.Row) throws(CSVValueError) -> Row, _ warningLimit: Int?,
    _ body: (Row) -> Void
  ) {
    guard files.contains(file) else { return }
    do {
      let reader = try CSVRowReader(
        path: Self.join(path, file.fileName), requiredColumns: file.columns, warningLimit: warningLimit)
      defer { warnings += reader.warnings }
      try reader.forEachRow(converting: convert, body)
    } catch {
      warnings.append(error.description)
    }
  }

  private static func join(_ folder: String, _ name: String) -> String { KernelFiles.join(folder, name) }
}

/// Keeps every row, for ``TelemetryFolder/init(path:)``.
private struct RowCollector: TelemetryRowConsumer {
  var thermal: [TelemetryRow.Thermal] = []
  var memory: [TelemetryRow.Memory] = []
  var cpu: [TelemetryRow.CPU] = []
  var network: [TelemetryRow.Network] = []

  mutating func consume(_ row: TelemetryRow.Thermal) { thermal.append(row) }
  mutating func consume(_ row: TelemetryRow.Memory) { memory.append(row) }
  mutating func consume(_ row: TelemetryRow.CPU) { cpu.append(row) }
  mutating func consume(_ row: TelemetryRow.Network) { network.append(row) }
}

/// A path that is not a telemetry folder.
public struct TelemetryFolderError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    (self.path, self.message) = (path, message)
  }

  public var description: String { "\(path): \(message)" }
}
