/// A link's bandwidth as `tc` writes it: `100mbit`, `1gbit`, `500kbit`, `2.5gbit` (bits per
/// second, decimal prefixes), and the token bucket (`tbf`) that enforces it on a veth.
public struct LinkRate: Sendable, Equatable, CustomStringConvertible {
  /// Bits per second.
  public let bitsPerSecond: UInt64

  public init(bitsPerSecond: UInt64) { self.bitsPerSecond = bitsPerSecond }

  /// Parses a rate: a number and `bit`, `kbit`, `mbit`, `gbit` or `tbit` (case-insensitive,
  /// `Mbit/s` too). `Mbps` is refused as ambiguous: `tc` reads it as megabytes per second,
  /// a classic source of 8× mistakes.
  public init(_ text: String, flag: String = "--bandwidth") throws(ClusterError) {
    var unit = Substring(text.lowercased())
    let number = unit.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    unit = unit.dropFirst(number.count)
    if unit.hasSuffix("/s") { unit = unit.dropLast(2) }
    if unit.hasSuffix("bps") {
      throw ClusterError(
        flag: flag,
        "'\(text)' is ambiguous (tc reads 'bps' as bytes per second); write bits per second such as "
          + "\(number)\(unit.dropLast(3))bit")
    }
    let multipliers: [Substring: Double] = ["bit": 1, "kbit": 1e3, "mbit": 1e6, "gbit": 1e9, "tbit": 1e12]
    guard let value = Double(number), let multiplier = multipliers[unit] else {
      throw ClusterError(
        flag: flag, "'\(text)' is not a bandwidth; write bits per second such as 100mbit, 1gbit or 500kbit")
    }
    let bits = value * multiplier
    guard bits >= 8_000, bits <= 400e9 else {
      throw ClusterError(flag: flag, "'\(text)' is out of range (8kbit to 400gbit)")
    }
    bitsPerSecond = UInt64(bits)
  }

  /// `100mbit`, `1gbit`, `1.5gbit`: the shortest exact form.
  public var description: String {
    for (unit, size) in [("gbit", 1e9), ("mbit", 1e6), ("kbit", 1e3)] where Double(bitsPerSecond) >= size {
      let value = Double(bitsPerSecond) / size
      let text = value == value.rounded() ? String(Int(value)) : String(value)
      return text + unit
    }
    return "\(bitsPerSecond)bit"
  }

  /// The `tc qdisc add ... root` arguments after the device that shape to this rate.
  ///
  /// The bucket holds 4 ms at full rate (at least 16 KiB, so one 64 KiB GSO packet is split
  /// rather than stalled) and the queue up to 50 ms of traffic: about what a switch port
  /// buffers, so TCP sees a real bottleneck instead of drops.
  public var tbfArguments: [String] {
    let bytesPerSecond = Double(bitsPerSecond) / 8
    let burst = max(16_384, Int(bytesPerSecond * 0.004))
    return ["tbf", "rate", "\(bitsPerSecond)bit", "burst", String(burst), "latency", "50ms"]
  }
}
