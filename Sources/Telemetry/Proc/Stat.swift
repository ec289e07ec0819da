/// Time a CPU (or all of them) has spent in each state since boot, in jiffies (USER_HZ ticks,
/// 1/100 s on every Linux architecture): one `cpu` line of `/proc/stat`.
///
/// `guest` and `guest_nice` are not kept: the kernel already counts them in `user` and `nice`.
public struct CPUJiffies: Sendable, Equatable {
  public var user: UInt64
  public var nice: UInt64
  public var system: UInt64
  public var idle: UInt64
  public var iowait: UInt64
  public var irq: UInt64
  public var softirq: UInt64
  /// Time a hypervisor ran something else while this virtual CPU wanted to run.
  public var steal: UInt64

  public init(
    user: UInt64, nice: UInt64, system: UInt64, idle: UInt64,
    iowait: UInt64 = 0, irq: UInt64 = 0, softirq: UInt64 = 0, steal: UInt64 = 0
  ) {
    (self.user, self.nice, self.system, self.idle) = (user, nice, system, idle)
    (self.iowait, self.irq, self.softirq, self.steal) = (iowait, irq, softirq, steal)
  }
}

/// The `cpu` and `cpu<N>` lines of `/proc/stat`.
///
/// prometheus/procfs: `stat.go`; node exporter: `node_cpu_seconds_total{cpu, mode}`.
public struct Stat: Sendable, Equatable {
  /// The `cpu` line: every CPU together.
  public var total: CPUJiffies
  /// The `cpu<N>` lines keyed by `N`; an offline CPU has no line.
  public var perCPU: [Int: CPUJiffies]

  /// Parses the text of `/proc/stat`; `path` names the file in errors.
  ///
  /// Kernels older than 2.6.11 give fewer than 8 columns; the missing ones are 0.
  public init(parsing text: String, path: String = "/proc/stat") throws(TelemetryError) {
    var total: CPUJiffies?
    var perCPU: [Int: CPUJiffies] = [:]
    for line in KernelFiles.lines(text) where line.hasPrefix("cpu") {
      let parts = KernelFiles.fields(line)
      let values = parts.dropFirst().prefix(8).map { UInt64($0) }
      guard values.count >= 4, !values.contains(nil) else { throw .malformed(path: path, text: String(line)) }
      let v = values.map { $0! } + Array(repeating: 0, count: 8 - values.count)
      let jiffies = CPUJiffies(
        user: v[0], nice: v[1], system: v[2], idle: v[3], iowait: v[4], irq: v[5], softirq: v[6], steal: v[7])
      if parts[0] == "cpu" {
        total = jiffies
      } else if let cpu = KernelFiles.index(of: String(parts[0]), prefix: "cpu") {
        perCPU[cpu] = jiffies
      } else {
        throw .malformed(path: path, text: String(line))
      }
    }
    guard let total else { throw .malformed(path: path, text: "no cpu line") }
    (self.total, self.perCPU) = (total, perCPU)
  }
}

/// How busy a CPU (or all of them) was between two samples of `/proc/stat`, in percent of the
/// time elapsed, as `top` and `mpstat` compute it.
public struct CPUUsage: Sendable, Equatable {
  /// Every state but `idle` and `iowait`.
  public var utilisationPercent: Double
  /// `user` + `nice`: time in user programs.
  public var userPercent: Double
  /// `system` + `irq` + `softirq`: time in the kernel.
  public var systemPercent: Double
  /// Idle time while a disk request was outstanding.
  public var iowaitPercent: Double

  /// The usage between `earlier` and `later`, or `nil` when no time passed between them.
  ///
  /// A state whose counter went down (the kernel's `iowait` can, and a CPU taken offline and
  /// back restarts from 0) contributes nothing rather than a wrapped huge value.
  public init?(from earlier: CPUJiffies, to later: CPUJiffies) {
    func delta(_ field: KeyPath<CPUJiffies, UInt64>) -> Double {
      later[keyPath: field] >= earlier[keyPath: field]
        ? Double(later[keyPath: field] - earlier[keyPath: field]) : 0
    }
    let user = delta(\.user) + delta(\.nice)
    let system = delta(\.system) + delta(\.irq) + delta(\.softirq)
    let iowait = delta(\.iowait)
    let busy = user + system + delta(\.steal)
    let elapsed = busy + delta(\.idle) + iowait
    guard elapsed > 0 else { return nil }
    utilisationPercent = busy / elapsed * 100
    userPercent = user / elapsed * 100
    systemPercent = system / elapsed * 100
    iowaitPercent = iowait / elapsed * 100
  }
}

extension ProcFS {
  /// `stat`, or `nil` when the file is missing.
  public func stat() throws(TelemetryError) -> Stat? {
    let file = path("stat")
    guard let text = try KernelFiles.contents(file, limit: KernelFiles.procLimit) else { return nil }
    return try Stat(parsing: text, path: file)
  }
}
