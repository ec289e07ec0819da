extension SeededGenerator {
  /// A seed derived from `seed` and `value` by hashing, so that derived streams (one per sample, per epoch, per
  /// class) do not overlap the way `seed + value` would with SplitMix's counter-based state.
  static func mix(_ seed: UInt64, _ value: UInt64) -> UInt64 {
    var generator = SeededGenerator(seed: seed ^ (value &* 0xD1B5_4A32_D192_ED03))
    return generator.next()
  }

  /// A uniform integer in `0..<bound` by multiply-high: fixed here rather than `Int.random(in:using:)`, whose
  /// algorithm the standard library may change, so that shuffles stay reproducible across toolchains.
  mutating func nextIndex(below bound: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(bound)).high)
  }
}
