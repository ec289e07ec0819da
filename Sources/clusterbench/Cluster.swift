import ArgumentParser
import ClusterBench
import Foundation
import HPL
import SuiteCore

/// `clusterbench cluster up|status|down`: an emulated cluster on this machine (and the hidden
/// `exec` its launcher wrapper runs).
struct Cluster: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Emulate a cluster on this machine: nodes as network namespaces with shaped links and limits.",
    discussion: """
      Each node is a Linux network namespace with its own host name (NAME-1 ... NAME-N), \
      address on a private subnet, boot id and network counters, a CPU quota and a memory \
      limit (cgroups), joined to a bridge by a veth pair whose two directions are rate-limited \
      with tc's token bucket. MPI ranks on different nodes talk TCP through those links (UCX's \
      shared memory stays within a node), so bandwidth shapes results as on real hardware. \
      Needs root. `clusterbench run --cluster NAME` and job files use a cluster without \
      launcher flags; its hostfile and launcher wrapper are in /run/clusterbench/clusters/NAME/.

      Examples:
        clusterbench cluster up --nodes 4 --bandwidth 100mbit
        clusterbench cluster status
        clusterbench run --cluster emu -- .build/release/hplswift --dat HPL.dat
        clusterbench cluster down emu
      """,
    subcommands: [Up.self, Status.self, Down.self, Exec.self])

  /// Prints `clusterbench cluster: <error>` and fails.
  static func fail(_ error: ClusterError, command: String = "clusterbench cluster") -> ExitCode {
    FileHandle.standardError.write(Data("\(command): \(error.description)\n".utf8))
    return ExitCode.failure
  }

  struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Build an emulated cluster.",
      discussion: """
        Builds NAME-1 ... NAME-N and prints their status. The bridge takes the subnet's first \
        address, the nodes the next ones. --cpu-share gives each node a fraction of its cores \
        (one value for all, or one per node); the CPU quota is cores × share. --bandwidth \
        limits each node's link in both directions (tc tbf). A name, interface, namespace, \
        cgroup or subnet already in use is refused; if anything fails midway, everything made \
        so far is removed.

        Examples:
          clusterbench cluster up --nodes 4 --bandwidth 100mbit
          clusterbench cluster up --nodes 4 --cores-per-node 1 --cpu-share 1,1,1,0.25
          clusterbench cluster up --nodes 2 --memory-per-node 2GiB --bandwidth 1gbit
          clusterbench cluster up --name fast --nodes 2 --subnet 10.214.0.0/24
        """)

    @Option(help: "How many nodes (1 to 64).") var nodes = 4

    @Option(help: ArgumentHelp("Cores per node (default: this machine's CPUs / nodes, at least 1).", valueName: "C"))
    var coresPerNode: Int?

    @Option(
      help: ArgumentHelp(
        "Memory limit per node: 2GiB, 512MiB (default: this machine's memory / nodes).", valueName: "SIZE"))
    var memoryPerNode: String?

    @Option(
      help: ArgumentHelp("Each link's rate, both directions: 100mbit, 1gbit (default: unshaped).", valueName: "RATE"))
    var bandwidth: String?

    @Option(
      help: ArgumentHelp("Added delay per link and direction: 2ms (needs the kernel's netem qdisc).", valueName: "TIME")
    )
    var delay: String?

    @Option(
      help: ArgumentHelp("Fraction of its cores each node may use: 0.5, or per node 1,1,1,0.25.", valueName: "LIST"))
    var cpuShare: String?

    @Option(help: ArgumentHelp("The cluster's name: 1-9 of a-z 0-9 -, starting with a letter.", valueName: "NAME"))
    var name = ClusterSpec.defaultName

    @Option(help: ArgumentHelp("The private subnet of the bridge and nodes.", valueName: "CIDR"))
    var subnet = ClusterSpec.defaultSubnet

    func run() throws {
      do throws(ClusterError) {
        var memory: UInt64?
        if let memoryPerNode {
          do {
            memory = UInt64(try ByteSize.parse(memoryPerNode, flag: "--memory-per-node"))
          } catch {
            throw ClusterError(error.description)
          }
        }
        let spec = try ClusterSpec(
          name: name, nodes: nodes, coresPerNode: coresPerNode, memoryPerNodeBytes: memory,
          bandwidth: try bandwidth.map { text throws(ClusterError) in try LinkRate(text) }, delay: delay,
          cpuShares: try cpuShare.map { text throws(ClusterError) in try ClusterSpec.parseCPUShares(text) },
          subnet: try IPv4Subnet(subnet))
        if let warning = spec.oversubscriptionWarning() {
          FileHandle.standardError.write(Data("clusterbench cluster up: \(warning)\n".utf8))
        }
        let state = try EmulatedCluster.up(spec)
        let status = try EmulatedCluster.status(name: state.name)
        print(status.render(folders: ClusterFolders()), terminator: "")
      } catch {
        throw Cluster.fail(error)
      }
    }
  }

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show emulated clusters: nodes, addresses, limits, traffic, and whether all still exists.",
      discussion: """
        Without NAME, every cluster on this machine. Exits 1 when a cluster is incomplete or \
        something it needs is missing (a namespace, interface, rate limit, cgroup or file); \
        `cluster down NAME` then removes the rest. Traffic counters need root.

        Examples:
          clusterbench cluster status
          clusterbench cluster status emu
        """)

    @Argument(help: "The cluster (default: all).") var name: String?

    func run() throws {
      let folders = ClusterFolders()
      let names = name.map { [$0] } ?? EmulatedCluster.names()
      if names.isEmpty {
        print("no emulated clusters (clusterbench cluster up --nodes 4 makes one)")
        return
      }
      var intact = true
      do throws(ClusterError) {
        for (index, cluster) in names.enumerated() {
          let status = try EmulatedCluster.status(name: cluster, folders: folders)
          print((index > 0 ? "\n" : "") + status.render(folders: folders), terminator: "")
          intact = intact && status.isIntact
        }
      } catch {
        throw Cluster.fail(error)
      }
      if !intact { throw ExitCode.failure }
    }
  }

  struct Down: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove an emulated cluster, leaving nothing behind.",
      discussion: """
        Stops any process still running on its nodes, then deletes its namespaces, interfaces, \
        rate limits, cgroups and files. Also removes what a failed or interrupted `up` left.

        Examples:
          clusterbench cluster down emu
          clusterbench cluster down --all
        """)

    @Argument(help: "The cluster to remove.") var name: String?
    @Flag(help: "Remove every emulated cluster.") var all = false

    func validate() throws {
      if all == (name != nil) { throw ValidationError("give a cluster NAME or --all (not both)") }
    }

    func run() throws {
      let names = all ? EmulatedCluster.names() : [name!]
      var failed = false
      for cluster in names {
        do throws(ClusterError) {
          let stopped = try EmulatedCluster.down(name: cluster)
          let note = stopped > 0 ? " (stopped \(stopped) process\(stopped == 1 ? "" : "es") still running on it)" : ""
          print("removed emulated cluster \(cluster)\(note)")
        } catch {
          _ = Cluster.fail(error)
          failed = true
        }
      }
      if all && names.isEmpty { print("no emulated clusters") }
      if failed { throw ExitCode.failure }
    }
  }

  /// What the launcher wrapper runs: `cluster exec NAME HOST COMMAND...`.
  struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a command on a node of an emulated cluster (what the launcher wrapper runs for mpiexec).",
      discussion: """
        Joins the node's cgroups, enters its network namespace, gives it its host name, boot \
        id and the cluster's /etc/hosts, then replaces itself with COMMAND. Hydra calls the \
        cluster's wrapper as `WRAPPER HOST COMMAND...`; the wrapper runs this.

        Examples:
          clusterbench cluster exec emu emu-2 hostname
          clusterbench cluster exec emu emu-1 -- cat /proc/net/dev
        """,
      shouldDisplay: false)

    @Argument(help: "The cluster.") var name: String
    @Argument(help: "The node (a host name of the cluster's hostfile).") var host: String
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.") var command: [String] = []

    func run() throws {
      do throws(ClusterError) {
        try NodeExec.exec(cluster: name, node: host, command: command)
      } catch {
        throw Cluster.fail(error, command: "clusterbench cluster exec")
      }
    }
  }
}
