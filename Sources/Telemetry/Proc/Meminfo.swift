/// System memory, `/proc/meminfo`.
///
/// prometheus/procfs: `meminfo.go`; node exporter: `node_memory_MemTotal_bytes`, `node_memory_MemAvailable_bytes`.
public struct Meminfo: Sendable, Equatable {
  /// Every field the kernel gives in kB, converted to bytes (kB × 1024), keyed by its name
  /// (`MemTotal`, `Cached`, `HugePages_Total` has no unit and is not here).
  public var fieldsBytes: [String: UInt64]

  /// `MemTotal`, which every kernel gives.
  public var memTotalBytes: UInt64 { fieldsBytes["MemTotal", default: 0] }
  public var memFreeBytes: UInt64? { fieldsBytes["MemFree"] }
  /// `MemAvailable` (Linux 3.14 and later): what can be allocated without swapping.
  public var memAvailableBytes: UInt64? { fieldsBytes["MemAvailable"] }
  public var buffersBytes: UInt64? { fieldsBytes["Buffers"] }
  public var cachedBytes: UInt64? { fieldsBytes["Cached"] }
  public var swapTotalBytes: UInt64? { fieldsBytes["SwapTotal"] }
  public var swapFreeBytes: UInt64? { fieldsBytes["SwapFree"] }

  /// `MemTotal − MemAvailable`, as `free` computes "used"; on kernels without `MemAvailable`,
  /// `MemTotal − MemFree − Buffers − Cached`.
  public var usedBytes: UInt64 {
    let available =
      memAvailableBytes ?? ((memFreeBytes ?? 0) + (buffersBytes ?? 0) + (cachedBytes ?? 0))
    return memTotalBytes > available ? memTotalBytes - available : 0
  }

  /// ``usedBytes`` as a percentage of `MemTotal` (0 when `MemTotal` is 0).
  public var usedPercent: Double {
    memTotalBytes == 0 ? 0 : Double(usedBytes) / Double(memTotalBytes) * 100
  }

  /// `SwapTotal − SwapFree`, or `nil` when the kernel gives neither.
  public var swapUsedBytes: UInt64? {
    guard let total = swapTotalBytes, let free = swapFreeBytes else { return nil }
    return total > free ? total - free : 0
  }

  /// Parses the text of `/proc/meminfo`; `path` names the file in errors.
  public init(parsing text: String, path: String = "/proc/meminfo") throws(TelemetryError) {
    var fields: [String: UInt64] = [:]
    for line in KernelFiles.lines(text) {
      let parts = KernelFiles.fields(line)
      guard parts.count >= 2, parts[0].hasSuffix(":"), let value = UInt64(parts[1]) else {
        throw .malformed(path: path, text: String(line))
      }
      guard parts.count == 3 else { continue }
      guard parts[2] == "kB" else { throw .malformed(path: path, text: String(line)) }
      let (bytes, overflow) = value.multipliedReportingOverflow(by: 1024)
      if overflow { throw .malformed(path: path, text: String(line)) }
      fields[String(parts[0].dropLast())] = bytes
    }
    guard fields["MemTotal"] != nil else { throw .malformed(path: path, text: "no MemTotal line") }
    fieldsBytes = fields
  }
}

extension ProcFS {
  /// `meminfo`, or `nil` when the file is missing.
  public func meminfo() throws(TelemetryError) -> Meminfo? {
    let file = path("meminfo")
    guard let text = try KernelFiles.contents(file, limit: KernelFiles.procLimit) else { return nil }
    return try Meminfo(parsing: text, path: file)
  }
}
