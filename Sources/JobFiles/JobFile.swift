import Files
import Foundation
import HPL
import SuiteCore

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
    /// Derived from the point's expected time (see `SweepPlanner`).
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

  /// The most bytes a job file may hold (the largest shipped job is about 2 KiB).
  public static let byteLimit = 1 << 20

  /// Reads and checks the job file at `path`: a regular file of at most ``byteLimit`` bytes,
  /// read through ``BoundedFile`` (a FIFO or a device is refused, never waited on).
  public static func read(path: String) throws(JobFileError) -> JobFile {
    let text: String
    do { text = try BoundedFile.text(path, limit: byteLimit) } catch {
      if case .missing = error { throw JobFileError(path: path, message: "no such file") }
      throw JobFileError(path: path, message: error.reason)
    }
    return try JobFile(parsing: text, path: path)
  }

  /// Why `name` cannot name a job or a sweep (its folder under results/sweeps/), or `nil` when it
  /// can: ``FolderName``'s rule, up to ``maximumNameLength`` characters. The one rule for
  /// `name:` in job files and every `--sweep` flag.
  public static func nameProblem(_ name: String) -> String? {
    FolderName.problem(name, maximumLength: maximumNameLength)
  }

  /// The longest job name: its points' run ids add the point and a time to it, which
  /// ``RunID/maximumLength`` leaves room for.
  public static let maximumNameLength = 100

  /// Parses job-file text; `path` names the file in errors.
  ///
  /// The checks run in the file's reading order (top-level keys, the target, the node
  /// description and sweep settings, then the kind's section), so the first mistake is the one
  /// reported.
  public init(parsing text: String, path: String) throws(JobFileError) {
    let top = try YAMLReader.parse(text, path: path)
    try top.rejectUnknownKeys(allowed: Self.topKeys)
    self.path = path
    lines = Self.keyLines(top)
    name = try Self.name(top, path: path)
    kind = try Self.kind(top)
    description = try top.string("description")
    target = try Self.target(top)
    nodes = try Self.nodeCounts(top)
    ranksPerNode = try top.positiveIntList("ranks_per_node", maximum: LaunchLimits.maximumRanksPerNode) ?? []
    (memoryPerNodeBytes, coresPerNode) = try Self.nodeDescription(top)
    repetitions = try top.positiveInt("repetitions", maximum: Self.maximumRepetitions) ?? 1
    onFailure = try Self.failurePolicy(top)
    telemetryInterval = try Self.telemetryInterval(top)
    timeout = try Self.timeout(top)
    let section = try Self.kindSection(top, kind: kind)
    switch kind {
    case .train:
      train = try TrainingSettings(section)
      hpl = nil
    case .hpl:
      train = nil
      hpl = try Self.hplSettings(section)
    }
    try checkPointCount(sectionLine: section.keyLine)
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
      let parts = text.split(separator: "-", omittingEmptySubsequences: false).map {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      // Each bound is checked before a range is expanded: "1-1000000000" is refused, not allocated.
      guard (parts.count == 1 || parts.count == 2), let low = parts[0], let high = parts[parts.count - 1],
        low > 0, low <= high, high <= LaunchLimits.maximumNodes
      else {
        throw top.fail(
          "nodes", item,
          "expected node counts from 1 to \(LaunchLimits.maximumNodes), or a range like 1-22, found "
            + "'\(YAMLReader.shortened(text))'")
      }
      counts += low...high
    }
    guard !counts.isEmpty else { throw top.fail("nodes", value, "expected at least one node count, found []") }
    var seen = Set<Int>()
    return counts.filter { seen.insert($0).inserted }
  }
}

// MARK: - Parsing steps

extension JobFile {
  /// The line of each top-level key.
  static func keyLines(_ top: YAMLReader) -> [String: Int] {
    var lines: [String: Int] = [:]
    if case .mapping(let mapping) = top.node {
      for (key, _) in mapping { if let name = key.string { lines[name] = key.mark?.line } }
    }
    return lines
  }

  /// `name:`, by default the file's name without its extension.
  static func name(_ top: YAMLReader, path: String) throws(JobFileError) -> String {
    let defaultName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    let name = try top.string("name") ?? defaultName
    if let problem = nameProblem(name) { throw top.fail("name", top.value("name"), problem) }
    return name
  }

  /// `kind:`, which is required.
  static func kind(_ top: YAMLReader) throws(JobFileError) -> Kind {
    let expected = Kind.allCases.map(\.rawValue).joined(separator: " or ")
    let kindText = try top.requiredString("kind", expected: expected)
    guard let kind = Kind(rawValue: kindText) else {
      throw top.fail("kind", top.value("kind"), "expected \(expected), found '\(kindText)'")
    }
    return kind
  }

  /// The `target:` section: exactly one of `hostfile:`, `cluster:` or `local: true`; this
  /// machine when the section is absent.
  static func target(_ top: YAMLReader) throws(JobFileError) -> Target {
    guard let section = try top.mapping("target") else { return .local }
    try section.rejectUnknownKeys(allowed: ["hostfile", "cluster", "local"])
    let hostfile = try section.string("hostfile")
    let cluster = try section.string("cluster")
    let local = section.value("local").flatMap { node -> Bool? in node.bool }
    let given = [hostfile != nil, cluster != nil, local == true].filter { $0 }.count
    guard given == 1 else {
      throw top.fail(
        "target", top.value("target"),
        "give exactly one of hostfile: PATH, cluster: NAME (from `clusterbench cluster up`) or local: true")
    }
    if let hostfile { return .hostfile(path: hostfile) }
    if let cluster { return .cluster(name: cluster) }
    return .local
  }

  /// `memory_per_node` and `cores_per_node`: the cores only with the memory (both describe a node).
  static func nodeDescription(_ top: YAMLReader) throws(JobFileError) -> (memoryBytes: Int?, cores: Int?) {
    let memory = try memoryPerNode(top)
    let cores = try top.positiveInt("cores_per_node", maximum: LaunchLimits.maximumRanksPerNode)
    if cores != nil && memory == nil {
      throw top.fail(
        "cores_per_node", top.value("cores_per_node"), "give memory_per_node with it (both describe a node)")
    }
    return (memory, cores)
  }

  /// `on_failure:`, by default `continue`.
  static func failurePolicy(_ top: YAMLReader) throws(JobFileError) -> FailurePolicy {
    let policy = try top.string("on_failure") ?? "continue"
    guard let onFailure = FailurePolicy(rawValue: policy) else {
      throw top.fail("on_failure", top.value("on_failure"), "expected continue or stop, found '\(policy)'")
    }
    return onFailure
  }

  /// `telemetry:` in seconds, by default 10 s; `nil` for `off` (or `false`).
  static func telemetryInterval(_ top: YAMLReader) throws(JobFileError) -> Double? {
    let telemetry = try top.string("telemetry") ?? "10s"
    if telemetry == "off" || telemetry == "false" { return nil }
    return try span(telemetry, top, "telemetry", in: telemetryRange, expected: "off or a time span")
  }

  /// `timeout:`, by default `auto`.
  static func timeout(_ top: YAMLReader) throws(JobFileError) -> Timeout {
    let timeoutText = try top.string("timeout") ?? "auto"
    if timeoutText == "auto" { return .auto }
    return .seconds(try span(timeoutText, top, "timeout", in: timeoutRange, expected: "auto or a time span"))
  }

  /// The section of `kind` (`hpl:` or `train:`), which is required; the other kind's section is refused.
  static func kindSection(_ top: YAMLReader, kind: Kind) throws(JobFileError) -> YAMLReader {
    let other = kind == .hpl ? "train" : "hpl"
    if top.value(other) != nil {
      throw top.fail(other, top.value(other), "a kind: \(kind.rawValue) job has no \(other): section; remove it")
    }
    let contents =
      switch kind {
      case .train: "a kind: train job needs a train: section (model, batch, sync, epochs)"
      case .hpl: "a kind: hpl job needs an hpl: section (memory_fractions or n, nb, grid)"
      }
    guard let section = try top.mapping(kind.rawValue) else {
      throw top.fail(kind.rawValue, nil, "missing; \(contents)")
    }
    return section
  }

  /// The `hpl:` section: exactly one of `memory_fractions` or `n`, with `nb` and `grid`.
  static func hplSettings(_ section: YAMLReader) throws(JobFileError) -> HPLSettings {
    try section.rejectUnknownKeys(allowed: ["memory_fractions", "n", "nb", "grid"])
    let fractions = try section.numberList("memory_fractions", in: 0.000_001...1, expected: "fractions in (0, 1]")
    let sizes = try section.positiveIntList("n", maximum: maximumProblemSize)
    if (fractions == nil) == (sizes == nil) {
      throw section.fail(nil, nil, "give exactly one of memory_fractions: [0.2, 0.8] or n: [10000]")
    }
    let blockSizes = try section.positiveIntList("nb", maximum: maximumBlockSize) ?? [HPLInput.defaultBlockSize]
    let gridText = try section.string("grid") ?? "square"
    guard let grid = GridPolicy(rawValue: gridText) else {
      throw section.fail("grid", section.value("grid"), "expected square, flat or tall, found '\(gridText)'")
    }
    return HPLSettings(
      memoryFractions: fractions ?? [], problemSizes: sizes ?? [], blockSizes: blockSizes, grid: grid)
  }
}

// MARK: - Bounds

extension JobFile {
  /// The most points a sweep may have: more is a typo (a list or range too long) rather than a
  /// plan, and would take months.
  public static let maximumPoints = 10_000
  /// The most repetitions of each point.
  public static let maximumRepetitions = 1000
  /// The largest `hpl.n` (its matrix alone takes 80 PB; 8 N² stays far inside `Int`).
  public static let maximumProblemSize = 100_000_000
  /// The largest `hpl.nb`.
  public static let maximumBlockSize = 8192
  /// The most memory a node may be described with (64 TiB: 65,536 such nodes still add up
  /// inside `Int`).
  public static let maximumMemoryPerNode = 64 << 40
  /// Seconds between telemetry samples: 100 ms to a day.
  static let telemetryRange = TimeSpan.minimumInterval...86_400.0
  /// Seconds a point may take: a second to a week.
  static let timeoutRange = 1.0...604_800.0

  /// `memory_per_node` in bytes, between 1 MiB and ``maximumMemoryPerNode``.
  static func memoryPerNode(_ top: YAMLReader) throws(JobFileError) -> Int? {
    guard let text = try top.string("memory_per_node") else { return nil }
    let bytes = try? ByteSize.parse(text, flag: "memory_per_node")
    guard let bytes, (1 << 20...maximumMemoryPerNode).contains(bytes) else {
      throw top.fail(
        "memory_per_node", top.value("memory_per_node"),
        "expected a size from 1MiB to 64TiB like 4GiB or 512MiB, found '\(YAMLReader.shortened(text))'")
    }
    return bytes
  }

  /// `text`, the value of `key`, as a time span within `range` seconds.
  static func span(_ text: String, _ top: YAMLReader, _ key: String, in range: ClosedRange<Double>, expected: String)
    throws(JobFileError) -> Double
  {
    let seconds = try? TimeSpan.seconds(text, flag: key)
    guard let seconds, range.contains(seconds) else {
      throw top.fail(
        key, top.value(key),
        "expected \(expected) from \(TimeSpan.describe(range.lowerBound)) to \(TimeSpan.describe(range.upperBound)), "
          + "found '\(YAMLReader.shortened(text))'")
    }
    return seconds
  }

  /// Each list of the job and how many values it has, for the sweep's size.
  public var sweepFactors: [(key: String, count: Int)] {
    var factors: [(key: String, count: Int)] = [("nodes", nodes.count), ("ranks_per_node", max(1, ranksPerNode.count))]
    if let hpl {
      factors.append(
        hpl.problemSizes.isEmpty
          ? ("hpl.memory_fractions", hpl.memoryFractions.count) : ("hpl.n", hpl.problemSizes.count))
      factors.append(("hpl.nb", hpl.blockSizes.count))
    }
    if let train {
      factors += [
        ("train.model", train.models.count), ("train.batch", train.batches.count),
        ("train.sync", train.syncModes.count), ("train.data", train.dataSets.count),
      ]
    }
    factors.append(("repetitions", repetitions))
    return factors
  }

  /// Refuses a sweep of more than ``maximumPoints`` points, naming the list with the most values
  /// (the product is computed without overflow); `sectionLine` gives the lines of the `hpl:` or
  /// `train:` section's keys.
  func checkPointCount(sectionLine: (String) -> Int?) throws(JobFileError) {
    let factors = sweepFactors
    var total = 1
    for factor in factors {
      let (product, overflow) = total.multipliedReportingOverflow(by: factor.count)
      total = overflow ? Int.max : product
    }
    guard total > Self.maximumPoints, let largest = factors.max(by: { $0.count < $1.count }) else { return }
    let terms = factors.filter { $0.count > 1 }.map { "\($0.count) \($0.key)" }.joined(separator: " × ")
    let size = total == Int.max ? "more than \(Int.max)" : String(total)
    let parts = largest.key.split(separator: ".").map(String.init)
    let line = parts.count == 2 ? sectionLine(parts[1]) : lines[largest.key]
    throw JobFileError(
      path: path, line: line, key: largest.key,
      message: "\(terms) make \(size) points, more than a sweep may have (\(Self.maximumPoints)); "
        + "shorten \(largest.key) (\(largest.count) values) or split the job")
  }
}
