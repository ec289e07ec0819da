import ArgumentParser
import BLAS
import Foundation
import HPL
import HPLBenchmark
import MPI
import SuiteCore

extension HPLSwift {
  struct Dgemm: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure the dgemm rate all ranks reach at once, at the trailing update's shape.",
      discussion: """
        Every rank computes C (m×n) −= A (m×k)·B (k×n) between the same barriers, repeatedly; \
        the best repetition is reported per rank and as a machine total. This is the ceiling \
        for hplswift's GFLOPS on the same ranks.

        Examples:
          mpiexec -n 2 hplswift dgemm --m 5000 --n 5000 --k 192
          hplswift dgemm --m 2048 --n 2048 --k 2048 --repeat 5
        """)

    @Option(help: "Rows of C and A.") var m = 5000
    @Option(help: "Columns of C and B.") var n = 5000
    @Option(help: "The inner dimension (NB in the LU's update).") var k = 192
    @Option(name: .customLong("repeat"), help: "Repetitions; the best is reported.") var repetitions = 3

    func validate() throws {
      guard m > 0, n > 0, k > 0 else { throw ValidationError("--m, --n and --k must be positive.") }
      guard repetitions > 0 else { throw ValidationError("--repeat must be at least 1.") }
      // Refused before MPI starts, on every rank alike: an allocation no rank can hold.
      let memory = (try? MemInfo.read().memTotalBytes) ?? 0
      let bytes = DgemmRate.bytes(m: m, n: n, k: k) ?? Int.max
      guard memory <= 0 || bytes <= memory else {
        throw ValidationError(
          "--m \(m) --n \(n) --k \(k): A, B and C take \(ByteSize.describeExactly(bytes)) on "
            + "every rank, more than this host's \(ByteSize.describe(memory)) of physical memory (MemTotal).")
      }
    }

    func run() throws {
      try MPIEnvironment.initialize(threadLevel: .funneled)
      let status = HPLSwift.runReportingErrors {
        let rate = try DgemmRate(m: m, n: n, k: k, repetitions: repetitions).measure(on: .world)
        if Communicator.world.rank == 0 {
          print("BLAS: \(BLASLibrary.loaded().summary)")
          for (rank, gflops) in rate.perRank.enumerated() {
            print(String(format: "dgemm rank %d GFLOPS: %.2f", rank, gflops))
          }
          print(String(format: "dgemm total GFLOPS: %.2f", rate.total))
        }
        return 0
      }
      HPLSwift.finalizeAndExit(status)
    }
  }
}
