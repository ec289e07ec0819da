import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The results file every run appends to, `results/hpl.csv` by default: one ``ResultRow`` per
/// test, RFC 4180 quoting, `\n` line ends, a header line first.
///
/// Appending is crash-safe: each row is written with a single `write(2)` on a file opened with
/// `O_APPEND`, so a killed run leaves whole rows; if the file's last line lacks its line end (cut
/// short by something else) the next row starts on a fresh line. ``read(path:)`` skips and reports
/// broken rows instead of failing.
public enum ResultsCSV {
  /// Where runs write by default, relative to the working directory.
  public static let defaultPath = "results/hpl.csv"

  // MARK: - Writing

  /// Appends `rows` to the CSV file at `path`, creating its folder and the file (with the header)
  /// when needed.
  ///
  /// Throws when the file cannot be written or starts with a different header (an older or a
  /// foreign file: appending would mix columns).
  public static func append(_ rows: [ResultRow], to path: String = defaultPath)
    throws(ResultsCSVError)
  {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw ResultsCSVError(
        path: path, message: "cannot create folder \(folder.path): \(error.localizedDescription)")
    }
    let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw ResultsCSVError(path: path, errno: errno, doing: "open") }
    defer { close(descriptor) }

    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw ResultsCSVError(path: path, errno: errno, doing: "stat")
    }
    var prefix = ""
    if status.st_size == 0 {
      prefix = ResultRow.header + "\n"
    } else {
      let firstLine = try readPrefix(descriptor, path: path, size: Int(status.st_size))
      guard firstLine == ResultRow.header else {
        throw ResultsCSVError(
          path: path,
          message: "its header differs from this version's (\(ResultRow.columns.count) columns "
            + "from 'timestamp' to 'peak_rss_mb'); move the file aside to start a new one")
      }
      var last: UInt8 = 0
      guard pread(descriptor, &last, 1, off_t(status.st_size - 1)) == 1 else {
        throw ResultsCSVError(path: path, errno: errno, doing: "read")
      }
      if last != UInt8(ascii: "\n") { prefix = "\n" }
    }
    for row in rows {
      try writeAll(descriptor, prefix + line(for: row), path: path)
      prefix = ""
    }
  }

  /// Appends one row; see ``append(_:to:)-([ResultRow],_)``.
  public static func append(_ row: ResultRow, to path: String = defaultPath) throws(ResultsCSVError) {
    try append([row], to: path)
  }

  /// The row as one CSV line, with its line end.
  public static func line(for row: ResultRow) -> String {
    row.fields.map(quoted).joined(separator: ",") + "\n"
  }

  /// `field`, quoted per RFC 4180 when it holds a comma, a quote or a line break.
  static func quoted(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// The file's first line (without its end), read from the start of an open file.
  private static func readPrefix(_ descriptor: Int32, path: String, size: Int)
    throws(ResultsCSVError) -> String
  {
    var buffer = [UInt8](repeating: 0, count: min(size, 4096))
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count >= 0 else { throw ResultsCSVError(path: path, errno: errno, doing: "read") }
    let bytes = buffer[..<count].prefix(while: {
      $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r")
    })
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Writes `text` with one `write(2)` (repeated only if the kernel writes less, which it does
  /// for regular files only when interrupted or out of space).
  private static func writeAll(_ descriptor: Int32, _ text: String, path: String)
    throws(ResultsCSVError)
  {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes {
        write(descriptor, $0.baseAddress! + offset, bytes.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw ResultsCSVError(path: path, errno: errno, doing: "write")
      }
      offset += written
    }
  }

  // MARK: - Reading

  /// Reads every well-formed row of the CSV file at `path`.
  ///
  /// Columns are found by header name, so their order may differ. Broken rows are skipped, each
  /// with a warning naming the file and line: a wrong number of fields, a value that does not
  /// fit its column, an unterminated quote, or a last row without its line end (a run killed
  /// mid-write by something other than our writer). Blank lines and repeated header lines are
  /// skipped silently.
  ///
  /// Throws only when the file cannot be read.
  public static func read(path: String = defaultPath) throws(ResultsCSVError)
    -> (rows: [ResultRow], warnings: [String])
  {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ResultsCSVError(path: path, message: "cannot be read: \(error.localizedDescription)")
    }
    let records = CSVRecord.parse(String(decoding: data, as: UTF8.self))
    guard let header = records.first else { return ([], []) }

    var warnings: [String] = []
    let missing = ResultRow.columns.filter { !header.fields.contains($0) }
    guard missing.isEmpty else {
      let list = missing.joined(separator: ", ")
      return ([], ["\(path) line 1: the header lacks column(s) \(list); no rows read"])
    }
    var rows: [ResultRow] = []
    for record in records.dropFirst() {
      let place = "\(path) line \(record.line)"
      if record.fields == [""] || record.fields == header.fields { continue }
      if let problem = record.problem {
        warnings.append("\(place): \(problem); row ignored")
        continue
      }
      guard record.terminated else {
        warnings.append("\(place): the last row has no line end (cut short?); row ignored")
        continue
      }
      guard record.fields.count == header.fields.count else {
        warnings.append(
          "\(place): expected \(header.fields.count) fields, found \(record.fields.count); "
            + "row ignored")
        continue
      }
      let named = Dictionary(
        zip(header.fields, record.fields), uniquingKeysWith: { first, _ in first })
      do {
        rows.append(try ResultRow(named: named))
      } catch {
        warnings.append("\(place), column \(error.column): \(error.message); row ignored")
      }
    }
    return (rows, warnings)
  }
}

/// A failure to read or append to a results file.
public struct ResultsCSVError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
  /// The file concerned.
  public var path: String
  /// What went wrong.
  public var message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  init(path: String, errno code: Int32, doing operation: String) {
    self.init(path: path, message: "cannot \(operation): \(String(cString: strerror(code)))")
  }

  public var description: String { "\(path): \(message)" }
  public var errorDescription: String? { description }
}
