import ArgumentParser
import BLAS
import CNN
import Foundation

extension CNNSwift {
  struct Sgemm: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure the BLAS's single-precision matrix-multiply rate on one thread.",
      discussion: """
        The ceiling of the engine's convolutions and dense layers, which are sgemm calls plus the \
        copies around them: a training step's GFLOP/s (3 × the forward FLOPs `cnnswift models` \
        lists, times images per second) over this rate is how much of the BLAS the engine uses. \
        Reports the best of --repeat products of two n × n matrices.

        Examples:
          cnnswift sgemm
          LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \\
            OPENBLAS_NUM_THREADS=1 cnnswift sgemm --n 2048
        """)

    @Option(help: "The order of the matrices.") var n = 1024
    @Option(name: .customLong("repeat"), help: "Timed products; the best is reported.") var repetitions = 5

    func validate() throws {
      guard n >= 1 else { throw ValidationError("--n must be at least 1, got \(n)") }
      guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1, got \(repetitions)") }
    }

    func run() throws {
      print("BLAS: \(BLASLibrary.loaded().summary)")
      let rate = SgemmRate.measure(n: n, repetitions: repetitions)
      print(String(format: "sgemm %d×%d×%d: %.1f GFLOP/s (best of %d)", n, n, n, rate, repetitions))
    }
  }
}
