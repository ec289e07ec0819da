import Foundation

/// Byte counts as people type them (`4GiB`, `512MiB`, `4G`, `4GB`, `4294967296`) and as
/// `hplswift dat` prints them.
///
/// Units, case-insensitive, with or without a space after the number:
/// - binary: `KiB`, `MiB`, `GiB`, `TiB` (also `Ki` … `Ti`) are powers of 1024;
/// - decimal: `kB`, `MB`, `GB`, `TB` are powers of 1000, as SI and disk vendors use them;
/// - bare `K`, `M`, `G`, `T` are binary, as in GNU coreutils (`dd bs=1G`, `sort -S`) and
///   `free -g`: 4G = 4 GiB;
/// - no unit or `B`: bytes.
///
/// Fractions are allowed (`1.5GiB`) and rounded down to whole bytes.
public enum ByteSize {
  /// Parses `text` as a byte count; errors name `flag`.
  public static func parse(_ text: String, flag: String) throws(ByteSizeError) -> Int {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
    guard let value = Double(number), let multiplier = multiplier(of: unit) else {
      throw ByteSizeError(
        flag: flag,
        message: "'\(text)' is not a byte size; write bytes or a number with a unit: "
          + "KiB MiB GiB TiB (binary), kB MB GB TB (decimal), or K M G T (binary, as GNU dd)")
    }
    let bytes = value * multiplier
    guard bytes < 9.0e18 else {
      throw ByteSizeError(flag: flag, message: "'\(text)' is too large")
    }
    return Int(bytes)
  }

  private static func multiplier(of unit: String) -> Double? {
    switch unit.lowercased() {
    case "", "b": 1
    case "k", "ki", "kib": 1024
    case "m", "mi", "mib": 1_048_576
    case "g", "gi", "gib": 1_073_741_824
    case "t", "ti", "tib": 1_099_511_627_776
    case "kb": 1e3
    case "mb": 1e6
    case "gb": 1e9
    case "tb": 1e12
    default: nil
    }
  }

  /// `bytes` in GiB or MiB with two decimals, e.g. `70.32 GiB`, `545.50 MiB`.
  public static func describe(_ bytes: Double) -> String {
    let gibibyte = 1_073_741_824.0
    if bytes >= gibibyte { return String(format: "%.2f GiB", bytes / gibibyte) }
    return String(format: "%.2f MiB", bytes / 1_048_576)
  }

  /// `bytes` in GiB or MiB with two decimals.
  public static func describe(_ bytes: Int) -> String { describe(Double(bytes)) }

  /// ``describe(_:)-(Int)`` with the exact count, for messages about a limit: `37.25 GiB
  /// (40001600000 bytes)`; `Int.max` stands for a size that overflowed.
  public static func describeExactly(_ bytes: Int) -> String {
    bytes == Int.max ? "more than \(Int.max) bytes" : "\(describe(bytes)) (\(bytes) bytes)"
  }
}

/// A byte count that ``ByteSize/parse(_:flag:)`` cannot read, named by its flag or key.
///
/// The description reads `--memory-per-node: '4XB' is not a byte size; ...`.
public struct ByteSizeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The flag or key whose value is wrong (`--memory-per-node`, `memory_per_node`).
  public var flag: String
  /// What is wrong.
  public var message: String

  public init(flag: String, message: String) {
    self.flag = flag
    self.message = message
  }

  public var description: String { "\(flag): \(message)" }
}
