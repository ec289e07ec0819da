import Foundation
import Preflight

/// The preflight doctor: finds what makes MPI jobs hang or fail on a cluster before a sweep does.
///
/// 1. The hostfile: MPICH syntax, every mistake named with its line.
/// 2. Each host alone: the launcher starts `hplswift probe` there (ssh works, the binary exists
///    at the same path), and the node reports its build, MPI, BLAS and how it resolves every
///    host name.
/// 3. Across hosts: the same suite version, MPI and BLAS everywhere (builds compared too); no
///    host name resolving to a loopback address on another host (Debian maps a machine's own
///    name to 127.0.1.1).
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

  public init(
    target: LaunchTarget, hostfileText: String? = nil, hostfilePath: String? = nil, hplswift: String,
    mpiexec: String = "mpiexec.mpich", workFolder: String, launchBound: Double = 30, exchangeBound: Double = 60
  ) {
    (self.target, self.hostfileText, self.hostfilePath, self.hplswift, self.mpiexec) = (
      target, hostfileText, hostfilePath, hplswift, mpiexec
    )
    (self.workFolder, self.launchBound, self.exchangeBound) = (workFolder, launchBound, exchangeBound)
  }

  /// Runs every check; `progress` receives each finding as it is made.
  public func run(progress: (DoctorCheck) -> Void) -> [DoctorCheck] {
    var checks: [DoctorCheck] = []
    func note(_ check: DoctorCheck) {
      checks.append(check)
      progress(check)
    }
    try? FileManager.default.createDirectory(atPath: workFolder, withIntermediateDirectories: true)

    // 1. The hostfile.
    if let hostfileText, let hostfilePath {
      let (entries, problems) = Hostfile.diagnose(hostfileText, path: hostfilePath)
      for problem in problems {
        note(
          DoctorCheck(
            .fail, check: "hostfile", problem.description,
            fix: "MPICH's hostfile has one host per line, 'host' or 'host:N' (N ranks); see hostfiles/localhost"))
      }
      if problems.isEmpty {
        note(
          DoctorCheck(.pass, check: "hostfile", "\(entries.count) host\(entries.count == 1 ? "" : "s"), MPICH syntax"))
      } else if entries.isEmpty {
        return checks
      }
    }

    // 2. Each host alone.
    var reports: [String: ProbeReport] = [:]
    for host in target.hosts {
      switch probe(host) {
      case .success(let report):
        reports[host] = report
        note(
          DoctorCheck(
            .pass, host: host, check: "launch",
            "hplswift \(report.version) (build \(report.build)) at \(report.executable); \(report.mpi); BLAS \(report.blas)"
          ))
      case .failure(let check):
        note(check)
      }
    }

    // 3. Across hosts.
    for finding in Self.compare(reports, hosts: target.hosts, checkNames: !Self.isEmulated(target)) { note(finding) }

    // 4. All hosts at once.
    if reports.count == target.hosts.count {
      for finding in exchange() { note(finding) }
    } else {
      note(
        DoctorCheck(
          .warn, check: "MPI exchange",
          "skipped: \(target.hosts.count - reports.count) host(s) could not be launched on"))
    }
    return checks
  }

  static func isEmulated(_ target: LaunchTarget) -> Bool {
    if case .emulated = target.kind { return true }
    return false
  }

  /// Launches the probe on `host` alone.
  func probe(_ host: String) -> Result<ProbeReport, DoctorCheck> {
    let folder =
      workFolder + "/"
      + host.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }.map(String.init).joined()
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let hostfile = folder + "/hostfile"
    try? "\(host):1\n".write(toFile: hostfile, atomically: true, encoding: .utf8)
    var launch = ProgramLaunch(
      executable: mpiexec,
      arguments: target.mpiexecArguments(hosts: 1, ranksPerHost: 1, hostfilePath: hostfile)
        + [hplswift, "probe", "--resolve", target.hosts.joined(separator: ",")],
      workingDirectory: folder, standardOutputPath: folder + "/probe.json", standardErrorPath: folder + "/probe.stderr",
      deadline: .seconds(launchBound), grace: .seconds(3))
    launch.failFastPatterns = ProgramLaunch.unreachableHostPatterns
    let outcome: LaunchOutcome
    do { outcome = try ProgramLauncher.run(launch) } catch {
      return .failure(
        DoctorCheck(
          .fail, host: host, check: "launch", error.description,
          fix: "is mpiexec.mpich installed (apt-get install mpich)?"))
    }
    let output = (try? String(contentsOfFile: folder + "/probe.json", encoding: .utf8)) ?? ""
    let errors = (try? String(contentsOfFile: folder + "/probe.stderr", encoding: .utf8)) ?? ""
    if outcome.succeeded, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
      let report = try? JSONDecoder().decode(ProbeReport.self, from: Data(line.utf8))
    {
      return .success(report)
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

  /// Versions, libraries and name resolution across the hosts' reports.
  static func compare(_ reports: [String: ProbeReport], hosts: [String], checkNames: Bool) -> [DoctorCheck] {
    var checks: [DoctorCheck] = []
    let reported = hosts.filter { reports[$0] != nil }
    guard let first = reported.first.flatMap({ reports[$0] }) else { return [] }
    func same(_ name: String, _ value: (ProbeReport) -> String, verdict: DoctorCheck.Verdict, fix: String) {
      let differing = reported.filter { value(reports[$0]!) != value(first) }
      if differing.isEmpty {
        if reported.count > 1 {
          checks.append(DoctorCheck(.pass, check: name, "the same on all \(reported.count) hosts: \(value(first))"))
        }
      } else {
        for host in differing {
          checks.append(
            DoctorCheck(
              verdict, host: host, check: name, "\(value(reports[host]!)), but \(reported[0]) has \(value(first))",
              fix: fix))
        }
      }
    }
    same("suite version", { $0.version }, verdict: .fail, fix: "install the same version of the suite on every node")
    same("executable path", { $0.executable }, verdict: .warn, fix: "the suite should live at the same path everywhere")
    same("build", { $0.build }, verdict: .warn, fix: "fine if each node built the same source; otherwise rebuild")
    same("MPI library", { $0.mpi }, verdict: .fail, fix: "install Debian's mpich and libmpich-dev on every node")
    same(
      "BLAS library", { $0.blas }, verdict: .fail,
      fix: "choose the same BLAS everywhere (update-alternatives, see the README)")

    guard checkNames else {
      checks.append(
        DoctorCheck(.pass, check: "name resolution", "emulated nodes are reached by namespace, not by name"))
      return checks
    }
    var problems = 0
    for observer in reported {
      let report = reports[observer]!
      for name in hosts {
        let addresses = report.resolutions[name] ?? []
        let loopback = addresses.filter(ProbeReport.isLoopback)
        if addresses.isEmpty {
          problems += 1
          checks.append(
            DoctorCheck(
              .warn, host: observer, check: "name resolution", "'\(name)' does not resolve there",
              fix: "add every node to /etc/hosts (or DNS) on every node"))
        } else if !loopback.isEmpty && hosts.count > 1 {
          problems += 1
          let own = name == observer
          checks.append(
            DoctorCheck(
              .fail, host: observer, check: "name resolution",
              own
                ? "its own name '\(name)' resolves to \(loopback.joined(separator: ", ")): MPI would advertise a loopback address to the other nodes"
                : "'\(name)' resolves to \(loopback.joined(separator: ", ")) there, a loopback address",
              fix:
                "in /etc/hosts on \(observer), map \(name) to its LAN address (Debian puts the machine's own name on 127.0.1.1)"
            ))
        }
      }
    }
    if problems == 0 {
      checks.append(
        DoctorCheck(.pass, check: "name resolution", "every host name resolves to a non-loopback address on every host")
      )
    }
    return checks
  }

  /// The timed hello and allreduce on all hosts, one rank each.
  func exchange() -> [DoctorCheck] {
    let folder = workFolder + "/exchange"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let hostfile = folder + "/hostfile"
    try? target.hosts.map { "\($0):1\n" }.joined().write(toFile: hostfile, atomically: true, encoding: .utf8)
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
    let output = (try? String(contentsOfFile: folder + "/stdout", encoding: .utf8)) ?? ""
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
      let errors = (try? String(contentsOfFile: folder + "/stderr", encoding: .utf8)) ?? ""
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
