import Files
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// CSV files that runs append to: RFC 4180 quoting, `\n` line ends, a header line first, and
/// appends that a killed process cannot tear. Every results and telemetry file of the suite is
/// written through here.
public enum CSVFile {
  /// `field` as a cell: neutralised against spreadsheet formulas (a `'` before a cell starting
  /// with `=`, `+`, `-`, `@`, tab or carriage return that is not a number, see ``CSVCell``), then
  /// quoted per RFC 4180 when it holds a comma, a quote or a line break. The suite's readers
  /// give back `field` exactly.
  public static func quoted(_ field: String) -> String {
    let field = CSVCell.neutralised(field)
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// `fields` as one CSV line, without its line end.
  public static func line(_ fields: [String]) -> String {
    fields.map(quoted).joined(separator: ",")
  }

  /// Appends `lines` (without line ends) to the file at `path`, creating its folder and the file
  /// (with `header`) when needed; with no lines it only makes sure the file exists with its header.
  ///
  /// Each line is written with a single `write(2)` on a file opened with `O_APPEND`, so a killed
  /// run leaves whole rows; if the file's last line lacks its end (cut short by something else)
  /// the next row starts on a fresh line. A file that starts with another header is refused with
  /// `headerMismatch` as the message: appending would mix columns. The one exception is a file
  /// of an earlier version whose columns are the first of `header`'s (a version only adds
  /// columns at the end): it is rewritten whole with `header`, its rows given empty cells in the
  /// new columns, so upgrading the suite never makes a user move results aside.
  public static func append(lines: [String], header: String, to path: String, headerMismatch: String)
    throws(FileError)
  {
    if let problem = Folders.create(URL(fileURLWithPath: path).deletingLastPathComponent().path) {
      throw FileError(path: path, message: problem)
    }
    let descriptor = try openForAppending(path)
    defer { close(descriptor) }

    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw FileError(path: path, errno: errno, doing: "stat") }
    guard status.st_mode & S_IFMT == S_IFREG else {
      throw FileError(path: path, message: "is a \(FileKind(mode: status.st_mode).rawValue), not a regular file")
    }
    var prefix = ""
    if status.st_size == 0 {
      prefix = header + "\n"
    } else {
      let existing = try firstLine(descriptor, path: path, size: Int(status.st_size))
      guard existing == header else {
        // A file of an older version, whose columns this one only extends, is brought up to date.
        guard header.hasPrefix(existing + ","), try upgrade(path, from: existing, to: header) else {
          throw FileError(path: path, message: headerMismatch)
        }
        return try append(lines: lines, header: header, to: path, headerMismatch: headerMismatch)
      }
      var last: UInt8 = 0
      guard pread(descriptor, &last, 1, off_t(status.st_size - 1)) == 1 else {
        throw FileError(path: path, errno: errno, doing: "read")
      }
      if last != UInt8(ascii: "\n") { prefix = "\n" }
    }
    if lines.isEmpty && status.st_size == 0 {
      try writeAll(descriptor, prefix, path: path)  // a new file with no rows yet: its header alone
    }
    for line in lines {
      try writeAll(descriptor, prefix + line + "\n", path: path)
      prefix = ""
    }
  }

  /// Rewrites the file at `path`, whose header `old` names the first columns of `header`, with
  /// `header` and every row given empty cells for the new columns (atomically, through
  /// ``AtomicFile``). Returns `false`, changing nothing, when any row is malformed: a file that
  /// cannot be read back exactly is left for the user to look at.
  private static func upgrade(_ path: String, from old: String, to header: String) throws(FileError) -> Bool {
    let oldCount = CSVRecord.parse(old).first?.fields.count ?? 0
    let added = (CSVRecord.parse(header).first?.fields.count ?? 0) - oldCount
    let reader = try CSVRecordReader(path: path)
    _ = try reader.next()  // the old header
    var lines = [header]
    while let record = try reader.next() {
      if record.fields == [""] { continue }  // a blank line
      guard record.problem == nil, record.terminated, record.fields.count == oldCount else { return false }
      lines.append(line(record.fields + Array(repeating: "", count: added)))
    }
    try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: path)
    return true
  }

  /// Opens (creating) the file for appending without following a symbolic link at `path` itself
  /// (`O_NOFOLLOW`) and without blocking on a FIFO (`O_NONBLOCK`).
  ///
  /// Results are never written through a link: a link left in `results/` could point at any file
  /// the user can write, and appending there would corrupt it. A linked folder above the file is
  /// fine (results on another disk).
  private static func openForAppending(_ path: String) throws(FileError) -> Int32 {
    let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
    guard descriptor < 0 else { return descriptor }
    let code = errno
    if code == ELOOP {
      throw FileError(
        path: path, message: "is a symbolic link; results are never written through a link: name the file itself")
    }
    if code == EISDIR { throw FileError(path: path, message: "is a folder, not a CSV file") }
    throw FileError(path: path, errno: code, doing: "open")
  }

  /// The file's first line (without its end), read from the start of an open file.
  private static func firstLine(_ descriptor: Int32, path: String, size: Int) throws(FileError) -> String {
    var buffer = [UInt8](repeating: 0, count: min(size, 4096))
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count >= 0 else { throw FileError(path: path, errno: errno, doing: "read") }
    let bytes = buffer[..<count].prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Writes `text` with one `write(2)` (repeated only if the kernel writes less, which it does
  /// for regular files only when interrupted or out of space).
  ///
  /// A write that fails part way (the disk filled up) is undone: the file is cut back to its size
  /// before the row, so no torn row is left for a reader to trip on, unless another process has
  /// appended meanwhile (then its rows are kept and the reader skips the torn one with a warning).
  private static func writeAll(_ descriptor: Int32, _ text: String, path: String) throws(FileError) {
    let bytes = Array(text.utf8)
    var before = stat()
    guard fstat(descriptor, &before) == 0 else { throw FileError(path: path, errno: errno, doing: "stat") }
    let (written, code) = bytes.withUnsafeBytes { DescriptorWrite.all(descriptor, $0) }
    guard code != 0 else { return }
    var after = stat()
    let undone =
      written == 0
      || (fstat(descriptor, &after) == 0 && after.st_size == before.st_size + off_t(written)
        && ftruncate(descriptor, before.st_size) == 0)
    throw FileError(path: path, errno: code, doing: undone ? "write a row (nothing of it was kept)" : "write a row")
  }
}
