import ClusterTelemetry
import Foundation
import HPL

/// A job file (`jobs/*.yaml`): a sweep of one program over node counts and settings, on a
/// hostfile's hosts, an emulated cluster, or this machine. `clusterbench submit` runs it.
///
/// The keys common to every kind sit at the top level; each kind has its own section (`hpl:`, or
/// `train:` for `cnnswift train`, see ``TrainingSettings``), so one format serves every program of the suite:
///
/// ```yaml
/// name: this-machine          # the sweep's name: results/sweeps/<name>/ (default: the file's name)
/// kind: hpl
/// target:                     # one of: hostfile, cluster (emulated), local: true (default)
///   hostfile: hostfiles/rockpro64-22
/// nodes: [1, 2, 4]            # node counts (or "1-22"); a k-node point uses the first k hosts
/// ranks_per_node: 6           # default: the cores of a node; a list ([1, 2]) sweeps it too
/// memory_per_node: 4GiB       # optional: size without surveying the nodes (and plan on paper)
/// cores_per_node: 6           # optional, with memory_per_node
/// repetitions: 1
/// on_failure: continue        # or stop
/// telemetry: 10s              # or off
/// timeout: auto               # per point: auto (from the expected time) or a span like 30m
/// hpl:
///   memory_fractions: [0.2, 0.8]   # or n: [10000, 20000]
///   nb: [192]
///   grid: square              # square (P ≤ Q, closest to square), flat (1 × R) or tall (R × 1)
/// ```
public struct JobFile: Sendable, Equatable {
  /// What the job runs.
  public enum Kind: String, Sendable, CaseIterable {
    /// hplswift over node counts and memory fractions.
    case hpl
    /// cnnswift train over node counts, models, batches and sync modes.
    case train
  }

  /// Where the ranks run.
  public enum Target: Sendable, Equatable {
    case hostfile(path: String)
    case cluster(name: String)
    case local
  }

  /// How P × Q is chosen from the ranks.
  public enum GridPolicy: String, Sendable, CaseIterable {
    case square, flat, tall
  }

  /// What a failed point means for the rest of the sweep.
  public enum FailurePolicy: String, Sendable, CaseIterable {
    case `continue`, stop
  }

  /// The bound on each point.
  public enum Timeout: Sendable, Equatable {
    /// Derived from the point's expected time (see ``SweepPlanner``).
    case auto
    case seconds(Double)
  }

  /// The `hpl:` section.
  public struct HPLSettings: Sendable, Equatable {
    /// Shares of the nodes' memory to size N for; empty when ``problemSizes`` is given.
    public var memoryFractions: [Double]
    /// Fixed problem sizes; empty when sized from memory.
    public var problemSizes: [Int]
    public var blockSizes: [Int]
    public var grid: GridPolicy
  }

  public var path: String
  public var name: String
  public var kind: Kind
  public var description: String?
  public var target: Target
  public var nodes: [Int]
  /// Ranks on each node, one point per value; empty for as many as a node has cores.
  public var ranksPerNode: [Int]
  public var memoryPerNodeBytes: Int?
  public var coresPerNode: Int?
  public var repetitions: Int
  public var onFailure: FailurePolicy
  /// Seconds between telemetry samples; `nil` when off.
  public var telemetryInterval: Double?
  public var timeout: Timeout
  /// The `hpl:` section of a `kind: hpl` job.
  public var hpl: HPLSettings?
  /// The `train:` section of a `kind: train` job.
  public var train: TrainingSettings?
  /// The line of each top-level key, for messages about values that only a plan can check
  /// (a node count above the hostfile's hosts).
  public var lines: [String: Int]

  static let topKeys = [
    "name", "kind", "description", "target", "nodes", "ranks_per_node", "memory_per_node", "cores_per_node",
    "repetitions", "on_failure", "telemetry", "timeout", "hpl", "train",
  ]

  /// Reads and checks the job file at `path`.
  public static func read(path: String) throws(JobFileError) -> JobFile {
    guard let data = FileManager.default.contents(atPath: path) else {
      let exists = FileManager.default.fileExists(atPath: path)
      throw JobFileError(path: path, message: exists ? "cannot be read" : "no such file")
    }
    return try JobFile(parsing: String(decoding: data, as: UTF8.self), path: path)
  }

  /// Parses job-file text; `path` names the file in errors.
  public init(parsing text: String, path: String) throws(JobFileError) {
    let top = try YAMLReader.parse(text, path: path)
    try top.rejectUnknownKeys(allowed: Self.topKeys)
    self.path = path
    lines = [:]
    if case .mapping(let mapping) = top.node {
      for (key, _) in mapping { if let name = key.string { lines[name] = key.mark?.line } }
    }

    let defaultName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    name = try top.string("name") ?? defaultName
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix(".")
    else {
      throw top.fail(
        "name", top.value("name"), "expected letters, digits, '-', '_' or '.' (it names a folder), found '\(name)'")
    }
    let kindText = try top.requiredString("kind", expected: Kind.allCases.map(\.rawValue).joined(separator: " or "))
    guard let kind = Kind(rawValue: kindText) else {
      throw top.fail(
        "kind", top.value("kind"),
        "expected \(Kind.allCases.map(\.rawValue).joined(separator: " or ")), found '\(kindText)'")
    }
    self.kind = kind
    description = try top.string("description")

    if let section = try top.mapping("target") {
      try section.rejectUnknownKeys(allowed: ["hostfile", "cluster", "local"])
      let hostfile = try section.string("hostfile")
      let cluster = try section.string("cluster")
      let localValue = section.value("local")
      let local = localValue.flatMap { node -> Bool? in node.bool }
      let given = [hostfile != nil, cluster != nil, local == true].filter { $0 }.count
      guard given == 1 else {
        throw top.fail(
          "target", top.value("target"),
          "give exactly one of hostfile: PATH, cluster: NAME (from `clusterbench cluster up`) or local: true")
      }
      if let hostfile {
        target = .hostfile(path: hostfile)
      } else if let cluster {
        target = .cluster(name: cluster)
      } else {
        target = .local
      }
    } else {
      target = .local
    }

    nodes = try Self.nodeCounts(top)
    ranksPerNode = try top.positiveIntList("ranks_per_node") ?? []
    if let text = try top.string("memory_per_node") {
      do {
        memoryPerNodeBytes = try ByteSize.parse(text, flag: "memory_per_node")
      } catch {
        throw top.fail(
          "memory_per_node", top.value("memory_per_node"), "expected a size like 4GiB or 512MiB, found '\(text)'")
      }
    } else {
      memoryPerNodeBytes = nil
    }
    coresPerNode = try top.positiveInt("cores_per_node")
    if coresPerNode != nil && memoryPerNodeBytes == nil {
      throw top.fail(
        "cores_per_node", top.value("cores_per_node"), "give memory_per_node with it (both describe a node)")
    }
    repetitions = try top.positiveInt("repetitions") ?? 1
    let policy = try top.string("on_failure") ?? "continue"
    guard let onFailure = FailurePolicy(rawValue: policy) else {
      throw top.fail("on_failure", top.value("on_failure"), "expected continue or stop, found '\(policy)'")
    }
    self.onFailure = onFailure
    let telemetry = try top.string("telemetry") ?? "10s"
    if telemetry == "off" || telemetry == "false" {
      telemetryInterval = nil
    } else {
      do { telemetryInterval = try TimeSpan.interval(telemetry, flag: "telemetry") } catch {
        let expected =
          error.minimum.map { "an interval of at least \(TimeSpan.describe($0))" } ?? "a time span like 10s"
        throw top.fail("telemetry", top.value("telemetry"), "expected off or \(expected), found '\(telemetry)'")
      }
    }
    let timeoutText = try top.string("timeout") ?? "auto"
    if timeoutText == "auto" {
      timeout = .auto
    } else {
      do { timeout = .seconds(try TimeSpan.seconds(timeoutText, flag: "timeout")) } catch {
        throw top.fail("timeout", top.value("timeout"), "expected auto or a time span like 30m, found '\(timeoutText)'")
      }
    }

    let other = kind == .hpl ? "train" : "hpl"
    if top.value(other) != nil {
      throw top.fail(other, top.value(other), "a kind: \(kind.rawValue) job has no \(other): section; remove it")
    }
    if kind == .train {
      guard let section = try top.mapping("train") else {
        throw top.fail("train", nil, "missing; a kind: train job needs a train: section (model, batch, sync, epochs)")
      }
      train = try TrainingSettings(section)
      hpl = nil
      return
    }
    train = nil
    guard let section = try top.mapping("hpl") else {
      throw top.fail("hpl", nil, "missing; a kind: hpl job needs an hpl: section (memory_fractions or n, nb, grid)")
    }
    try section.rejectUnknownKeys(allowed: ["memory_fractions", "n", "nb", "grid"])
    let fractions = try section.numberList("memory_fractions", in: 0.000_001...1, expected: "fractions in (0, 1]")
    let sizes = try section.positiveIntList("n")
    if (fractions == nil) == (sizes == nil) {
      throw section.fail(nil, nil, "give exactly one of memory_fractions: [0.2, 0.8] or n: [10000]")
    }
    let blockSizes = try section.positiveIntList("nb") ?? [DatSizer.defaultBlockSize]
    let gridText = try section.string("grid") ?? "square"
    guard let grid = GridPolicy(rawValue: gridText) else {
      throw section.fail("grid", section.value("grid"), "expected square, flat or tall, found '\(gridText)'")
    }
    hpl = HPLSettings(memoryFractions: fractions ?? [], problemSizes: sizes ?? [], blockSizes: blockSizes, grid: grid)
  }

  /// `nodes:` as a list of counts, one count, `"1-22"`, or a list mixing counts and ranges.
  static func nodeCounts(_ top: YAMLReader) throws(JobFileError) -> [Int] {
    guard let value = top.value("nodes") else {
      throw top.fail("nodes", nil, "missing; expected node counts such as [1, 2, 4] or \"1-22\"")
    }
    var counts: [Int] = []
    for item in YAMLReader.items(value) {
      guard case .scalar(let scalar) = item else {
        throw top.fail(
          "nodes", item, "expected node counts such as [1, 2, 4] or \"1-22\", found \(YAMLReader.show(item))")
      }
      let text = scalar.string.trimmingCharacters(in: .whitespaces)
      if let count = Int(text), count > 0 {
        counts.append(count)
      } else if case let parts = text.split(separator: "-"), parts.count == 2, let low = Int(parts[0]),
        let high = Int(parts[1]), low > 0, low <= high
      {
        counts += Array(low...high)
      } else {
        throw top.fail("nodes", item, "expected a positive node count or a range like 1-22, found '\(text)'")
      }
    }
    guard !counts.isEmpty else { throw top.fail("nodes", value, "expected at least one node count, found []") }
    var seen = Set<Int>()
    return counts.filter { seen.insert($0).inserted }
  }
}
