import CSVFiles
import Files
import Foundation
import HPL
import HPLBenchmark
import JobFiles
import Telemetry

/// Turns a job's `target:` into a ``LaunchTarget`` and finds what its nodes offer.
public enum TargetResolver {
  /// The launch target a job names. Hostfile paths are relative to the current directory.
  /// Refuses a job whose largest node count is more than the target's hosts, before any survey.
  public static func resolve(_ target: JobFile.Target, job: JobFile) throws(JobFileError) -> LaunchTarget {
    let resolved = try resolve(target, jobPath: job.path, line: job.lines["target"])
    try job.checkNodes(fit: resolved)
    return resolved
  }

  /// The launch target `target` names; errors name the job file at `jobPath`.
  public static func resolve(_ target: JobFile.Target, jobPath: String, line: Int? = nil) throws(JobFileError)
    -> LaunchTarget
  {
    switch target {
    case .local:
      return LaunchTarget(kind: .local, hosts: [NodeIdentity.hostName()])
    case .hostfile(let path):
      do {
        let hostfile = try Hostfile.read(path: path)
        return LaunchTarget(kind: .hostfile(path: path), hosts: hostfile.hosts)
      } catch {
        throw JobFileError(path: jobPath, line: line, key: "target.hostfile", message: error.description)
      }
    case .cluster(let name):
      do {
        return try emulated(name)
      } catch {
        throw JobFileError(path: jobPath, line: line, key: "target.cluster", message: "\(error)")
      }
    }
  }

  /// The emulated cluster `name` as a launch target.
  public static func emulated(_ name: String) throws -> LaunchTarget {
    try EmulatedCluster.launchTarget(name: name)
  }

  /// Each host's memory and cores, in host order, for the first `count` hosts: from the job's
  /// description or the target's, this machine's /proc for a local target, or else a survey:
  /// `mpiexec … -ppn 1 clusterbench survey`, which every node answers from its own /proc.
  public static func resources(
    job: JobFile, target: LaunchTarget, count: Int, clusterbench: String, mpiexec: String, workFolder: String,
    progress: (String) -> Void
  ) throws(SweepError) -> [NodeResources] {
    if let described = SweepPlanner.describedResources(job: job, target: target) { return described }
    if case .local = target.kind {
      do { return [try NodeResources.local(host: target.hosts[0])] } catch {
        throw SweepError(message: "cannot read this machine's memory: \(error)")
      }
    }
    let hosts = Array(target.hosts.prefix(count))
    // AtomicFile creates the work folder; its error names the hostfile and the reason.
    do { try AtomicFile.write(hosts.map { "\($0):1\n" }.joined(), to: workFolder + "/hostfile") } catch {
      throw SweepError(message: error.description)
    }
    let launch = ProgramLaunch(
      executable: mpiexec,
      arguments: target.mpiexecArguments(hosts: hosts.count, ranksPerHost: 1, hostfilePath: workFolder + "/hostfile")
        + [clusterbench, "survey"],
      workingDirectory: workFolder, standardOutputPath: workFolder + "/survey.json",
      standardErrorPath: workFolder + "/survey.stderr", deadline: .seconds(120))
    progress("surveying \(hosts.count) node\(hosts.count == 1 ? "" : "s") (read-only): \(launch.displayText)")
    let outcome: LaunchOutcome
    do { outcome = try ProgramLauncher.run(launch) } catch { throw SweepError(message: error.description) }
    guard outcome.succeeded, let data = FileManager.default.contents(atPath: workFolder + "/survey.json"),
      let nodes = try? JSONDecoder().decode([NodeResources].self, from: data), nodes.count == hosts.count
    else {
      let why =
        outcome.timedOut
        ? "no answer within 120 s" : (SweepRunner.lastLine(of: workFolder + "/survey.stderr") ?? "no survey output")
      throw SweepError(
        message: "the node survey failed (\(why)); check the hosts with `clusterbench doctor`, or describe the "
          + "nodes with memory_per_node and cores_per_node in the job file")
    }
    // With one rank per host in hostfile order, rank i ran on host i: keep the hostfile's names.
    return zip(hosts, nodes).map {
      NodeResources(host: $0, memTotalBytes: $1.memTotalBytes, memAvailableBytes: $1.memAvailableBytes, cores: $1.cores)
    }
  }
}
