import Telemetry

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

  /// The two figures of a parsed `/proc/meminfo`.
  public init(_ meminfo: Meminfo) {
    let fallback =
      (meminfo.memFreeBytes ?? 0) + (meminfo.buffersBytes ?? 0) + (meminfo.cachedBytes ?? 0)
    self.init(
      memTotalBytes: Int(meminfo.memTotalBytes),
      memAvailableBytes: Int(meminfo.memAvailableBytes ?? fallback))
  }

  /// Reads `<procRoot>/meminfo` through the telemetry library's reader.
  ///
  /// - Parameter procRoot: where procfs is mounted; tests point it at a fixture tree.
  public static func read(procRoot: String = "/proc") throws(DatSizerError) -> MemInfo {
    let meminfo: Meminfo?
    do {
      meminfo = try ProcFS(root: procRoot).meminfo()
    } catch {
      throw DatSizerError(flag: nil, message: "\(error)")
    }
    guard let meminfo else { throw DatSizerError(flag: nil, message: "cannot read \(procRoot)/meminfo") }
    return MemInfo(meminfo)
  }

  /// Parses the text of `/proc/meminfo` (values in kB, which the kernel means as KiB).
  public static func parse(_ text: String) -> MemInfo? {
    (try? Meminfo(parsing: text)).map(MemInfo.init)
  }
}
