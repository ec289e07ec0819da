// Built with -target-cpu haswell (Package.swift): nothing here may run unless AVX2Kernels.isSupported.
#if arch(x86_64)
  import SIMDKernels

  /// The vector kernels for AVX2 with FMA: 8-float vectors, 16 registers, so 8 × 1-vector tiles (8 × 2 would spill).
  public enum AVX2Kernels: VectorKernels {
    public static let name = "AVX2"
    public static var isSupported: Bool { InstructionSet.avx2.isSupported }
    public static let vectorWidth = 8

    public static func matrixProduct(
      rows: Int, depth: Int, columns: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
      rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
      SIMDKernels.matrixProduct(
        SIMD8<Float>.self, wide: false, rows: rows, depth: depth, columns: columns, a: a, lda: lda, b: b,
        rowOffsets: rowOffsets, c: c, ldc: ldc)
    }

    public static func affineActivation(
      _ x: UnsafePointer<Float>, rows: Int, count: Int, xStride: Int, bias: Float, scale: Float, shift: Float,
      residual: UnsafePointer<Float>?, slope: Float?, into y: UnsafeMutablePointer<Float>, yStride: Int
    ) {
      SIMDKernels.affineActivation(
        SIMD8<Float>.self, x, rows: rows, count: count, xStride: xStride, bias: bias, scale: scale, shift: shift,
        residual: residual, slope: slope, into: y, yStride: yStride)
    }

    public static func multiplyAdd3(
      into accumulator: UnsafeMutablePointer<Float>, count: Int, _ p0: UnsafePointer<Float>, _ w0: Float,
      _ p1: UnsafePointer<Float>, _ w1: Float, _ p2: UnsafePointer<Float>, _ w2: Float
    ) {
      SIMDKernels.multiplyAdd3(SIMD8<Float>.self, into: accumulator, count: count, p0, w0, p1, w1, p2, w2)
    }

    public static func multiplyAdd1(
      into accumulator: UnsafeMutablePointer<Float>, count: Int, _ p0: UnsafePointer<Float>, _ w0: Float
    ) {
      SIMDKernels.multiplyAdd1(SIMD8<Float>.self, into: accumulator, count: count, p0, w0)
    }
  }
#endif
