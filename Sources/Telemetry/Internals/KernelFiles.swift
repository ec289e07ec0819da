import CSVFiles
import Files
import Foundation

/// Reading small kernel files: a missing file is `nil`, any other failure is a ``TelemetryError``.
///
/// Every read goes through ``BoundedFile``: opened without blocking, regular files only, at most
/// a limit of bytes. So a FIFO, a device or a 1 GiB file planted in a sensor folder (or in a
/// fixture tree given by `CLUSTERBENCH_SYSFS_ROOT`) is refused at once instead of hanging the
/// sampler or filling its memory. procfs files report a size of 0 and sysfs files 4096 whatever
/// they hold, so the file is read until end of file rather than by its size.
enum KernelFiles {
  /// The most a procfs file the sampler reads may hold. `/proc/stat` grows with the CPUs (a line
  /// each) and the interrupts (its `intr` line has a counter per interrupt: tens of KiB on a large
  /// server), `/proc/net/dev` with the interfaces (about 130 bytes each, thousands on a container
  /// host); `meminfo`, `loadavg` and `<pid>/status` hold a few KiB. 1 MiB is ten times the largest
  /// seen and still a bounded, brief allocation.
  static let procLimit = 1 << 20
  /// The most a sysfs attribute may hold: the kernel gives each attribute's `show` one page, 4 KiB
  /// on x86-64 and at most 64 KiB (arm64 and ppc64 with 64 KiB pages), so a larger file is not
  /// a sysfs value.
  static let sysLimit = 64 << 10

  static func root(_ value: String?, default fallback: String) -> String {
    guard let value, !value.isEmpty else { return fallback }
    return value
  }

  static func join(_ root: String, _ relative: String) -> String {
    root.hasSuffix("/") ? root + relative : root + "/" + relative
  }

  /// The whole file, at most `limit` bytes, or `nil` when it (or a folder above it) does not exist.
  static func contents(_ path: String, limit: Int) throws(TelemetryError) -> String? {
    do {
      return try BoundedFile.text(path, limit: limit)
    } catch {
      switch error {
      case .missing: return nil
      case .unreadable(_, let code): throw .unreadable(path: path, errno: code)
      case .notRegular, .tooLarge: throw .refused(error)
      }
    }
  }

  /// The file's single value with surrounding white space removed, or `nil` when it is missing.
  static func readValue(_ path: String) throws(TelemetryError) -> String? {
    try contents(path, limit: sysLimit).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
  }

  /// The file's value as an integer, or `nil` when the file is missing.
  static func readInteger(_ path: String) throws(TelemetryError) -> Int? {
    guard let text = try readValue(path) else { return nil }
    guard let value = Int(text) else { throw .malformed(path: path, text: text) }
    return value
  }

  /// The names in a folder, sorted so that `cpu2` comes before `cpu10`; empty when it is missing.
  static func entries(_ path: String, prefix: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.filter { $0.hasPrefix(prefix) }.sorted { naturalOrder($0, $1) }
  }

  /// The number after `prefix` in names such as `thermal_zone3` or `cpu11`.
  static func index(of name: String, prefix: String) -> Int? {
    guard name.hasPrefix(prefix) else { return nil }
    let digits = name.dropFirst(prefix.count)
    guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
    return Int(digits)
  }

  static func naturalOrder(_ a: String, _ b: String) -> Bool {
    a.compare(b, options: .numeric) == .orderedAscending
  }

  /// Whitespace-separated fields of a line.
  static func fields(_ line: Substring) -> [Substring] {
    line.split(whereSeparator: { $0 == " " || $0 == "\t" })
  }

  /// The lines of a file, without empty ones.
  static func lines(_ text: String) -> [Substring] {
    text.split(separator: "\n")
  }
}
