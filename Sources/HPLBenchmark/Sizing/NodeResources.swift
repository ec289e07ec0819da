import Files
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What one node offers an HPL run: its memory and its cores.
///
/// `hplswift dat --from-cluster` gathers one per node (over MPI, elsewhere) and sizes the
/// problem with ``DatSizer/plan(nodes:fraction:nb:)``.
public struct NodeResources: Sendable, Equatable, Codable {
  /// The node's host name.
  public var host: String
  /// `MemTotal`, bytes.
  public var memTotalBytes: Int
  /// `MemAvailable`, bytes.
  public var memAvailableBytes: Int
  /// Online cores: the ranks the node will run, one per core.
  public var cores: Int

  public init(host: String, memTotalBytes: Int, memAvailableBytes: Int, cores: Int) {
    self.host = host
    self.memTotalBytes = memTotalBytes
    self.memAvailableBytes = memAvailableBytes
    self.cores = cores
  }

  /// The resources of the node this process runs on.
  ///
  /// - Parameters:
  ///   - host: the name to record; by default `gethostname`.
  ///   - procRoot: where procfs is mounted; tests point it at a fixture tree.
  public static func local(host: String? = nil, procRoot: String = "/proc")
    throws(DatSizerError) -> NodeResources
  {
    let memory = try MemInfo.read(procRoot: procRoot)
    return NodeResources(
      host: host ?? hostName(), memTotalBytes: memory.memTotalBytes,
      memAvailableBytes: memory.memAvailableBytes, cores: coreCount(procRoot: procRoot))
  }

  /// The number of online cores: the `processor` entries of `<procRoot>/cpuinfo`, or, when that
  /// file is unreadable, the count the C library reports (`sysconf(_SC_NPROCESSORS_ONLN)`).
  public static func coreCount(procRoot: String = "/proc") -> Int {
    // 16 MiB holds the cpuinfo of thousands of CPUs; procfs reports no size, so read to the end.
    if let text = try? BoundedFile.text(procRoot + "/cpuinfo", limit: 16 << 20) {
      let count = text.split(separator: "\n").filter {
        $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) == "processor"
      }.count
      if count > 0 { return count }
    }
    return ProcessInfo.processInfo.activeProcessorCount
  }

  private static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
  }
}
