// Built with -target-cpu skylake-avx512 (Package.swift): nothing here may run unless AVX512Kernels.isSupported.
#if arch(x86_64)
  import SIMDKernels

  /// The vector kernels for AVX-512 (F, CD, BW, DQ, VL): 16-float vectors, 32 registers, so 8 × 2-vector tiles.
  public enum AVX512Kernels: VectorKernels {
    public static let name = "AVX-512"
    public static var isSupported: Bool { InstructionSet.avx512.isSupported }
    public static let vectorWidth = 16

    public static func matrixProduct(
      rows: Int, depth: Int, columns: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
      rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
      SIMDKernels.matrixProduct(
        SIMD16<Float>.self, wide: true, rows: rows, depth: depth, columns: columns, a: a, lda: lda, b: b,
        rowOffsets: rowOffsets, c: c, ldc: ldc)
    }

    public static func affineActivation(
      _ x: UnsafePointer<Float>, rows: Int, count: Int, xStride: Int, bias: Float, scale: Float, shift: Float,
      residual: UnsafePointer<Float>?, slope: Float?, into y: UnsafeMutablePointer<Float>, yStride: Int
    ) {
      SIMDKernels.affineActivation(
        SIMD16<Float>.self, x, rows: rows, count: count, xStride: xStride, bias: bias, scale: scale, shift: shift,
        residual: residual, slope: slope, into: y, yStride: yStride)
    }

    public static func multiplyAdd3(
      into accumulator: UnsafeMutablePointer<Float>, count: Int, _ p0: UnsafePointer<Float>, _ w0: Float,
      _ p1: UnsafePointer<Float>, _ w1: Float, _ p2: UnsafePointer<Float>, _ w2: Float
    ) {
      SIMDKernels.multiplyAdd3(SIMD16<Float>.self, into: accumulator, count: count, p0, w0, p1, w1, p2, w2)
    }

    public static func multiplyAdd1(
      into accumulator: UnsafeMutablePointer<Float>, count: Int, _ p0: UnsafePointer<Float>, _ w0: Float
    ) {
      SIMDKernels.multiplyAdd1(SIMD16<Float>.self, into: accumulator, count: count, p0, w0)
    }
  }
#endif
