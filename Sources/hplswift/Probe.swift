import ArgumentParser
import Foundation
import MPI
import Preflight

extension HPLSwift {
  /// `hplswift probe`: what `clusterbench doctor` asks each node.
  struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Report this node's build, MPI, BLAS and name resolution as JSON (used by clusterbench doctor).",
      discussion: """
        Without --exchange it prints one JSON object (rank 0) describing this node and how it \
        resolves the --resolve names. With --exchange every rank says when it starts and ends a \
        hello (allgather) and an allreduce of --megabytes, so a rank that never answers is named.

        Examples:
          hplswift probe --resolve rock01,rock02
          mpiexec -f hostfile -ppn 1 hplswift probe --exchange --megabytes 1
        """,
      shouldDisplay: false)

    @Option(help: ArgumentHelp("Host names to resolve, comma-separated.", valueName: "NAMES")) var resolve = ""
    @Flag(help: "Run the timed hello and allreduce instead.") var exchange = false
    @Option(help: "Size of the allreduce, MiB (1 to 4096).") var megabytes = 1

    func validate() throws {
      guard (1...4096).contains(megabytes) else {
        throw ValidationError("--megabytes: expected 1 to 4096 MiB for the allreduce, got \(megabytes).")
      }
    }

    func run() throws {
      try MPIEnvironment.initialize(threadLevel: .funneled)
      let status = MPIProgram.run(name: "hplswift probe") {
        if exchange {
          let summary = try ProbeExchange.run(on: .world, megabytes: megabytes) { line in
            print(line)
            fflush(nil)
          }
          if let summary { print("probe: " + summary) }
        } else if Communicator.world.rank == 0 {
          let names = resolve.split(separator: ",").map(String.init)
          let encoder = JSONEncoder()
          encoder.outputFormatting = [.sortedKeys]
          print(String(decoding: try encoder.encode(ProbeReport.collect(resolving: names)), as: UTF8.self))
        }
        return 0
      }
      MPIProgram.finalizeAndExit(status, name: "hplswift probe")
    }
  }
}
