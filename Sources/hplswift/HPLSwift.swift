import ArgumentParser
import ClusterRun
import Foundation
import MPI
import SuiteCommands
import SuiteCore

/// `hplswift`: an HPL-faithful LU benchmark. The default subcommand runs HPL.dat.
@main
struct HPLSwift: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hplswift",
    abstract: "An HPL-faithful distributed LU benchmark on MPI and BLAS.",
    discussion: """
      Reads HPL.dat (netlib HPL 2.3's format), solves a dense random system on a P×Q \
      block-cyclic process grid for every combination it lists, checks the scaled residual and \
      prints xhpl's report. Each test also appends a row to results/hpl.csv.

      Examples:
        mpiexec -n 2 hplswift              # ./HPL.dat on 2 local ranks
        mpiexec -f hostfile -n 132 hplswift --dat hpl/HPL.dat
        mpiexec -n 2 hplswift --telemetry=1   # + results/runs/<run id>/*.csv
        hplswift dat --nodes 22 --memory-per-node 4GiB \\
          --cores-per-node 6 --memory-fraction 0.8 -o HPL.dat
        mpiexec -f hostfile -ppn 1 hplswift dat --from-cluster -o HPL.dat
        mpiexec -n 2 hplswift dgemm --m 5000 --n 5000 --k 192
      """,
    version: SuiteVersion.current,
    subcommands: [Run.self, Dat.self, Dgemm.self, Probe.self],
    defaultSubcommand: Run.self)

  /// Under mpiexec only rank 0 prints an argument error (see ``ParsableCommand/mainUnderMPI()``).
  static func main() { mainUnderMPI() }

}
