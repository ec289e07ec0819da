// Built with -target-cpu skylake-avx512 (Package.swift): nothing here may run unless AVX512Kernels.isSupported.
#if arch(x86_64)
  import SIMDKernels

  /// The vector kernels for AVX-512 (F, CD, BW, DQ, VL): 16-float vectors, 32 registers, so 8 × 2-vector tiles.
  public enum AVX512Kernels: VectorKernels {
    public static let name = "AVX-512"
    public static var isSupported: Bool { InstructionSet.avx512.isSupported }
    public typealias Vector = SIMD16<Float>
    public static let wideTiles = true
  }
#endif
