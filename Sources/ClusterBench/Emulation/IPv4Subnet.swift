/// An IPv4 network such as `10.213.0.0/24`: the private subnet an emulated cluster's bridge and
/// nodes live on.
public struct IPv4Subnet: Sendable, Equatable, CustomStringConvertible {
  /// The network address, host bits zero.
  public let network: UInt32
  /// The prefix length, 8 to 30.
  public let prefixLength: Int

  /// Parses `a.b.c.d/p`. The address must be the network's own (host bits zero) and inside a
  /// private range (10/8, 172.16/12, 192.168/16), since the cluster's addresses must never
  /// shadow real ones; `flag` names the option in errors.
  public init(_ text: String, flag: String = "--subnet") throws(ClusterError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let address = Self.parseAddress(String(parts[0])), let prefix = Int(parts[1]) else {
      throw ClusterError(flag: flag, "'\(text)' is not an IPv4 subnet; write it as address/prefix, e.g. 10.213.0.0/24")
    }
    guard (8...30).contains(prefix) else {
      throw ClusterError(flag: flag, "'\(text)': the prefix length must be 8 to 30")
    }
    let mask = Self.mask(prefix)
    guard address & ~mask == 0 else {
      throw ClusterError(
        flag: flag,
        "'\(text)' has host bits set; the network is \(Self.format(address & mask))/\(prefix)")
    }
    self.init(network: address, prefixLength: prefix)
    guard isPrivate else {
      throw ClusterError(
        flag: flag, "'\(text)' is not a private range; use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16")
    }
  }

  init(network: UInt32, prefixLength: Int) {
    (self.network, self.prefixLength) = (network, prefixLength)
  }

  public var description: String { "\(Self.format(network))/\(prefixLength)" }

  /// How many addresses a host can take (without the network and broadcast addresses).
  public var usableAddresses: Int { (1 << (32 - prefixLength)) - 2 }

  /// The `index`-th usable address (1 is the first after the network address), dotted.
  public func address(_ index: Int) -> String { Self.format(network + UInt32(index)) }

  /// Whether the two networks share any address.
  public func overlaps(_ other: IPv4Subnet) -> Bool {
    let shorter = min(prefixLength, other.prefixLength)
    let mask = Self.mask(shorter)
    return network & mask == other.network & mask
  }

  var isPrivate: Bool {
    let ranges = [(0x0A00_0000, 8), (0xAC10_0000, 12), (0xC0A8_0000, 16)]
    return ranges.contains { base, length in
      prefixLength >= length && network & Self.mask(length) == UInt32(base)
    }
  }

  /// The network of `address/prefix` (host bits cleared), or `nil` if the text is not one.
  static func containing(_ text: String) -> IPv4Subnet? {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let address = parseAddress(String(parts[0])), let prefix = Int(parts[1]),
      (0...32).contains(prefix)
    else { return nil }
    return IPv4Subnet(network: address & mask(prefix), prefixLength: prefix)
  }

  static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }

  static func parseAddress(_ text: String) -> UInt32? {
    let octets = text.split(separator: ".", omittingEmptySubsequences: false)
    guard octets.count == 4 else { return nil }
    var value: UInt32 = 0
    for octet in octets {
      guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), let byte = UInt8(octet) else { return nil }
      value = value << 8 | UInt32(byte)
    }
    return value
  }

  static func format(_ address: UInt32) -> String {
    [24, 16, 8, 0].map { String(address >> UInt32($0) & 0xFF) }.joined(separator: ".")
  }
}
