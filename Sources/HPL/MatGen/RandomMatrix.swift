/// The benchmark's pseudo-random system [A|b], generated piece by piece so that every process
/// makes only its own blocks and the matrix does not depend on the grid, NB or the mapping.
///
/// A 64-bit linear congruential generator X(k+1) = a·X(k) + 1 mod 2^64 with a = 6364136223846793005
/// and X(0) = seed (100 by default); the entry at column-major index k = i + j·N (b is column N) is
/// 0.5 − X(k+1)/2^64, uniform in (−0.5, 0.5]. Jumping ahead to any index costs O(log k), by composing
/// the affine step with itself (HPL does the same with its own generator). netlib: `HPL_pdmatgen`,
/// `HPL_xjumpm`.
public struct RandomMatrix: Sendable {
  /// The order N of A; [A|b] has N rows and N + 1 columns.
  public let order: Int
  /// X(0) of the generator.
  public let seed: UInt64

  public static let multiplier: UInt64 = 6_364_136_223_846_793_005
  public static let increment: UInt64 = 1

  public init(order: Int, seed: UInt64 = 100) {
    self.order = order
    self.seed = seed
  }

  /// The affine map x ↦ multiplier·x + increment applied `steps` times, as (A, C) with x ↦ A·x + C.
  @usableFromInline static func jump(_ steps: UInt64) -> (UInt64, UInt64) {
    var resultA: UInt64 = 1
    var resultC: UInt64 = 0
    var powerA = multiplier
    var powerC = increment
    var remaining = steps
    while remaining > 0 {
      if remaining & 1 == 1 {
        // result ← power ∘ result
        resultC = powerA &* resultC &+ powerC
        resultA = powerA &* resultA
      }
      // power ← power ∘ power
      powerC = powerA &* powerC &+ powerC
      powerA = powerA &* powerA
      remaining >>= 1
    }
    return (resultA, resultC)
  }

  /// The generator state X(k).
  @inlinable public func state(at k: UInt64) -> UInt64 {
    let (a, c) = Self.jump(k)
    return a &* seed &+ c
  }

  /// The entry at global row `row` and global column `column` (column N is b).
  public func entry(row: Int, column: Int) -> Double {
    Self.value(state(at: UInt64(row + column * order) + 1))
  }

  @inlinable static func value(_ state: UInt64) -> Double {
    0.5 - Double(state) * 0x1p-64
  }

  /// Writes `rowCount` consecutive entries of global column `column`, starting at global row
  /// `firstRow`, to `destination`.
  @inlinable public func fill(
    column: Int, firstRow: Int, rowCount: Int, into destination: UnsafeMutablePointer<Double>
  ) {
    guard rowCount > 0 else { return }
    var x = state(at: UInt64(firstRow + column * order) + 1)
    for i in 0..<rowCount {
      destination[i] = Self.value(x)
      x = Self.multiplier &* x &+ Self.increment
    }
  }
}
