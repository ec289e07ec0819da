import CSVFiles
import Files
import Foundation

/// An emulated cluster as `cluster up` recorded it in `state.json`: what it is (nodes,
/// addresses, limits, links) and every system object made for it, in the order they were made,
/// so `cluster down` removes exactly those, in reverse, even after an `up` that failed or was
/// killed midway.
public struct ClusterState: Codable, Sendable, Equatable {
  /// One node.
  public struct Node: Codable, Sendable, Equatable {
    /// Host name and network namespace (`emu-1`).
    public var name: String
    public var address: String
    /// This machine's end of the node's veth pair.
    public var hostVeth: String
    public var cpuShare: Double
    /// CPU time per 100 ms period, in microseconds.
    public var cpuQuotaMicroseconds: Int
    public var memoryLimitBytes: UInt64
    /// The kernel boot id this node's processes see (UCX takes "same boot id" for "same
    /// machine" and would use shared memory between nodes otherwise).
    public var bootID: String
  }

  /// A system object made for the cluster.
  public struct Resource: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
      /// A network namespace (`ip netns`); deleting it deletes the veth pair inside it.
      case namespace
      /// An interface in this machine's namespace (the bridge, a veth end).
      case link
      /// A cgroup folder (absolute path).
      case cgroup
    }

    public var kind: Kind
    public var name: String

    public init(_ kind: Kind, _ name: String) { (self.kind, self.name) = (kind, name) }

    public var description: String {
      switch kind {
      case .namespace: "network namespace \(name)"
      case .link: "interface \(name)"
      case .cgroup: "cgroup \(name)"
      }
    }
  }

  /// Bumped when the format changes incompatibly.
  public var formatVersion = 1
  public var name: String
  /// When `up` started (ISO 8601, UTC).
  public var created: String
  /// Whether `up` finished; `false` while it runs and after a crash.
  public var complete: Bool
  public var subnet: String
  public var bridge: String
  public var bridgeAddress: String
  public var coresPerNode: Int
  public var memoryPerNodeBytes: UInt64
  public var bandwidthBitsPerSecond: UInt64?
  public var delay: String?
  public var cgroupVersion: CgroupLayout.Version
  public var cgroupRoots: [String]
  /// The `clusterbench` executable the launcher wrapper runs.
  public var executable: String
  public var nodes: [Node]
  /// What was made, in order.
  public var resources: [Resource]

  /// The subnet's prefix length.
  public var prefixLength: Int { Int(subnet.split(separator: "/").last ?? "") ?? 24 }

  /// The cgroup layout recorded at `up`.
  var cgroups: CgroupLayout { CgroupLayout(version: cgroupVersion, roots: cgroupRoots) }

  /// The bandwidth, for display (`100mbit`, or `unshaped`).
  public var bandwidthDescription: String {
    bandwidthBitsPerSecond.map { LinkRate(bitsPerSecond: $0).description } ?? "unshaped"
  }
}

/// Where emulated clusters keep their files: `/run/clusterbench/clusters/NAME/` holds
/// `state.json`, `hostfile`, the `launcher` wrapper, the nodes' `hosts` file and `boot-id/NODE`.
/// Under /run, so a reboot (which removes every namespace and interface) removes them too.
public struct ClusterFolders: Sendable, Equatable {
  /// The folder holding one folder per cluster.
  public var root: String

  public init(root: String = "/run/clusterbench/clusters") { self.root = root }

  public func folder(_ name: String) -> String { "\(root)/\(name)" }
  public func stateFile(_ name: String) -> String { folder(name) + "/state.json" }
  public func hostfile(_ name: String) -> String { folder(name) + "/hostfile" }
  public func launcher(_ name: String) -> String { folder(name) + "/launcher" }
  public func hostsFile(_ name: String) -> String { folder(name) + "/hosts" }
  public func bootIDFile(_ name: String, node: String) -> String { folder(name) + "/boot-id/\(node)" }
  /// The lock every `up` and `down` holds, so two of them never interleave.
  public var lockFile: String { (root as NSString).deletingLastPathComponent + "/clusters.lock" }

  /// Waits for ``lockFile`` (another `up` or `down` may hold it) and returns it held.
  func lock() throws(ClusterError) -> FileLock {
    do { return try FileLock(path: lockFile, wait: true) } catch { throw ClusterError(error.description) }
  }

  /// The names of the clusters with a folder here, sorted.
  public func names() -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return entries.filter(ClusterNaming.isValidName).sorted()
  }

  /// Reads `NAME/state.json`.
  public func load(_ name: String) throws(ClusterError) -> ClusterState {
    let path = stateFile(name)
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ClusterError(
        "no emulated cluster named '\(name)' (no \(path)); `clusterbench cluster status` lists the clusters")
    }
    do {
      return try JSONDecoder().decode(ClusterState.self, from: data)
    } catch {
      throw ClusterError("\(path) is damaged (\(error)); `clusterbench cluster down \(name)` removes what it can")
    }
  }

  /// Writes `NAME/state.json` atomically (a reader sees the old or the new file, never half).
  func save(_ state: ClusterState) throws(ClusterError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data: Data
    do { data = try encoder.encode(state) } catch {
      throw ClusterError("cannot write \(stateFile(state.name)): \(ClusterError.reason(error))")
    }
    do { try AtomicFile.write(data, to: stateFile(state.name)) } catch { throw ClusterError(error.description) }
  }
}
