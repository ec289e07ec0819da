import ClusterRun
import Files
import Foundation
import Preflight
import SuiteCore
import Synchronization
import Telemetry

/// The preflight doctor: finds what makes MPI jobs hang or fail on a cluster before a sweep does.
///
/// 1. The hostfile: MPICH syntax, every mistake named with its line.
/// 2. Each host alone: the launcher starts `hplswift probe` there (ssh works, the binary exists
///    at the same path), and the node reports its build, MPI, BLAS and how it resolves every
///    host name.
/// 3. Across hosts: the same suite version, MPI and BLAS everywhere (builds compared too); no
///    host name resolving to a loopback address (Debian maps a machine's own name to 127.0.1.1),
///    and this machine's name resolving on every node (hydra's proxies connect back by it).
/// 4. All hosts at once: a timed MPI hello and 1 MiB allreduce with one rank per host; a rank
///    that does not answer within the bound is named.
public struct Doctor: Sendable {
  public var target: LaunchTarget
  /// The hostfile text as the user wrote it (for a hostfile target), to name its mistakes.
  public var hostfileText: String?
  public var hostfilePath: String?
  /// The hplswift every node must have at this path.
  public var hplswift: String
  public var mpiexec: String
  /// A folder for the probes' hostfiles and output.
  public var workFolder: String
  /// Bounds, seconds.
  public var launchBound: Double
  public var exchangeBound: Double
  /// How many hosts are probed at once (each probe is one mpiexec and one ssh).
  public var parallel: Int
  /// This machine's name, where mpiexec runs: hydra's proxies on the nodes connect back to it by
  /// this name, so every node must resolve it to an address that reaches this machine.
  public var launchHost: String

  /// Probes at once when none is given: as pdsh and Ansible do, enough to hide ssh's latency on
  /// a large cluster, few enough for a small launching machine.
  public static let defaultParallel = 16

  public init(
    target: LaunchTarget, hostfileText: String? = nil, hostfilePath: String? = nil, hplswift: String,
    mpiexec: String = "mpiexec.mpich", workFolder: String, launchBound: Double = 30, exchangeBound: Double = 60,
    parallel: Int = Doctor.defaultParallel, launchHost: String = NodeIdentity.hostName()
  ) {
    (self.target, self.hostfileText, self.hostfilePath, self.hplswift, self.mpiexec) = (
      target, hostfileText, hostfilePath, hplswift, mpiexec
    )
    (self.workFolder, self.launchBound, self.exchangeBound) = (workFolder, launchBound, exchangeBound)
    (self.parallel, self.launchHost) = (max(1, parallel), launchHost)
  }

  /// How long the checks may take at most, for the line printed before they start: each host's
  /// probe is bounded by ``launchBound``, ``parallel`` run at once, then the exchange.
  public var durationEstimate: String {
    let hosts = target.hosts.count
    let width = min(parallel, max(1, hosts))
    let rounds = (hosts + width - 1) / width
    let most = Double(rounds) * launchBound + exchangeBound
    return "probing \(hosts) host\(hosts == 1 ? "" : "s"), \(width) at a time, each within \(Int(launchBound)) s, "
      + "then the exchange within \(Int(exchangeBound)) s: at most \(TimeSpan.elapsed(most)) "
      + "(hosts that cannot be reached fail at once)"
  }

  /// Runs every check; `progress` receives each finding as it is made, in host order. A stop
  /// request (SIGINT, SIGTERM: see `StopSignal`) ends the probes running, starts no more and
  /// skips the exchange.
  public func run(progress: @escaping @Sendable (DoctorCheck) -> Void) -> [DoctorCheck] {
    let findings = Findings(progress)
    try? FileManager.default.createDirectory(atPath: workFolder, withIntermediateDirectories: true)

    // 1. The hostfile.
    if let hostfileText, let hostfilePath {
      let (entries, problems) = Hostfile.diagnose(hostfileText, path: hostfilePath)
      for problem in problems {
        findings.note(
          DoctorCheck(
            .fail, check: "hostfile", problem.description,
            fix: "MPICH's hostfile has one host per line, 'host' or 'host:N' (N ranks); see hostfiles/localhost"))
      }
      if problems.isEmpty {
        findings.note(
          DoctorCheck(.pass, check: "hostfile", "\(entries.count) host\(entries.count == 1 ? "" : "s"), MPICH syntax"))
      } else if entries.isEmpty {
        return findings.all
      }
    }

    // 2. Each host alone, `parallel` at once.
    let (reports, probed) = probeAll(note: findings.note)
    if StopSignal.pending != nil {
      let left = target.hosts.count - probed
      findings.note(DoctorCheck(.warn, check: "stopped", "by a signal: \(left) host(s) not probed, no exchange"))
      return findings.all
    }

    // 3. Across hosts.
    let launcher: String? = Self.isLocal(target) ? nil : launchHost
    for finding in Self.compare(
      reports, hosts: target.hosts, checkNames: !Self.isEmulated(target), launchHost: launcher)
    {
      findings.note(finding)
    }

    // 4. All hosts at once.
    if reports.count == target.hosts.count {
      for finding in exchange() { findings.note(finding) }
    } else {
      findings.note(
        DoctorCheck(
          .warn, check: "MPI exchange",
          "skipped: \(target.hosts.count - reports.count) host(s) could not be launched on"))
    }
    return findings.all
  }

  static func isEmulated(_ target: LaunchTarget) -> Bool {
    if case .emulated = target.kind { return true }
    return false
  }

  /// Probes every host, at most ``parallel`` at once, reporting each outcome in host order as
  /// soon as it and every host before it are done. Stops starting probes on a stop request.
  func probeAll(note: @escaping @Sendable (DoctorCheck) -> Void) -> (reports: [String: ProbeReport], probed: Int) {
    let hosts = target.hosts
    let width = min(parallel, max(1, hosts.count))
    let doctor = self
    let reports = try? runBlocking {
      await withTaskGroup(of: (Int, Result<ProbeReport, DoctorCheck>).self) { group in
        var (next, emitted) = (0, 0)
        var done = [Result<ProbeReport, DoctorCheck>?](repeating: nil, count: hosts.count)
        var reports: [String: ProbeReport] = [:]
        func startNext() {
          guard next < hosts.count, StopSignal.pending == nil else { return }
          let index = next
          next += 1
          group.addTask { (index, await doctor.probe(hosts[index], index: index)) }
        }
        for _ in 0..<width { startNext() }
        for await (index, result) in group {
          done[index] = result
          while emitted < hosts.count, let outcome = done[emitted] {
            switch outcome {
            case .success(let report):
              reports[hosts[emitted]] = report
              note(Self.launched(hosts[emitted], report))
            case .failure(let check): note(check)
            }
            done[emitted] = nil
            emitted += 1
          }
          startNext()
        }
        return (reports, emitted)
      }
    }
    return reports ?? ([:], 0)
  }

  static func launched(_ host: String, _ report: ProbeReport) -> DoctorCheck {
    DoctorCheck(
      .pass, host: host, check: "launch",
      "hplswift \(report.version) (build \(report.build)) at \(report.executable); \(report.mpi); BLAS \(report.blas)")
  }

  /// Launches the probe on `host` (the `index`-th) alone, bounded by ``launchBound``.
  func probe(_ host: String, index: Int) async -> Result<ProbeReport, DoctorCheck> {
    let folder =
      workFolder + "/\(index)-"
      + host.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }.map(String.init).joined()
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let hostfile = folder + "/hostfile"
    try? AtomicFile.write("\(host):1\n", to: hostfile)
    let names =
      Self.isEmulated(target) ? [] : Self.resolutionNames(for: host, hosts: target.hosts, launchHost: launchHost)
    var launch = ProgramLaunch(
      executable: mpiexec,
      arguments: target.mpiexecArguments(hosts: 1, ranksPerHost: 1, hostfilePath: hostfile)
        + [hplswift, "probe", "--resolve", names.joined(separator: ",")],
      workingDirectory: folder, standardOutputPath: folder + "/probe.json", standardErrorPath: folder + "/probe.stderr",
      deadline: .seconds(launchBound), grace: .seconds(3))
    launch.failFastPatterns = ProgramLaunch.unreachableHostPatterns
    let outcome: LaunchOutcome
    do { outcome = try await ProgramLauncher.runAsync(launch) } catch {
      return .failure(
        DoctorCheck(
          .fail, host: host, check: "launch", "cannot run \(mpiexec): \(error)",
          fix: "is mpiexec.mpich installed (apt-get install mpich)?"))
    }
    let output = ProgramLaunch.tail(of: folder + "/probe.json", limit: 4 << 20)
    let errors = ProgramLaunch.tail(of: folder + "/probe.stderr")
    if outcome.succeeded, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
      let report = try? JSONDecoder().decode(ProbeReport.self, from: Data(line.utf8))
    {
      return .success(report)
    }
    if outcome.interrupted {
      return .failure(DoctorCheck(.warn, host: host, check: "launch", "stopped by a signal before it answered"))
    }
    if outcome.timedOut && !ProgramLaunch.unreachableHostPatterns.contains(where: { errors.contains($0) }) {
      return .failure(
        DoctorCheck(
          .fail, host: host, check: "launch", "no answer within \(Int(launchBound)) s",
          fix: "is \(host) up, and does `ssh \(host) true` return at once without a password prompt?"))
    }
    return .failure(Self.diagnoseLaunch(host: host, errors: errors, hplswift: hplswift, exit: outcome.exitStatus))
  }

  /// The failure of a launch on `host`, from what mpiexec and ssh printed.
  static func diagnoseLaunch(host: String, errors: String, hplswift: String, exit: Int32?) -> DoctorCheck {
    let lines = errors.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    func has(_ text: String) -> String? { lines.first { $0.localizedCaseInsensitiveContains(text) } }
    if let line = has("execvp error") {
      return DoctorCheck(
        .fail, host: host, check: "binaries", "no hplswift at \(hplswift) there (\(line))",
        fix: "build or copy the suite to the same path on every node, or put it on a shared file system")
    }
    if let line = has("Could not resolve hostname") {
      return DoctorCheck(
        .fail, host: host, check: "launch", line,
        fix: "add \(host) to DNS or to /etc/hosts on this machine (with its LAN address)")
    }
    if let line = has("Permission denied") ?? has("password") {
      return DoctorCheck(
        .fail, host: host, check: "launch", line,
        fix: "set up passwordless ssh: ssh-keygen (once), then ssh-copy-id \(host)")
    }
    if let line = has("Host key verification failed") {
      return DoctorCheck(
        .fail, host: host, check: "launch", line, fix: "run `ssh \(host) true` once and accept its host key")
    }
    if let line = has("Connection refused") ?? has("No route to host") ?? has("timed out") {
      return DoctorCheck(
        .fail, host: host, check: "launch", line, fix: "is \(host) powered on, on the network, with sshd running?")
    }
    let first = lines.first { !$0.isEmpty } ?? "exit status \(exit.map(String.init) ?? "?") and no message"
    return DoctorCheck(
      .fail, host: host, check: "launch", first, fix: "run the same command by hand: mpiexec -f HOSTFILE -n 1 hostname")
  }

  /// The timed hello and allreduce on all hosts, one rank each.
  func exchange() -> [DoctorCheck] {
    let folder = workFolder + "/exchange"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let hostfile = folder + "/hostfile"
    try? AtomicFile.write(target.hosts.map { "\($0):1\n" }.joined(), to: hostfile)
    let launch = ProgramLaunch(
      executable: mpiexec,
      arguments: target.mpiexecArguments(
        hosts: target.hosts.count, ranksPerHost: 1, hostfilePath: Self.isLocal(target) ? nil : hostfile)
        + [hplswift, "probe", "--exchange", "--megabytes", "1"],
      workingDirectory: folder, standardOutputPath: folder + "/stdout", standardErrorPath: folder + "/stderr",
      deadline: .seconds(exchangeBound), grace: .seconds(3))
    let outcome: LaunchOutcome
    do { outcome = try ProgramLauncher.run(launch) } catch {
      return [DoctorCheck(.fail, check: "MPI exchange", error.description)]
    }
    let output = ProgramLaunch.tail(of: folder + "/stdout", limit: 16 << 20)
    let (started, done) = Self.answers(in: output)
    let summary = output.split(separator: "\n").last { $0.hasPrefix("probe: hello from") }
    if outcome.succeeded, done.count == target.hosts.count, let summary {
      return [DoctorCheck(.pass, check: "MPI exchange", String(summary.dropFirst("probe: ".count)))]
    }
    var checks: [DoctorCheck] = []
    for (rank, host) in target.hosts.enumerated() where !done.contains(rank) {
      let stage = started.contains(rank) ? "started but did not finish the hello and allreduce" : "never started"
      checks.append(
        DoctorCheck(
          .fail, host: host, check: "MPI exchange",
          "rank \(rank) \(stage)" + (outcome.timedOut ? " within \(Int(exchangeBound)) s" : ""),
          fix: "check that the nodes reach each other on every port (no firewall between them) and that "
            + "each host's name resolves to its LAN address"))
    }
    if checks.isEmpty {
      let errors = ProgramLaunch.tail(of: folder + "/stderr")
      let line =
        errors.split(whereSeparator: \.isNewline).first.map(String.init) ?? "exit status \(outcome.exitStatus ?? -1)"
      checks.append(DoctorCheck(.fail, check: "MPI exchange", line))
    }
    return checks
  }

  static func isLocal(_ target: LaunchTarget) -> Bool {
    if case .local = target.kind { return true }
    return false
  }

  /// The ranks that said `started` and `done` in the exchange's output. hydra relays each rank's
  /// output as it comes, so lines of different ranks may run together: match anywhere.
  static func answers(in output: String) -> (started: Set<Int>, done: Set<Int>) {
    var started = Set<Int>()
    var done = Set<Int>()
    for match in output.matches(of: /probe: rank (\d+)(?: of \d+)? on [^:\n]+: (started|done)/) {
      guard let rank = Int(match.output.1) else { continue }
      if match.output.2 == "started" { started.insert(rank) } else { done.insert(rank) }
    }
    return (started, done)
  }
}

/// The findings made so far, in order, each passed on to the progress closure as it is noted.
final class Findings: Sendable {
  private let list = Mutex<[DoctorCheck]>([])
  private let progress: @Sendable (DoctorCheck) -> Void

  init(_ progress: @escaping @Sendable (DoctorCheck) -> Void) { self.progress = progress }

  var all: [DoctorCheck] { list.withLock { $0 } }

  @Sendable func note(_ check: DoctorCheck) {
    list.withLock { $0.append(check) }
    progress(check)
  }
}
