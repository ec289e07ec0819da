/// One interface's counters since it appeared, from `/proc/net/dev`.
///
/// prometheus/procfs: `net_dev.go`; node exporter: `node_network_receive_bytes_total`,
/// `node_network_transmit_packets_total`.
public struct NetDevLine: Sendable, Equatable {
  /// The interface's name, such as `eth0`.
  public var interface: String
  public var receiveBytes: UInt64
  public var receivePackets: UInt64
  public var transmitBytes: UInt64
  public var transmitPackets: UInt64

  public init(
    interface: String, receiveBytes: UInt64, receivePackets: UInt64, transmitBytes: UInt64, transmitPackets: UInt64
  ) {
    self.interface = interface
    (self.receiveBytes, self.receivePackets) = (receiveBytes, receivePackets)
    (self.transmitBytes, self.transmitPackets) = (transmitBytes, transmitPackets)
  }

  /// What each counter of `interface` grew by from `earlier` to `later` (see ``counterDelta(from:to:)``).
  public static func delta(from earlier: NetDevLine, to later: NetDevLine) -> NetDevLine {
    NetDevLine(
      interface: later.interface,
      receiveBytes: counterDelta(from: earlier.receiveBytes, to: later.receiveBytes),
      receivePackets: counterDelta(from: earlier.receivePackets, to: later.receivePackets),
      transmitBytes: counterDelta(from: earlier.transmitBytes, to: later.transmitBytes),
      transmitPackets: counterDelta(from: earlier.transmitPackets, to: later.transmitPackets))
  }

  /// How much a kernel counter grew from `earlier` to `later`.
  ///
  /// A counter that went down either wrapped or was reset (the interface was re-created or its
  /// driver reloaded). It is taken as wrapped at 2^64 when that makes the increase less than
  /// 2^63, i.e. when the counter had already been in the upper half of its range; otherwise
  /// it is a reset and the increase is `later`, the count since the reset. A 64-bit counter
  /// reaching 2^63 takes centuries at 100 Gbit/s, so in practice a drop is a reset; the rule never
  /// reports more than the counters can account for. On 32-bit kernels, whose counters wrap at
  /// 2^32, a wrap is taken as a reset too and undercounts by at most 2^32 − `earlier`.
  public static func counterDelta(from earlier: UInt64, to later: UInt64) -> UInt64 {
    if later >= earlier { return later - earlier }
    let wrapped = later &- earlier
    return wrapped < 1 << 63 ? wrapped : later
  }
}

/// Every interface of `/proc/net/dev`, in the kernel's order.
public struct NetDev: Sendable, Equatable {
  public var interfaces: [NetDevLine]

  public init(interfaces: [NetDevLine]) {
    self.interfaces = interfaces
  }

  /// Parses the text of `/proc/net/dev`; `path` names the file in errors.
  ///
  /// After two header lines each line is `name: ` then 8 receive and 8 transmit columns.
  public init(parsing text: String, path: String = "/proc/net/dev") throws(TelemetryError) {
    interfaces = []
    for line in KernelFiles.lines(text).dropFirst(2) {
      guard let colon = line.lastIndex(of: ":") else { throw .malformed(path: path, text: String(line)) }
      let name = line[..<colon].trimmingCharacters(in: .whitespaces)
      let values = KernelFiles.fields(line[line.index(after: colon)...]).map { UInt64($0) }
      guard !name.isEmpty, values.count == 16, !values.contains(nil) else {
        throw .malformed(path: path, text: String(line))
      }
      interfaces.append(
        NetDevLine(
          interface: name, receiveBytes: values[0]!, receivePackets: values[1]!,
          transmitBytes: values[8]!, transmitPackets: values[9]!))
    }
  }

  /// The interface named `name`, if present.
  public subscript(interface name: String) -> NetDevLine? {
    interfaces.first { $0.interface == name }
  }

  /// Per-interface growth from `earlier` to `later`, for the interfaces present in both, in
  /// `later`'s order. An interface that appeared or vanished in between is left out.
  public static func delta(from earlier: NetDev, to later: NetDev) -> NetDev {
    NetDev(
      interfaces: later.interfaces.compactMap { line in
        earlier[interface: line.interface].map { NetDevLine.delta(from: $0, to: line) }
      })
  }
}

extension ProcFS {
  /// `net/dev`, or `nil` when the file is missing.
  public func netDev() throws(TelemetryError) -> NetDev? {
    let file = path("net/dev")
    guard let text = try KernelFiles.contents(file, limit: KernelFiles.procLimit) else { return nil }
    return try NetDev(parsing: text, path: file)
  }
}
