import CCPUFeatures

/// The kernels of MatrixProduct.swift, ChannelKernels.swift, DepthwiseConvolution.swift,
/// ChannelsLastDepthwise.swift, PaddedPlanes.swift and MaxPooling.swift compiled for one instruction set. A conforming type names its vector type and lives in
/// a module built for its target CPU (SIMDKernelsAVX512, SIMDKernelsAVX2), where the implementations below
/// are specialized for that vector and compiled for that CPU; it may be called only where ``isSupported``
/// holds. The engine picks one at run time (CNN's VectorUnit), as OpenBLAS picks its kernels, so that one
/// build runs on every x86-64 CPU and uses what each one has.
public protocol VectorKernels {
  /// The CPU's vector of floats: `SIMD16<Float>` for AVX-512, `SIMD8<Float>` for AVX2.
  associatedtype Vector: SIMD where Vector.Scalar == Float
  /// `AVX-512`, `AVX2`: what `cnnswift` reports.
  static var name: String { get }
  /// Whether this CPU and its operating system run the instructions these kernels were built for.
  static var isSupported: Bool { get }
  /// Whether the product's tiles are two vectors wide (enough registers for 16 accumulators).
  static var wideTiles: Bool { get }
  /// See ``matrixProduct(_:wide:rows:depth:columns:a:lda:aColumnStride:b:rowOffsets:c:ldc:accumulate:epilogue:packing:)``.
  static func matrixProduct(
    rows: Int, depth: Int, columns: Int, a: UnsafePointer<Float>, lda: Int, aColumnStride: Int,
    b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int,
    epilogue: ProductEpilogue?, packing: UnsafeMutablePointer<Float>?)
  /// See ``affineActivation(_:_:rows:count:xStride:bias:scale:shift:residual:slope:into:yStride:)``.
  static func affineActivation(
    _ x: UnsafePointer<Float>, rows: Int, count: Int, xStride: Int, bias: Float, scale: Float, shift: Float,
    residual: UnsafePointer<Float>?, slope: Float?, into y: UnsafeMutablePointer<Float>, yStride: Int)
  /// See ``depthwiseConvolution(_:_:channels:paddedPlane:paddedWidth:tapOffsets:weights:taps:stride:outputHeight:outputWidth:bias:scale:shift:slope:runs:into:)``.
  static func depthwiseConvolution(
    _ x: UnsafePointer<Float>, channels: Int, paddedPlane: Int, paddedWidth: Int, tapOffsets: UnsafePointer<Int>,
    weights: UnsafePointer<Float>, taps: Int, stride: Int, outputHeight: Int, outputWidth: Int,
    bias: UnsafePointer<Float>?, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, slope: Float?,
    runs: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>)
  /// See ``channelsLastDepthwise(_:_:height:width:channels:weights:kernelSize:stride:padding:dilation:outputHeight:outputWidth:epilogue:into:)``.
  static func channelsLastDepthwise(
    _ x: UnsafePointer<Float>, height: Int, width: Int, channels: Int, weights: UnsafePointer<Float>,
    kernelSize: Int, stride: Int, padding: Int, dilation: Int, outputHeight: Int, outputWidth: Int,
    epilogue: ProductEpilogue, into y: UnsafeMutablePointer<Float>)
  /// See ``padPlanes(_:_:planes:height:width:leading:trailing:into:)``.
  static func padPlanes(
    _ source: UnsafePointer<Float>, planes: Int, height: Int, width: Int, leading: Int, trailing: Int,
    into padded: UnsafeMutablePointer<Float>)
  /// See ``maxPool2x2(_:planes:height:width:outputHeight:outputWidth:into:)``.
  static func maxPool2x2(
    _ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
    into y: UnsafeMutablePointer<Float>)
  /// See ``maxPool2x2StrideOne(_:_:planes:height:width:outputHeight:outputWidth:into:)``.
  static func maxPool2x2StrideOne(
    _ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
    into y: UnsafeMutablePointer<Float>)
}

extension VectorKernels {
  /// The floats one vector holds: a matrix product's columns are a multiple of it.
  @inlinable public static var vectorWidth: Int { Vector.scalarCount }

  @inlinable public static func matrixProduct(
    rows: Int, depth: Int, columns: Int, a: UnsafePointer<Float>, lda: Int, aColumnStride: Int,
    b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int,
    epilogue: ProductEpilogue?, packing: UnsafeMutablePointer<Float>?
  ) {
    SIMDKernels.matrixProduct(
      Vector.self, wide: wideTiles, rows: rows, depth: depth, columns: columns, a: a, lda: lda,
      aColumnStride: aColumnStride, b: b, rowOffsets: rowOffsets, c: c, ldc: ldc, epilogue: epilogue,
      packing: packing)
  }

  @inlinable public static func channelsLastDepthwise(
    _ x: UnsafePointer<Float>, height: Int, width: Int, channels: Int, weights: UnsafePointer<Float>,
    kernelSize: Int, stride: Int, padding: Int, dilation: Int, outputHeight: Int, outputWidth: Int,
    epilogue: ProductEpilogue, into y: UnsafeMutablePointer<Float>
  ) {
    SIMDKernels.channelsLastDepthwise(
      Vector.self, x, height: height, width: width, channels: channels, weights: weights, kernelSize: kernelSize,
      stride: stride, padding: padding, dilation: dilation, outputHeight: outputHeight, outputWidth: outputWidth,
      epilogue: epilogue, into: y)
  }

  @inlinable public static func affineActivation(
    _ x: UnsafePointer<Float>, rows: Int, count: Int, xStride: Int, bias: Float, scale: Float, shift: Float,
    residual: UnsafePointer<Float>?, slope: Float?, into y: UnsafeMutablePointer<Float>, yStride: Int
  ) {
    SIMDKernels.affineActivation(
      Vector.self, x, rows: rows, count: count, xStride: xStride, bias: bias, scale: scale, shift: shift,
      residual: residual, slope: slope, into: y, yStride: yStride)
  }

  @inlinable public static func depthwiseConvolution(
    _ x: UnsafePointer<Float>, channels: Int, paddedPlane: Int, paddedWidth: Int, tapOffsets: UnsafePointer<Int>,
    weights: UnsafePointer<Float>, taps: Int, stride: Int, outputHeight: Int, outputWidth: Int,
    bias: UnsafePointer<Float>?, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, slope: Float?,
    runs: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>
  ) {
    SIMDKernels.depthwiseConvolution(
      Vector.self, x, channels: channels, paddedPlane: paddedPlane, paddedWidth: paddedWidth, tapOffsets: tapOffsets,
      weights: weights, taps: taps, stride: stride, outputHeight: outputHeight, outputWidth: outputWidth, bias: bias,
      scale: scale, shift: shift, slope: slope, runs: runs, into: y)
  }

  @inlinable public static func padPlanes(
    _ source: UnsafePointer<Float>, planes: Int, height: Int, width: Int, leading: Int, trailing: Int,
    into padded: UnsafeMutablePointer<Float>
  ) {
    SIMDKernels.padPlanes(
      Vector.self, source, planes: planes, height: height, width: width, leading: leading, trailing: trailing,
      into: padded)
  }

  @inlinable public static func maxPool2x2(
    _ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
    into y: UnsafeMutablePointer<Float>
  ) {
    SIMDKernels.maxPool2x2(
      Vector.self, x, planes: planes, height: height, width: width, outputHeight: outputHeight,
      outputWidth: outputWidth, into: y)
  }

  @inlinable public static func maxPool2x2StrideOne(
    _ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
    into y: UnsafeMutablePointer<Float>
  ) {
    SIMDKernels.maxPool2x2StrideOne(
      Vector.self, x, planes: planes, height: height, width: width, outputHeight: outputHeight,
      outputWidth: outputWidth, into: y)
  }
}

/// The instruction sets kernels are built for, widest first.
public enum InstructionSet: String, Sendable, CaseIterable, Comparable {
  case avx512
  case avx2
  /// None of the above: the engine's portable code and the BLAS alone.
  case baseline

  /// Whether this CPU and its operating system run it.
  public var isSupported: Bool {
    switch self {
    case .avx512: CCPUFeatures_hasAVX512() != 0
    case .avx2: CCPUFeatures_hasAVX2() != 0
    case .baseline: true
    }
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    allCases.firstIndex(of: lhs)! > allCases.firstIndex(of: rhs)!
  }
}
