import ArgumentParser
import Files
import Foundation
import HPL
import HPLBenchmark
import MPI
import SuiteCore

extension HPLSwift {
  struct Dat: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write an HPL.dat sized from the cluster's memory.",
      discussion: """
        N is the largest multiple of NB whose matrix (8·N² bytes) fits the memory fraction of the \
        cluster's memory; one rank per core; the grid closest to square with P ≤ Q. The other \
        lines take the values tuned HPL.dat files commonly use (PFACT right, NBMIN 4, NDIV 2, \
        RFACT Crout, BCAST 1ringM, DEPTH 1, SWAP mix). The reasoning is printed on standard \
        error (or standard output with -o).

        Without --nodes/--memory-per-node/--cores-per-node it sizes for this machine alone. \
        With --from-cluster, run under mpiexec with one rank per node (or more), it reads \
        MemTotal, MemAvailable and the core count on every node and sizes from the smallest node.

        Examples:
          hplswift dat --nodes 22 --memory-per-node 4GiB --cores-per-node 6 \\
            --memory-fraction 0.8 -o HPL.dat
          hplswift dat --nodes 22 --memory-per-node 4GiB --cores-per-node 6 \\
            --memory-fraction 0.2 --nb 128
          hplswift dat -o HPL.dat            # this machine, 80 % of its memory
          mpiexec -f hostfile -ppn 1 hplswift dat --from-cluster -o HPL.dat
        """)

    @Option(help: "The number of nodes.") var nodes: Int?
    @Option(
      help:
        "The memory of one node, e.g. 4GiB, 3.5G, 512MiB (K/M/G/T and KiB/MiB/GiB/TiB are binary, kB/MB/GB decimal).")
    var memoryPerNode: String?
    @Option(help: "Cores per node: one rank per core.") var coresPerNode: Int?
    @Option(help: "The share of all memory the matrix may fill, in (0, 1]; the ROCK-CNN runs used 0.2 and 0.8.")
    var memoryFraction = 0.8
    @Option(help: "The block size NB (default 192).") var nb: Int?
    @Flag(help: "Read every node's memory and cores (run under mpiexec).") var fromCluster = false
    @Option(name: .shortAndLong, help: "Write the file here (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
      let described = [nodes != nil, memoryPerNode != nil, coresPerNode != nil]
      if fromCluster && described.contains(true) {
        throw ValidationError(
          "--from-cluster reads the nodes itself; drop --nodes, --memory-per-node and --cores-per-node.")
      }
      if described.contains(true) && described.contains(false) {
        throw ValidationError(
          "Give all three of --nodes, --memory-per-node and --cores-per-node (or none, to size for this machine).")
      }
    }

    func run() throws {
      if fromCluster {
        try MPIEnvironment.initialize(threadLevel: .funneled)
        let status = HPLSwift.runReportingErrors {
          let nodes = try ClusterSurvey.gather(on: .world)
          guard Communicator.world.rank == 0 else { return 0 }
          return write(try DatSizer.plan(nodes: nodes, fraction: memoryFraction, nb: nb))
        }
        HPLSwift.finalizeAndExit(try Communicator.world.broadcast(status, root: 0))
      }
      let plan: DatPlan
      if let nodes, let memoryPerNode, let coresPerNode {
        plan = try DatSizer.plan(
          nodeCount: nodes, memoryPerNodeBytes: try ByteSize.parse(memoryPerNode, flag: "--memory-per-node"),
          coresPerNode: coresPerNode, fraction: memoryFraction, nb: nb)
      } else {
        let node = try NodeResources.local()
        var local = try DatSizer.plan(nodes: [node], fraction: memoryFraction, nb: nb)
        local.explanation.append(
          "For a cluster of nodes like this one (\(node.cores) cores, \(ByteSize.describe(node.memTotalBytes))), "
            + "say 4: \(DatSizer.clusterCommand(like: node, nodes: 4)) -o HPL.dat")
        plan = local
      }
      let status = write(plan)
      if status != 0 { throw ExitCode(status) }
    }

    /// Prints the reasoning and writes the file; returns the exit status.
    func write(_ plan: DatPlan) -> Int32 {
      let why = plan.explanation.map { "# " + $0 }.joined(separator: "\n") + "\n"
      guard let output else {
        FileHandle.standardError.write(why.data(using: .utf8)!)
        print(plan.render(), terminator: "")
        return 0
      }
      do {
        try AtomicFile.write(plan.render(), to: output)
        print(why, terminator: "")
        print(
          "wrote \(output): N=\(plan.n) NB=\(plan.nb) P=\(plan.grid.rows) Q=\(plan.grid.columns) (\(plan.ranks) ranks)")
        return 0
      } catch {
        HPLSwift.printError("hplswift dat: cannot write \(output): \(error)")
        return 1
      }
    }
  }
}
