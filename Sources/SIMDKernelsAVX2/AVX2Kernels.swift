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
      _ x: UnsafePointer<Float>, channels: Int, paddedPlane: Int, paddedWidth: Int, tapOffsets: UnsafePointer<Int>,
      weights: UnsafePointer<Float>, taps: Int, stride: Int, outputHeight: Int, outputWidth: Int,
      bias: UnsafePointer<Float>?, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, slope: Float?,
      runs: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>
    ) {
      SIMDKernels.depthwiseConvolution(
        SIMD8<Float>.self, x, channels: channels, paddedPlane: paddedPlane, paddedWidth: paddedWidth,
        tapOffsets: tapOffsets, weights: weights, taps: taps, stride: stride, outputHeight: outputHeight,
        outputWidth: outputWidth, bias: bias, scale: scale, shift: shift, slope: slope, runs: runs, into: y)
    }

    public static func padPlanes(
      _ source: UnsafePointer<Float>, planes: Int, height: Int, width: Int, leading: Int, trailing: Int,
      into padded: UnsafeMutablePointer<Float>
    ) {
      SIMDKernels.padPlanes(
        SIMD8<Float>.self, source, planes: planes, height: height, width: width, leading: leading, trailing: trailing,
        into: padded)
    }

    public static func maxPool2x2(
      _ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
      into y: UnsafeMutablePointer<Float>
    ) {
      SIMDKernels.maxPool2x2(
        SIMD8<Float>.self, x, planes: planes, height: height, width: width, outputHeight: outputHeight,
        outputWidth: outputWidth, into: y)
    }

    public static func maxPool2x2StrideOne(
      _ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
      into y: UnsafeMutablePointer<Float>
    ) {
      SIMDKernels.maxPool2x2StrideOne(
        SIMD8<Float>.self, x, planes: planes, height: height, width: width, outputHeight: outputHeight,
        outputWidth: outputWidth, into: y)
    }
  }
#endif
