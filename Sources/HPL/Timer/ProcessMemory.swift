import Foundation

/// This process's resident memory, from /proc/self/status (Linux).
public enum ProcessMemory {
  /// Peak resident set size (VmHWM) in bytes, or nil where /proc is unavailable.
  public static func peakResidentBytes() -> Int? { statusField("VmHWM:") }

  /// Current resident set size (VmRSS) in bytes.
  public static func residentBytes() -> Int? { statusField("VmRSS:") }

  private static func statusField(_ key: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(key) {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard fields.count >= 2, let kibibytes = Int(fields[1]) else { return nil }
      return kibibytes * 1024
    }
    return nil
  }
}
