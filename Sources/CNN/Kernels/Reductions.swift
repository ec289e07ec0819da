// Sums the compiler cannot vectorize by itself (it may not reassociate floating-point additions),
// written with explicit SIMD accumulators; long sums combine per-block partial sums in Double.

@inline(__always)
private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

/// `Σ x[i]`.
@inline(__always)
func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
  var acc = SIMD16<Float>()
  var i = 0
  while i + 16 <= count {
    acc += load16(x + i)
    i += 16
  }
  var total = acc.sum()
  while i < count {
    total += x[i]
    i += 1
  }
  return total
}

/// `(Σ (x[i] − shift), Σ (x[i] − shift)²)`: moments about a value near the mean, so that the
/// variance `E[(x−k)²] − E[x−k]²` does not lose its digits to cancellation.
@inline(__always)
func shiftedMoments(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> (sum: Float, squares: Float) {
  var s1 = SIMD16<Float>()
  var s2 = SIMD16<Float>()
  let k = SIMD16<Float>(repeating: shift)
  var i = 0
  while i + 16 <= count {
    let d = load16(x + i) - k
    s1 += d
    s2 += d * d
    i += 16
  }
  var (t1, t2) = (s1.sum(), s2.sum())
  while i < count {
    let d = x[i] - shift
    t1 += d
    t2 += d * d
    i += 1
  }
  return (t1, t2)
}

/// `(Σ dy[i], Σ dy[i] · (x[i] − mean))`: the two sums of batch normalization's backward pass.
@inline(__always)
func gradientMoments(
  _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, mean: Float
) -> (sum: Float, dot: Float) {
  var s1 = SIMD16<Float>()
  var s2 = SIMD16<Float>()
  let m = SIMD16<Float>(repeating: mean)
  var i = 0
  while i + 16 <= count {
    let g = load16(dy + i)
    s1 += g
    s2 += g * (load16(x + i) - m)
    i += 16
  }
  var (t1, t2) = (s1.sum(), s2.sum())
  while i < count {
    t1 += dy[i]
    t2 += dy[i] * (x[i] - mean)
    i += 1
  }
  return (t1, t2)
}

/// As ``gradientMoments(_:_:count:mean:)`` for `dy` masked by a ReLU's output `y`: `dy[i]`
/// counts only where `y[i] > 0`.
@inline(__always)
func gradientMoments(
  _ dy: UnsafePointer<Float>, mask y: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, mean: Float
) -> (sum: Float, dot: Float) {
  var s1 = SIMD16<Float>()
  var s2 = SIMD16<Float>()
  let m = SIMD16<Float>(repeating: mean)
  let zero = SIMD16<Float>()
  var i = 0
  while i + 16 <= count {
    let g = load16(dy + i).replacing(with: zero, where: load16(y + i) .<= zero)
    s1 += g
    s2 += g * (load16(x + i) - m)
    i += 16
  }
  var (t1, t2) = (s1.sum(), s2.sum())
  while i < count {
    let g = y[i] > 0 ? dy[i] : 0
    t1 += g
    t2 += g * (x[i] - mean)
    i += 1
  }
  return (t1, t2)
}

/// The index of the first largest of `count > 0` elements.
@inline(__always)
func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int {
  var best = 0
  var value = x[0]
  for i in 1..<max(count, 1) where x[i] > value {
    best = i
    value = x[i]
  }
  return best
}
