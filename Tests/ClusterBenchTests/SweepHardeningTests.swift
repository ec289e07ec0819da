import ClusterRun
import Foundation
import HPL
import JobFiles
import Preflight
import Telemetry
import TestSupport
import Testing

@testable import ClusterBench

/// Locks, launch failures, planning figures and warnings of sweeps, the doctor and `cluster up`.
struct SweepHardeningTests {
  static func folder(_ name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sweep-\(name)-\(UUID().uuidString.prefix(8))"
    ).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test func aHeldLockIsRefusedAtOnceNamingItsHolder() throws {
    let folder = try Self.folder("lock")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let lockPath = "\(folder)/sweeps/tiny/submit.lock"
    try Self.whileLocked(folder) {
      #expect(throws: FileLockError.held(path: lockPath, pid: getpid())) {
        _ = try FileLock(path: lockPath, wait: false)
      }
      do {
        _ = try SweepRunner.lock(resultsFolder: folder, sweep: "tiny")
        Issue.record("a second lock of the sweep was granted")
      } catch let error as SweepError {
        #expect(
          error.message
            == "sweep tiny is already running: process \(getpid()) holds the lock on its folder \(folder)/sweeps/tiny "
            + "(\(lockPath)); wait for it to end, or stop it and continue with --resume")
      }
    }
    // Released with its holder: the next run of the sweep takes it.
    _ = try SweepRunner.lock(resultsFolder: folder, sweep: "tiny")
    let link = folder + "/link.lock"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder + "/elsewhere")
    #expect(throws: FileLockError.failed(path: link, operation: "open", errno: ELOOP)) {
      _ = try FileLock(path: link, wait: false)
    }
  }

  /// Runs `body` while this process holds sweep `tiny`'s lock in `folder`, then lets it go.
  static func whileLocked(_ folder: String, _ body: () throws -> Void) throws {
    let lock = try SweepRunner.lock(resultsFolder: folder, sweep: "tiny")
    try withExtendedLifetime(lock) { try body() }
  }

  @Test func aDeadHostIsNamedBySshsOwnLine() {
    let hydra = """
      [mpiexec@vm] HYDU_sock_write (utils/sock/sock.c:254): write error (Bad file descriptor)
      ssh: Could not resolve hostname rock99: Name or service not known
      [mpiexec@vm] HYD_pmcd_pmiserv_send_signal (pm/pmiserv/pmiserv_cb.c:176): unable to write data to proxy
      """
    #expect(ProgramLaunch.failureLine(in: hydra) == "ssh: Could not resolve hostname rock99: Name or service not known")
    #expect(ProgramLaunch.failureLine(in: "warming up\nhplswift: error: bad N\nbye\n") == "hplswift: error: bad N")
    #expect(ProgramLaunch.failureLine(in: "\n\n") == nil)
  }

  static func job(_ body: String) throws -> JobFile {
    try JobFile(parsing: "name: plan\nkind: hpl\ntarget:\n  hostfile: hosts\n" + body, path: "plan.yaml")
  }

  static func plan(_ job: JobFile, hosts: Int) throws -> SweepPlan {
    let target = LaunchTarget(kind: .hostfile(path: "hosts"), hosts: (1...hosts).map { "node\($0)" })
    return try SweepPlanner.plan(
      job: job, target: target, resources: SweepPlanner.describedResources(job: job, target: target)!)
  }

  @Test func aFixedNStatesEachRanksShareAndWarnsOnlyWhenANodeCannotHoldIt() throws {
    // N = 10000 on 1 node × 2 ranks (1 × 2 grid): rank 0 holds all 10000 rows and 5009 of the
    // 10001 columns of [A | b]; 2 × 382 MiB fits 1 GiB.
    let fits = try Self.job(
      "nodes: [1]\nranks_per_node: 2\nmemory_per_node: 1GiB\ncores_per_node: 2\nhpl:\n  n: [10000]\n  nb: [128]\n")
    let point = try Self.plan(fits, hosts: 1).points[0]
    #expect(
      point.explanation.prefix(4) == [
        "Ranks: 1 node × 2 (ranks_per_node, job key) = 2 ranks.", "N = 10000 (hpl.n, job key).",
        "NB = 128 (hpl.nb, job key).",
        "Each rank holds at most 10000 × 5009 doubles of the matrix and right-hand side = 382.16 MiB; a node with "
          + "2 ranks holds 764.31 MiB.",
      ])
    #expect(!point.explanation.contains { $0.hasPrefix("Warning") }, "\(point.explanation)")
    #expect(point.hpl?.shortfall == nil)

    let tooLarge = try Self.job(
      "nodes: [1]\nranks_per_node: 4\nmemory_per_node: 1GiB\ncores_per_node: 2\nhpl:\n  n: [20000]\n  nb: [128]\n")
    let large = try Self.plan(tooLarge, hosts: 1).points[0]
    #expect(
      large.explanation.filter { $0.hasPrefix("Warning") } == [
        "Warning: 4 × 765.46 MiB = 2.99 GiB per node is more than node1's 1.00 GiB of memory: the point would swap "
          + "or be killed; lower hpl.n or use more nodes (job keys).",
        "Warning: oversubscribed: node1 runs 4 ranks on 2 cores; ranks wait for cores and figures understate the "
          + "hardware; lower ranks_per_node (job key) to at most 2, or use nodes with more cores.",
      ])
    #expect(large.hpl?.shortfall?.hasPrefix("N = 20000: 4 × 765.46 MiB") == true)
    // A run refuses it before anything starts, naming the job key.
    let folder = try Self.folder("shortfall")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let runner = SweepRunner(
      plan: try Self.plan(tooLarge, hosts: 1),
      options: SweepOptions(resultsFolder: folder, hplswift: "/bin/false", cnnswift: "/bin/false", clusterbench: "x"),
      progress: { _ in })
    #expect(throws: SweepError.self) { _ = try runner.run() }
    #expect(!FileManager.default.fileExists(atPath: runner.pointsPath))
  }

  /// Before the first point, the sweep's time from the earlier runs in the results folder, and
  /// a warning when it passes 30 minutes; no earlier runs, no estimate (said so).
  @Test func aSweepIsEstimatedFromEarlierRunsBeforeItsFirstPoint() throws {
    let folder = try Self.folder("estimate")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(SweepEstimate.fromEarlierRuns(resultsFolder: folder, kind: .hpl) == nil)
    let lines = try String(contentsOfFile: Self.fixture("compare/hpl.csv"), encoding: .utf8).split(separator: "\n")
    // 10 GFLOPS on a 1 × 2 grid and 16 on 2 × 2: 5 and 4 per rank.
    try (lines.prefix(3).joined(separator: "\n") + "\n").write(
      toFile: folder + "/hpl.csv", atomically: true, encoding: .utf8)
    let estimate = try #require(SweepEstimate.fromEarlierRuns(resultsFolder: folder, kind: .hpl))
    #expect(estimate.gflopsPerRank == 5 && estimate.runs == 2)
    let small = try Self.plan(Self.job(Self.fixedN(3000)), hosts: 1).points
    // 2/3 · 3000³ + 3/2 · 3000² operations at 5 GFLOPS on each of 2 ranks: 1.8 s.
    #expect(
      estimate.lines(for: small) == [
        "estimated about 1.8s for 1 point, at 5 GFLOPS per rank, the median of the last 2 runs in \(folder)/hpl.csv "
          + "(without start-up; refined after each point)"
      ])
    let large = try Self.plan(Self.job(Self.fixedN(100_000)), hosts: 1).points
    #expect(
      estimate.lines(for: large).last
        == "warning: this sweep is estimated to take 18h31m, more than 30 minutes; Ctrl-C stops it (points already "
        + "run are kept, --resume continues)")
  }

  static func fixedN(_ n: Int) -> String {
    "nodes: [1]\nranks_per_node: 2\nmemory_per_node: 256GiB\ncores_per_node: 2\nhpl:\n  n: [\(n)]\n"
  }

  static func fixture(_ name: String) throws -> String {
    try #require(Bundle.module.path(forResource: "Fixtures/" + name, ofType: nil))
  }

  @Test func memoryFractionPointsNameTheirJobKeys() throws {
    let job = try Self.job("nodes: [2]\nmemory_per_node: 2GiB\ncores_per_node: 2\nhpl:\n  memory_fractions: [0.5]\n")
    let point = try Self.plan(job, hosts: 2).points[0]
    #expect(point.explanation[0] == "Ranks: 2 nodes × 2 (the nodes' cores: ranks_per_node is not set) = 4 ranks.")
    #expect(point.explanation[1] == "Memory fraction 0.5 (hpl.memory_fractions, job key) of each node's memory.")
    #expect(point.explanation.contains("NB = 192 (hpl.nb, job key)."))
    #expect(!point.explanation.contains { $0.contains("--") }, "flags of hplswift dat are not job keys")
  }

  @Test func clusterUpWarnsWhenItsRanksExceedThisMachinesCPUs() throws {
    let spec = try ClusterSpec(nodes: 4, coresPerNode: 2, memoryPerNodeBytes: 256 << 20)
    #expect(
      spec.oversubscriptionWarning(hostCPUs: 2)
        == "warning: oversubscribed: this machine runs 8 ranks on 2 cores; ranks wait for cores and figures "
        + "understate the hardware (4 nodes × 2 cores, one rank per core, share its 2 CPUs); use fewer --nodes or "
        + "--cores-per-node (2 cores in all), or run fewer ranks on it (clusterbench run -n 2, or ranks_per_node in "
        + "a job file)")
    #expect(spec.oversubscriptionWarning(hostCPUs: 8) == nil)
  }
}

/// The doctor's advice on names that resolve to loopback addresses.
struct DoctorLoopbackTests {
  static func report(_ host: String, _ resolutions: [String: [String]]) -> ProbeReport {
    DoctorTests.report(host: host, resolutions: resolutions)
  }

  @Test func debiansOwnNameLineIsFoundWhenTheHostfileListsAddresses() {
    // The hostfile names the boards by address; each board's /etc/hosts maps its own name to
    // 127.0.1.1, and rock02 maps this machine (ctl) to 127.0.0.1.
    let hosts = ["10.0.0.1", "10.0.0.2"]
    let peers = ["10.0.0.1": ["10.0.0.1"], "10.0.0.2": ["10.0.0.2"]]
    let reports = [
      "10.0.0.1": Self.report("rock01", peers.merging(["rock01": ["127.0.1.1"], "ctl": ["10.0.0.9"]]) { $1 }),
      "10.0.0.2": Self.report("rock02", peers.merging(["rock02": ["10.0.0.2"], "ctl": ["127.0.0.1"]]) { $1 }),
    ]
    let checks = Doctor.compare(reports, hosts: hosts, checkNames: true, launchHost: "ctl").filter {
      $0.check == "name resolution"
    }
    #expect(
      checks.map(\.text) == [
        """
        FAIL 10.0.0.1: name resolution: its own name 'rock01' resolves to 127.0.1.1 there, a loopback address: \
        MPICH's hydra and the ranks on 10.0.0.1 would give the other nodes an address that, on them, means \
        themselves, so they cannot reach 10.0.0.1
               fix: in /etc/hosts on 10.0.0.1, change the line that maps rock01 to 127.0.1.1 so that it maps rock01 \
        to its LAN address; keep 127.0.0.1 for localhost only (Debian's installer puts the machine's own name on \
        127.0.1.1)
        """,
        """
        FAIL 10.0.0.2: name resolution: 'ctl', this machine (where mpiexec runs), resolves to 127.0.0.1 there, a \
        loopback address: hydra's proxy on 10.0.0.2 would connect back to itself instead of mpiexec
               fix: in /etc/hosts on 10.0.0.2, map ctl to its LAN address (10.0.0.9, as the other nodes resolve it)
        """,
      ])
  }

  @Test func localhostAmongOtherHostsIsAHostfileMistakeNotAnEtcHostsOne() {
    let hosts = ["localhost", "rock02"]
    let reports = [
      "localhost": Self.report("ctl", ["localhost": ["127.0.0.1"], "rock02": ["10.0.0.2"], "ctl": ["10.0.0.9"]]),
      "rock02": Self.report("rock02", ["localhost": ["127.0.0.1"], "rock02": ["10.0.0.2"], "ctl": ["10.0.0.9"]]),
    ]
    let checks = Doctor.compare(reports, hosts: hosts, checkNames: true, launchHost: "ctl").filter {
      $0.check == "name resolution"
    }
    #expect(checks.count == 1)
    #expect(checks.first?.host == "localhost")
    #expect(
      checks.first?.fix
        == "in the hostfile, name that machine by its LAN host name or address (as the other nodes know it)")
    // One machine under two names talks to itself: nothing to report.
    let alone = [
      "localhost": Self.report("ctl", ["localhost": ["127.0.0.1"], "ctl": ["127.0.1.1"]]),
      "ctl": Self.report("ctl", ["localhost": ["127.0.0.1"], "ctl": ["127.0.1.1"]]),
    ]
    let fine = Doctor.compare(alone, hosts: ["localhost", "ctl"], checkNames: true, launchHost: "ctl")
    #expect(fine.filter { $0.check == "name resolution" }.map(\.verdict) == [.pass])
  }
}

/// Planning a sweep and comparing the doctor's reports grow linearly with the hosts.
struct LinearPlanningTests {
  /// Seconds to parse a hostfile of `count` hosts, plan and print a dry run over all of them, and
  /// compare `count` probe reports (each resolving the names the doctor asks of it); the best of 3.
  /// The least CPU time of three runs: the thread's own clock, so that a loaded machine running
  /// the rest of the suite beside it (CI's parallel pass) does not count against either size.
  static func seconds(hosts count: Int) throws -> Double {
    var best = Double.infinity
    for _ in 0..<3 {
      let started = BackgroundSampler.threadCPUSeconds()
      let text = (1...count).map { "node\($0):4\n" }.joined()
      let hosts = try Hostfile(parsing: text, path: "hosts").hosts
      let job = try SweepHardeningTests.job(
        "nodes: [\(count)]\nranks_per_node: 4\nmemory_per_node: 4GiB\ncores_per_node: 4\nhpl:\n  n: [20000]\n")
      let target = LaunchTarget(kind: .hostfile(path: "hosts"), hosts: hosts)
      let plan = try SweepPlanner.plan(
        job: job, target: target, resources: SweepPlanner.describedResources(job: job, target: target)!)
      let options = SweepOptions(hplswift: "h", cnnswift: "c", clusterbench: "b")
      #expect(SweepRunner(plan: plan, options: options, progress: { _ in }).dryRunText().count > count)
      var reports: [String: ProbeReport] = [:]
      for (index, host) in hosts.enumerated() {
        let names = Doctor.resolutionNames(for: host, hosts: hosts, launchHost: "ctl")
        let resolutions = Dictionary(uniqueKeysWithValues: names.map { ($0, ["10.0.\(index / 250).\(index % 250)"]) })
        reports[host] = DoctorTests.report(host: host, resolutions: resolutions)
      }
      let checks = Doctor.compare(reports, hosts: hosts, checkNames: true, launchHost: "ctl")
      #expect(checks.allSatisfy { $0.verdict == .pass })
      // What every rank of the point builds at start: its ranks grouped by host.
      let members = hosts.flatMap { host in (0..<4).map { _ in (host: host, pid: Int32(0), cores: 4) } }
      #expect(NodeGroups(members: members, myRank: 0).hosts.count == count)
      best = min(best, BackgroundSampler.threadCPUSeconds() - started)
    }
    return best
  }

  @Test(.timeLimit(.minutes(3))) func tenThousandHostsCostAboutTenTimesAThousand() throws {
    let small = try Self.seconds(hosts: 1000)
    let large = try Self.seconds(hosts: 10000)
    // Linear work gives about 10; quadratic work (every host resolving every name) gives 100.
    #expect(large / small < 30, "1,000 hosts: \(small) s, 10,000 hosts: \(large) s")
    #expect(
      Doctor.resolutionNames(for: "node9999", hosts: (1...10000).map { "node\($0)" }, launchHost: "ctl").count
        == 2 + Doctor.resolvedPeers)
  }
}
