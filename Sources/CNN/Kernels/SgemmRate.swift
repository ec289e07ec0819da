import BLAS
import Foundation

/// The single-precision matrix-multiply rate of the loaded BLAS on this thread: the ceiling of the
/// engine's convolutions and dense layers, which are sgemms plus the copies around them.
public enum SgemmRate {
  /// GFLOP/s of the best of `repetitions` products C = A · B of `n × n` matrices (2n³ operations
  /// each), after one untimed product that warms the caches and the BLAS's buffers.
  public static func measure(n: Int = 1024, repetitions: Int = 5) -> Double {
    var (a, b, c) = (
      [Float](repeating: 1, count: n * n), [Float](repeating: 0.5, count: n * n), [Float](repeating: 0, count: n * n)
    )
    var best = Double.infinity
    a.withUnsafeMutableBufferPointer { ap in
      b.withUnsafeMutableBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          let (va, vb, vc) = (
            MatrixView(ap, rows: n, columns: n), MatrixView(bp, rows: n, columns: n),
            MatrixView(cp, rows: n, columns: n)
          )
          for repetition in 0...max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            gemm(.noTranspose, .noTranspose, alpha: 1, va, vb, beta: 0, vc)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if repetition > 0 { best = min(best, seconds) }
          }
        }
      }
    }
    return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
  }
}
