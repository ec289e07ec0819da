import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where this machine's cgroup controllers for CPU time and memory are, and how to limit a
/// node with them: cgroup v1 (a `cpu` and a `memory` hierarchy, as on the development VM) or
/// the unified v2 hierarchy.
///
/// A node gets a CFS quota of `cores × share` CPUs per 100 ms period and a hard memory limit;
/// its processes join by writing their pid to `cgroup.procs` (children inherit the cgroup).
public struct CgroupLayout: Sendable, Equatable {
  /// The cgroup version in use.
  public enum Version: Int, Sendable, Codable {
    case v1 = 1
    case v2 = 2
  }

  public var version: Version
  /// The hierarchy roots: `[cpu, memory]` for v1, `[unified]` for v2.
  public var roots: [String]

  /// The CFS period every node uses, in microseconds.
  public static let periodMicroseconds = 100_000

  /// Finds the controllers under `mountPoint`; `nil` when neither layout offers both CPU and
  /// memory control.
  public static func detect(mountPoint: String = "/sys/fs/cgroup") -> CgroupLayout? {
    let files = FileManager.default
    let cpu = mountPoint + "/cpu"
    let memory = mountPoint + "/memory"
    if files.fileExists(atPath: cpu + "/cpu.cfs_quota_us"), files.fileExists(atPath: memory + "/memory.limit_in_bytes")
    {
      return CgroupLayout(version: .v1, roots: [cpu, memory])
    }
    if let controllers = try? String(contentsOfFile: mountPoint + "/cgroup.controllers", encoding: .utf8) {
      let names = controllers.split(whereSeparator: \.isWhitespace)
      if names.contains("cpu"), names.contains("memory") {
        return CgroupLayout(version: .v2, roots: [mountPoint])
      }
    }
    return nil
  }

  /// The folders (one per hierarchy) of `relative`, e.g. `clusterbench/emu/emu-1`.
  public func folders(_ relative: String) -> [String] { roots.map { "\($0)/\(relative)" } }

  /// The CFS quota in microseconds per period for `cores × share` CPUs (at least 1 ms, the
  /// kernel's minimum).
  public static func quotaMicroseconds(cores: Int, share: Double) -> Int {
    max(1000, Int((Double(cores) * share * Double(periodMicroseconds)).rounded()))
  }

  /// Makes the shared parent folders (`clusterbench` in each hierarchy) and, on v2, enables the
  /// cpu and memory controllers for the children of `parents` (in order, outermost first).
  func prepareParents(_ parents: [String]) throws(ClusterError) {
    guard version == .v2 else { return }
    for parent in [""] + parents {
      let folder = roots[0] + (parent.isEmpty ? "" : "/\(parent)")
      try write("+cpu +memory", to: folder + "/cgroup.subtree_control")
    }
  }

  /// Sets the CPU quota and the memory limit of the cgroup `relative` (already made).
  func limit(_ relative: String, quotaMicroseconds: Int, memoryBytes: UInt64) throws(ClusterError) {
    switch version {
    case .v1:
      try write(String(Self.periodMicroseconds), to: "\(roots[0])/\(relative)/cpu.cfs_period_us")
      try write(String(quotaMicroseconds), to: "\(roots[0])/\(relative)/cpu.cfs_quota_us")
      try write(String(memoryBytes), to: "\(roots[1])/\(relative)/memory.limit_in_bytes")
    case .v2:
      try write("\(quotaMicroseconds) \(Self.periodMicroseconds)", to: "\(roots[0])/\(relative)/cpu.max")
      try write(String(memoryBytes), to: "\(roots[0])/\(relative)/memory.max")
    }
  }

  /// Moves process `pid` into the cgroup `relative` in every hierarchy.
  func join(_ relative: String, pid: Int32) throws(ClusterError) {
    for folder in folders(relative) {
      try write(String(pid), to: folder + "/cgroup.procs")
    }
  }

  /// The processes in the cgroup `relative`, from every hierarchy.
  func processes(_ relative: String) -> [Int32] {
    let all = folders(relative).flatMap { folder in
      ((try? String(contentsOfFile: folder + "/cgroup.procs", encoding: .utf8)) ?? "")
        .split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
    }
    return Array(Set(all)).sorted()
  }

  /// Writes `text` to a kernel file with one `write(2)`, as cgroupfs expects, so the error is
  /// the kernel's own (EINVAL, EBUSY), not a file library's.
  func write(_ text: String, to path: String) throws(ClusterError) {
    let descriptor = open(path, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw ClusterError("cannot open \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    guard written == bytes.count else {
      throw ClusterError("cannot write '\(text)' to \(path): \(String(cString: strerror(errno)))")
    }
  }
}
