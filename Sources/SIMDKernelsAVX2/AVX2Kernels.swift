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
      rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: ProductEpilogue?
    ) {
      SIMDKernels.matrixProduct(
        SIMD8<Float>.self, wide: false, rows: rows, depth: depth, columns: columns, a: a, lda: lda, b: b,
        rowOffsets: rowOffsets, c: c, ldc: ldc, epilogue: epilogue)
    }

    public static func affineActivation(
      _ x: UnsafePointer<Float>, rows: Int, count: Int, xStride: Int, bias: Float, scale: Float, shift: Float,
      residual: UnsafePointer<Float>?, slope: Float?, into y: UnsafeMutablePointer<Float>, yStride: Int
    ) {
      SIMDKernels.affineActivation(
        SIMD8<Float>.self, x, rows: rows, count: count, xStride: xStride, bias: bias, scale: scale, shift: shift,
        residual: residual, slope: slope, into: y, yStride: yStride)
    }

    public static func depthwiseConvolution(
      _ x: UnsafePointer<Float>, tapOffsets: UnsafePointer<Int>, weights: UnsafePointer<Float>, taps: Int,
      segments: Int, segmentStep: Int, count: Int, bias: Float, scale: Float, shift: Float, slope: Float?,
      into y: UnsafeMutablePointer<Float>, segmentStride: Int
    ) {
      SIMDKernels.depthwiseConvolution(
        SIMD8<Float>.self, x, tapOffsets: tapOffsets, weights: weights, taps: taps, segments: segments,
        segmentStep: segmentStep, count: count, bias: bias, scale: scale, shift: shift, slope: slope, into: y,
        segmentStride: segmentStride)
    }
  }
#endif
