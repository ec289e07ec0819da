import SIMDKernels
import SIMDKernelsAVX2
import SIMDKernelsAVX512

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The vector kernels this process runs inference convolutions on: the widest instruction set the CPU has,
/// or nil (the im2col-and-BLAS path alone) on other CPUs.
///
/// `CNNSWIFT_CPU_ISA=avx512|avx2|baseline` caps the choice, as oneDNN's `ONEDNN_MAX_CPU_ISA` does: to compare
/// the paths, or to rule the kernels out on a CPU that misreports its features.
enum VectorUnit {
  /// The instruction set in use: the widest the CPU runs, within `CNNSWIFT_CPU_ISA`.
  static let instructionSet: InstructionSet = {
    let cap = getenv("CNNSWIFT_CPU_ISA").flatMap { InstructionSet(rawValue: String(cString: $0)) } ?? .avx512
    return InstructionSet.allCases.first { $0 <= cap && $0.isSupported } ?? .baseline
  }()

  /// The kernels of ``instructionSet``, nil for the baseline.
  static var fastest: (any VectorKernels.Type)? { kernels(for: instructionSet) }

  /// The kernels built for `set`, nil for the baseline and off x86-64.
  static func kernels(for set: InstructionSet) -> (any VectorKernels.Type)? {
    #if arch(x86_64)
      switch set {
      case .avx512: return AVX512Kernels.self
      case .avx2: return AVX2Kernels.self
      case .baseline: return nil
      }
    #else
      return nil
    #endif
  }
}
