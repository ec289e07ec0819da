import ArgumentParser
import CSVFiles
import ClusterBench
import ClusterRun
import Foundation

struct DoctorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check a cluster before a sweep: hostfile, launcher, binaries, libraries, names, MPI.",
    discussion: """
      Checks, each naming the host and what to do about a failure: the hostfile's syntax (Open \
      MPI's `slots=` and /etc/hosts-style lines are named as the mistakes they are); that the \
      launcher starts a process on every host and finds hplswift at the same path; the same \
      suite version, MPI and BLAS everywhere; that no host name (a node's own included) resolves \
      to a loopback address and every node resolves this machine's name; then a timed MPI hello and 1 MiB allreduce with one rank per host, naming \
      any rank that does not answer in time. Hosts are probed --parallel at a time, each \
      within --launch-bound seconds; the longest the checks can take is printed first. Exit \
      status 1 when any check fails; on SIGINT or SIGTERM the probes running are ended, its \
      temporary folder removed, and it exits 130 or 143.

      Examples:
        clusterbench doctor -f hostfiles/rockpro64-22
        clusterbench doctor --cluster emu
        clusterbench doctor                  # this machine alone
      """)

  @Option(name: [.customShort("f"), .long], help: ArgumentHelp("The MPICH hostfile to check.", valueName: "FILE"))
  var hostfile: String?

  @Option(help: ArgumentHelp("An emulated cluster (clusterbench cluster up).", valueName: "NAME"))
  var cluster: String?

  @Option(
    help: ArgumentHelp("The hplswift every node must have (default: the one beside clusterbench).", valueName: "PATH"))
  var hplswift: String?

  @Option(help: ArgumentHelp("Seconds each host may take to answer the launch.", valueName: "SECONDS"))
  var launchBound = 30.0

  @Option(help: ArgumentHelp("How many hosts to probe at once (1 to 256).", valueName: "K"))
  var parallel = Doctor.defaultParallel

  func validate() throws {
    if hostfile != nil && cluster != nil { throw ValidationError("give -f/--hostfile or --cluster, not both") }
    guard launchBound > 0, launchBound <= 3600 else {
      throw ValidationError("--launch-bound \(launchBound): expected seconds above 0 and at most 3600")
    }
    guard (1...256).contains(parallel) else { throw ValidationError("--parallel \(parallel): expected 1 to 256") }
  }

  func run() throws {
    let program = hplswift ?? Submit.ownFolder() + "/hplswift"
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("clusterbench-doctor-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: work) }
    var doctor: Doctor
    do {
      if let hostfile {
        let text: String
        do { text = try Hostfile.text(path: hostfile) } catch { throw ValidationError("-f \(error.description)") }
        let hosts = Hostfile.diagnose(text, path: hostfile).entries.map(\.host)
        doctor = Doctor(
          target: LaunchTarget(kind: .hostfile(path: hostfile), hosts: hosts), hostfileText: text,
          hostfilePath: hostfile, hplswift: program, workFolder: work)
      } else if let cluster {
        doctor = Doctor(target: try TargetResolver.emulated(cluster), hplswift: program, workFolder: work)
      } else {
        doctor = Doctor(
          target: try TargetResolver.resolve(.local, jobPath: "-"), hplswift: program, workFolder: work)
      }
    } catch let error as ValidationError {
      throw error
    } catch {
      FileHandle.standardError.write(Data("clusterbench doctor: error: \(error)\n".utf8))
      throw ExitCode.failure
    }
    doctor.launchBound = launchBound
    doctor.parallel = parallel
    print("clusterbench doctor: \(doctor.target.label), \(doctor.target.hosts.count) host(s), hplswift at \(program)")
    print("clusterbench doctor: \(doctor.durationEstimate)")
    fflush(nil)
    StopSignal.install()
    let checks = doctor.run { check in
      print(check.text)
      fflush(nil)
    }
    let failed = checks.filter { $0.verdict == .fail }.count
    let warned = checks.filter { $0.verdict == .warn }.count
    print(
      "clusterbench doctor: \(failed) failed, \(warned) warning\(warned == 1 ? "" : "s"), \(checks.count - failed - warned) ok"
    )
    if let signal = StopSignal.pending { throw ExitCode(128 + signal) }
    if failed > 0 { throw ExitCode.failure }
  }
}
