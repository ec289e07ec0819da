import Foundation

/// The memory figures of `/proc/meminfo` that size an HPL run.
///
/// `MemTotal` is the usable RAM; `MemAvailable` is the kernel's estimate of what can be allocated
/// without swapping (page cache that can be dropped included). Kernels before 3.14 lack
/// `MemAvailable`; then `MemFree + Buffers + Cached` stands in for it.
public struct MemInfo: Sendable, Equatable {
  /// `MemTotal`, bytes.
  public var memTotalBytes: Int
  /// `MemAvailable`, bytes.
  public var memAvailableBytes: Int

  public init(memTotalBytes: Int, memAvailableBytes: Int) {
    self.memTotalBytes = memTotalBytes
    self.memAvailableBytes = memAvailableBytes
  }

  /// Reads `<procRoot>/meminfo`.
  ///
  /// - Parameter procRoot: where procfs is mounted; tests point it at a fixture tree.
  public static func read(procRoot: String = "/proc") throws(DatSizerError) -> MemInfo {
    let path = procRoot + "/meminfo"
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw DatSizerError(flag: nil, message: "cannot read \(path): \(error.localizedDescription)")
    }
    guard let info = parse(text) else {
      throw DatSizerError(flag: nil, message: "\(path) has no MemTotal line")
    }
    return info
  }

  /// Parses the text of `/proc/meminfo` (values in kB, which the kernel means as KiB).
  public static func parse(_ text: String) -> MemInfo? {
    var kibibytes: [Substring: Int] = [:]
    for line in text.split(separator: "\n") {
      let words = line.split(whereSeparator: { $0 == ":" || $0.isWhitespace })
      if words.count >= 2, let value = Int(words[1]) { kibibytes[words[0]] = value }
    }
    guard let total = kibibytes["MemTotal"] else { return nil }
    let available =
      kibibytes["MemAvailable"]
      ?? (kibibytes["MemFree", default: 0] + kibibytes["Buffers", default: 0]
        + kibibytes["Cached", default: 0])
    return MemInfo(memTotalBytes: total * 1024, memAvailableBytes: available * 1024)
  }
}
