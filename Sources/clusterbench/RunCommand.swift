import ArgumentParser
import ClusterBench
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `clusterbench run`: mpiexec on an emulated cluster, a hostfile's hosts or this machine,
/// without launcher flags.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run an MPI program on an emulated cluster, a hostfile's hosts or this machine.",
    discussion: """
      Builds the mpiexec (MPICH's mpiexec.mpich) command line and becomes it: the program's \
      output passes straight through and the exit status is mpiexec's. With --cluster the \
      launcher flags, the hostfile and the UCX settings come from the emulated cluster; with \
      --hostfile from the file; with neither the ranks run here. --nodes K takes the first K \
      hosts. Without --ranks-per-node or -n, each node runs one rank per core (emulated \
      clusters know theirs; hostfile hosts get 1; this machine its CPUs).

      Examples:
        clusterbench run --cluster emu -- .build/release/mpi-selftest
        clusterbench run --cluster emu --nodes 2 -- .build/release/hplswift
        clusterbench run --hostfile hosts -n 8 -- .build/release/hplswift
        clusterbench run -n 2 -- .build/release/mpi-selftest
        clusterbench run --cluster emu --dry-run -- .build/release/mpi-selftest
      """)

  @Option(help: ArgumentHelp("The emulated cluster to run on.", valueName: "NAME")) var cluster: String?

  @Option(help: ArgumentHelp("A hostfile (MPICH syntax) whose hosts to run on.", valueName: "FILE"))
  var hostfile: String?

  @Option(help: ArgumentHelp("Use the first K nodes (default: all).", valueName: "K")) var nodes: Int?

  @Option(help: ArgumentHelp("Ranks on each node.", valueName: "R")) var ranksPerNode: Int?

  @Option(name: .customShort("n"), help: ArgumentHelp("Ranks in all.", valueName: "N")) var processes: Int?

  @Flag(help: "Print the mpiexec command line instead of running it.") var dryRun = false

  @Argument(parsing: .postTerminator, help: "The program and its arguments, after '--'.") var command: [String] = []

  func validate() throws {
    if cluster != nil && hostfile != nil { throw ValidationError("--cluster and --hostfile exclude each other") }
    if command.isEmpty {
      throw ValidationError("give the program to run after '--', e.g. -- .build/release/mpi-selftest")
    }
  }

  func run() throws {
    let plan: RunPlan
    do throws(ClusterError) {
      let target: LaunchTarget
      var hostfilePath: String?
      if let cluster {
        target = try EmulatedCluster.launchTarget(name: cluster)
        hostfilePath = EmulatedCluster.hostfilePath(name: cluster)
        if !dryRun && geteuid() != 0 {
          throw ClusterError("running on emulated cluster \(cluster) needs root (its nodes are network namespaces)")
        }
      } else if let hostfile {
        let file: Hostfile
        do { file = try Hostfile.read(path: hostfile) } catch {
          throw ClusterError(flag: "--hostfile", error.description)
        }
        target = LaunchTarget(kind: .hostfile(path: hostfile), hosts: file.hosts)
        hostfilePath = hostfile
      } else {
        target = LaunchTarget(kind: .local, hosts: [])
      }
      plan = try RunPlan(
        target: target, hostfilePath: hostfilePath, nodes: nodes, ranksPerNode: ranksPerNode, processes: processes,
        command: command)
    } catch {
      throw Cluster.fail(error, command: "clusterbench run")
    }
    if dryRun {
      print(ProgramLaunch(executable: plan.launcher, arguments: plan.arguments).displayText)
      return
    }
    // Become mpiexec: its output, signals and exit status are the user's directly.
    fflush(nil)
    let arguments = plan.commandLine.map { strdup($0) } + [nil]
    execvp(plan.launcher, arguments)
    let reason = String(cString: strerror(errno))
    throw Cluster.fail(ClusterError("cannot run \(plan.launcher): \(reason)"), command: "clusterbench run")
  }
}
