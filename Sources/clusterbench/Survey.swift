import ArgumentParser
import Foundation
import HPL
import HPLBenchmark
import MPI

/// `clusterbench survey`, run by `submit` under mpiexec with one rank per node: prints every
/// node's memory and cores as JSON (rank 0).
struct Survey: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print every node's memory and cores as JSON (run under mpiexec, one rank per node).",
    discussion: """
      Used by `clusterbench submit` to size N from the nodes themselves.

      Example:
        mpiexec -f hostfile -ppn 1 clusterbench survey
      """,
    shouldDisplay: false)

  func run() throws {
    try MPIEnvironment.initialize(threadLevel: .funneled)
    let status = MPIProgram.run(name: "clusterbench survey") {
      let nodes = try ClusterSurvey.gather(on: .world)
      if Communicator.world.rank == 0 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(nodes), as: UTF8.self))
      }
      return 0
    }
    MPIProgram.finalizeAndExit(status, name: "clusterbench survey")
  }
}
