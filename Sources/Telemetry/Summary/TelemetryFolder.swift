import CSVFiles
import Foundation

/// A run folder (`results/runs/<run id>`) or a monitor folder read back: its `metadata.json` and
/// the rows of its four CSV files.
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

  /// Reads the folder at `path`. Throws when it is not a folder or holds none of the four CSV
  /// files and no `metadata.json` (most likely a wrong path).
  public init(path: String) throws(TelemetryFolderError) {
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
    thermal = read(.thermal, TelemetryRow.Thermal.init)
    memory = read(.memory, TelemetryRow.Memory.init)
    cpu = read(.cpu, TelemetryRow.CPU.init)
    network = read(.network, TelemetryRow.Network.init)
  }

  /// The rows of `file` converted by `convert`, adding its warnings; none when it is absent.
  private mutating func read<Row>(
    _ file: TelemetryCSV.File, _ convert: (CSVTable.Row) throws(CSVValueError) -> Row
  ) -> [Row] {
    guard files.contains(file) else { return [] }
    do {
      let table = try CSVTable.read(path: Self.join(path, file.fileName), requiredColumns: file.columns)
      let (rows, rowWarnings) = table.convertRows(convert)
      warnings += rowWarnings
      return rows
    } catch {
      warnings.append(error.description)
      return []
    }
  }

  private static func join(_ folder: String, _ name: String) -> String { KernelFiles.join(folder, name) }
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
