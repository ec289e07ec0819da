/// The names an emulated cluster gives to what it creates, all derived from the cluster's name.
///
/// Names are checked against `[a-z0-9-]` before anything uses them, so nothing a user types
/// reaches a command unvalidated, and the derived interface names fit Linux's 15 characters.
/// Node `i` (1-based) of cluster `emu` is host and network namespace `emu-i`, with the veth
/// `cbemu-i` in this machine's namespace; the bridge is `cbemu-br`. Interface names of two
/// clusters never collide: a bridge name ends in `-br`, a veth name in `-<number>`, and the
/// part before the last `-` is the cluster's name.
public struct ClusterNaming: Sendable, Equatable {
  /// The longest cluster name: `cb` + name + `-br` (or `-<node>`) must fit in 15 characters.
  public static let maximumNameLength = 9
  /// The most nodes one cluster may have (two digits in interface names).
  public static let maximumNodes = 64

  /// The cluster's name.
  public let name: String

  /// Checks `name`: 1 to 9 characters from `a-z`, `0-9` and `-`, starting with a letter and not
  /// ending with `-`.
  public init(_ name: String) throws(ClusterError) {
    guard Self.isValidName(name) else {
      throw ClusterError(
        flag: "--name",
        "'\(name)' is not a cluster name: use 1 to \(Self.maximumNameLength) characters from a-z, 0-9 and '-', "
          + "starting with a letter and not ending with '-' (e.g. emu, rack2)")
    }
    self.name = name
  }

  /// Whether `name` is a valid cluster name (see ``init(_:)``).
  public static func isValidName(_ name: String) -> Bool {
    guard let first = name.utf8.first, let last = name.utf8.last, name.utf8.count <= maximumNameLength else {
      return false
    }
    let allowed = name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    return allowed && first >= 0x61 && first <= 0x7A && last != 0x2D
  }

  /// The host name and network namespace of node `index` (1-based): `NAME-index`.
  public func node(_ index: Int) -> String { "\(name)-\(index)" }

  /// The bridge joining the nodes, in this machine's namespace.
  public var bridge: String { "cb\(name)-br" }

  /// This machine's end of node `index`'s veth pair (the end that joins the bridge).
  public func hostVeth(_ index: Int) -> String { "cb\(name)-\(index)" }

  /// The node's end of its veth pair, inside its namespace (the same on every node, so one
  /// `UCX_NET_DEVICES` value fits all).
  public static let nodeInterface = "eth0"

  /// The cgroup folder (relative to a hierarchy's root) holding every node's cgroup.
  public var cgroupFolder: String { Self.cgroupFolder(name) }

  /// The cgroup folder of the cluster named `name`.
  public static func cgroupFolder(_ name: String) -> String { "clusterbench/\(name)" }
}
