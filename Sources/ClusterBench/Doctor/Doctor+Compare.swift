import Preflight

extension Doctor {
  /// How many of the cluster's hosts each node resolves besides itself and this machine: every
  /// pair on a small cluster; on a large one the first hosts only, so the probes and this
  /// comparison stay linear in the host count (10,000 nodes resolving 10,000 names each would be
  /// 10⁸ lookups).
  public static let resolvedPeers = 32

  /// The names `host` is asked to resolve: its own, this machine's (`launchHost`, where mpiexec
  /// runs, when there is one) and the first ``resolvedPeers`` hosts. The probe adds the node's
  /// own host name.
  public static func resolutionNames(for host: String, hosts: [String], launchHost: String?) -> [String] {
    var names = [host]
    if let launchHost, launchHost != host { names.append(launchHost) }
    for peer in hosts.prefix(resolvedPeers) where !names.contains(peer) { names.append(peer) }
    return names
  }

  /// Versions, libraries and name resolution across the hosts' reports; linear in the hosts.
  static func compare(
    _ reports: [String: ProbeReport], hosts: [String], checkNames: Bool, launchHost: String? = nil
  ) -> [DoctorCheck] {
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
      fix: "choose the same BLAS everywhere (update-alternatives, see docs/blas.md)")
    guard checkNames else {
      checks.append(
        DoctorCheck(.pass, check: "name resolution", "emulated nodes are reached by namespace, not by name"))
      return checks
    }
    return checks + NameCheck(reports: reports, hosts: hosts, launchHost: launchHost).findings()
  }
}

/// The name-resolution findings: a host whose own name is a loopback address there (Debian's
/// `127.0.1.1 rock02`), a peer or this machine resolving to loopback or not at all, and hostfile
/// lines that name this machine by a loopback name. Each report is looked at once, with the
/// names it was asked about: linear in the hosts.
struct NameCheck {
  var reports: [String: ProbeReport]
  var hosts: [String]
  var launchHost: String?

  /// Whether ranks run on more than one machine (a lone machine may well talk to itself by
  /// loopback, even under two names such as `localhost` and its own): the machines are told
  /// apart by the host name each reports; a host that did not report counts as one.
  var multiHost: Bool {
    var machines = Set<String>()
    for host in hosts {
      machines.insert(reports[host]?.host ?? "unreported " + host)
      if machines.count > 1 { return true }
    }
    return false
  }

  func findings() -> [DoctorCheck] {
    let multiHost = multiHost
    var checks = multiHost ? loopbackHostfileNames() : []
    let lan = lanAddresses()
    for observer in hosts {
      guard let report = reports[observer] else { continue }
      let own: Set<String> = [observer, report.host]
      var names = Doctor.resolutionNames(for: observer, hosts: hosts, launchHost: launchHost)
      if !names.contains(report.host) && report.resolutions[report.host] != nil { names.append(report.host) }
      for name in names where !Self.isLoopbackName(name) {
        guard let addresses = report.resolutions[name] else { continue }
        if let check = finding(
          observer: observer, name: name, addresses: addresses, own: own, lan: lan[name], multiHost: multiHost)
        {
          checks.append(check)
        }
      }
    }
    if checks.isEmpty {
      checks.append(
        DoctorCheck(.pass, check: "name resolution", "every host name resolves to a non-loopback address on every host")
      )
    }
    return checks
  }

  /// The finding for `name` as `observer` resolves it, or `nil` when it is fine.
  func finding(
    observer: String, name: String, addresses: [String], own: Set<String>, lan: String?, multiHost: Bool
  ) -> DoctorCheck? {
    let isLauncher = name == launchHost && !own.contains(name)
    let known = lan.map { " (\($0), as the other nodes resolve it)" } ?? ""
    if addresses.isEmpty {
      guard isLauncher else {
        return DoctorCheck(
          .warn, host: observer, check: "name resolution", "'\(name)' does not resolve there",
          fix: "add every node to /etc/hosts (or DNS) on every node")
      }
      return DoctorCheck(
        .fail, host: observer, check: "name resolution",
        "'\(name)', this machine (where mpiexec runs), does not resolve there: hydra's proxy on \(observer) "
          + "connects back to mpiexec by that name and cannot",
        fix: "add this machine's LAN address and the name \(name) to /etc/hosts (or DNS) on \(observer)")
    }
    let loopback = addresses.filter(ProbeReport.isLoopback)
    // The launching machine is always another machine than the observer; peers only matter
    // when ranks run on several hosts.
    guard !loopback.isEmpty, isLauncher || multiHost else { return nil }
    let listed = loopback.joined(separator: ", ")
    if own.contains(name) {
      return DoctorCheck(
        .fail, host: observer, check: "name resolution",
        "its own name '\(name)' resolves to \(listed) there, a loopback address: MPICH's hydra and the ranks on "
          + "\(observer) would give the other nodes an address that, on them, means themselves, so they cannot "
          + "reach \(observer)",
        fix: "in /etc/hosts on \(observer), change the line that maps \(name) to \(listed) so that it maps "
          + "\(name) to its LAN address\(known); keep 127.0.0.1 for localhost only (Debian's installer puts the "
          + "machine's own name on 127.0.1.1)")
    }
    let role = isLauncher ? ", this machine (where mpiexec runs)," : ""
    let effect =
      isLauncher
      ? "hydra's proxy on \(observer) would connect back to itself instead of mpiexec"
      : "\(observer) would reach itself instead of \(name)"
    return DoctorCheck(
      .fail, host: observer, check: "name resolution",
      "'\(name)'\(role) resolves to \(listed) there, a loopback address: \(effect)",
      fix: "in /etc/hosts on \(observer), map \(name) to its LAN address\(known)")
  }

  /// Hostfile entries that are loopback names or addresses (`localhost`, `127.0.0.1`): among
  /// other hosts they name no machine the others can reach.
  func loopbackHostfileNames() -> [DoctorCheck] {
    hosts.filter(Self.isLoopbackName).map { name in
      DoctorCheck(
        .fail, host: name, check: "name resolution",
        "'\(name)' is a loopback name: on a cluster it means each machine itself, so the other nodes cannot reach "
          + "the machine it stands for",
        fix: "in the hostfile, name that machine by its LAN host name or address (as the other nodes know it)")
    }
  }

  /// For each name, one non-loopback address some node resolves it to (for the fixes).
  func lanAddresses() -> [String: String] {
    var lan: [String: String] = [:]
    for report in reports.values {
      for (name, addresses) in report.resolutions where lan[name] == nil {
        if let address = addresses.first(where: { !ProbeReport.isLoopback($0) }) { lan[name] = address }
      }
    }
    return lan
  }

  static func isLoopbackName(_ name: String) -> Bool {
    let lowered = name.lowercased()
    return lowered == "localhost" || lowered.hasPrefix("localhost.") || lowered.hasPrefix("ip6-localhost")
      || lowered.hasPrefix("127.") || lowered == "::1" || lowered == "[::1]"
  }
}
