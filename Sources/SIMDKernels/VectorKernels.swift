import CCPUFeatures

/// The kernels of MatrixProduct.swift, ChannelKernels.swift, DepthwiseConvolution.swift, PaddedPlanes.swift and
/// MaxPooling.swift compiled for one instruction set: each
/// conforming type lives in a module built for its target CPU (SIMDKernelsAVX512, SIMDKernelsAVX2) and
/// may be called only where ``isSupported`` holds. ``fastest(among:maximum:)`` picks one at run time, as
/// OpenBLAS picks its kernels, so that one build runs on every x86-64 CPU and uses what each one has.
public protocol VectorKernels {
  /// `AVX-512`, `AVX2`: what `cnnswift` reports.
  static var name: String { get }
  /// Whether this CPU and its operating system run the instructions these kernels were built for.
  static var isSupported: Bool { get }
  /// The floats one vector holds: a matrix product's columns are a multiple of it.
  static var vectorWidth: Int { get }
  /// See ``matrixProduct(_:wide:rows:depth:columns:a:lda:b:rowOffsets:c:ldc:accumulate:epilogue:)``.
  static func matrixProduct(
    rows: Int, depth: Int, columns: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
    rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: ProductEpilogue?)
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
