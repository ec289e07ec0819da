// Built with -target-cpu haswell (Package.swift): nothing here may run unless AVX2Kernels.isSupported.
#if arch(x86_64)
  import SIMDKernels

  /// The vector kernels for AVX2 with FMA: 8-float vectors, 16 registers, so 8 × 1-vector tiles (8 × 2 would spill).
  public enum AVX2Kernels: VectorKernels {
    public static let name = "AVX2"
    public static var isSupported: Bool { InstructionSet.avx2.isSupported }
    public typealias Vector = SIMD8<Float>
    public static let wideTiles = false
  }
#endif
