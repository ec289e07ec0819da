import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading small kernel files: a missing file is `nil`, any other failure is a ``TelemetryError``.
///
/// procfs files report a size of 0 and sysfs files 4096 whatever they hold, so the file is read
/// until end of file rather than by its size.
enum KernelFiles {
  static func root(_ value: String?, default fallback: String) -> String {
    guard let value, !value.isEmpty else { return fallback }
    return value
  }

  static func join(_ root: String, _ relative: String) -> String {
    root.hasSuffix("/") ? root + relative : root + "/" + relative
  }

  /// The whole file, or `nil` when it (or a folder above it) does not exist.
  static func contents(_ path: String) throws(TelemetryError) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    if descriptor < 0 {
      let error = errno
      if error == ENOENT || error == ENOTDIR { return nil }
      throw .unreadable(path: path, errno: error)
    }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { break }
      if count < 0 {
        let error = errno
        if error == EINTR { continue }
        throw .unreadable(path: path, errno: error)
      }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The file's single value with surrounding white space removed, or `nil` when it is missing.
  static func readValue(_ path: String) throws(TelemetryError) -> String? {
    try contents(path).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
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
