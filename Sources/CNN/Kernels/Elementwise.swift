// Element-wise loops on raw buffers: no bounds checks and no aliasing between arrays, so that the
// compiler vectorizes them. Callers own the memory and pass disjoint buffers unless noted.

/// `y[i] = max(x[i], 0)`; `y` may be `x`.
@inline(__always)
func reluForward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count {
    let v = x[i]
    y[i] = v > 0 ? v : 0
  }
}

/// `dx[i] = y[i] > 0 ? dy[i] : 0`, where `y` is the ReLU's output; `dx` may be `dy`.
@inline(__always)
func reluBackward(
  output y: UnsafePointer<Float>, gradient dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
  count: Int
) {
  // Both loads unconditional: a load under the condition keeps the loop scalar and branchy (a
  // mispredicted branch per element, 5 ns each on random signs).
  for i in 0..<count {
    let g = dy[i]
    dx[i] = y[i] > 0 ? g : 0
  }
}

/// `z[i] = x[i] + y[i]`; `z` may be `x` or `y`.
@inline(__always)
func add(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count { z[i] = x[i] + y[i] }
}

/// `z[i] = max(x[i] + y[i], 0)`: a residual addition and the ReLU after it in one pass.
@inline(__always)
func addReLU(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count {
    let v = x[i] + y[i]
    z[i] = v > 0 ? v : 0
  }
}

/// `y[i] = a · x[i] + b`; `y` may be `x`.
@inline(__always)
func scaleShift(
  _ x: UnsafePointer<Float>, scale a: Float, shift b: Float, into y: UnsafeMutablePointer<Float>, count: Int
) {
  for i in 0..<count { y[i] = a * x[i] + b }
}

/// `y[i] = max(a · x[i] + b, 0)`: a batch normalization and the ReLU after it in one pass.
@inline(__always)
func scaleShiftReLU(
  _ x: UnsafePointer<Float>, scale a: Float, shift b: Float, into y: UnsafeMutablePointer<Float>, count: Int
) {
  for i in 0..<count {
    let v = a * x[i] + b
    y[i] = v > 0 ? v : 0
  }
}

/// `z[i] = a · x[i] + b · y[i] + c`; `z` may be `x` or `y`.
@inline(__always)
func linearCombination(
  _ x: UnsafePointer<Float>, _ a: Float, _ y: UnsafePointer<Float>, _ b: Float, plus c: Float,
  into z: UnsafeMutablePointer<Float>, count: Int
) {
  for i in 0..<count { z[i] = a * x[i] + b * y[i] + c }
}

/// As ``linearCombination(_:_:_:_:plus:into:count:)`` with `x` masked by a ReLU's output `m`:
/// `z[i] = a · (m[i] > 0 ? x[i] : 0) + b · y[i] + c`.
@inline(__always)
func linearCombination(
  _ x: UnsafePointer<Float>, mask m: UnsafePointer<Float>, _ a: Float, _ y: UnsafePointer<Float>, _ b: Float,
  plus c: Float, into z: UnsafeMutablePointer<Float>, count: Int
) {
  for i in 0..<count {
    let v = x[i]
    z[i] = a * (m[i] > 0 ? v : 0) + b * y[i] + c
  }
}

/// `z[i] = x[i] · y[i]`; `z` may be `x` or `y`.
@inline(__always)
func multiply(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count { z[i] = x[i] * y[i] }
}

/// `y[i] += a · x[i]`.
@inline(__always)
func axpy(_ a: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count { y[i] += a * x[i] }
}

/// Sets `count` elements to `value`.
@inline(__always)
func fill(_ y: UnsafeMutablePointer<Float>, with value: Float, count: Int) {
  if count > 0 { y.update(repeating: value, count: count) }
}

/// Copies `count` elements (non-overlapping).
@inline(__always)
func copy(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
  if count > 0 { y.update(from: x, count: count) }
}

extension Array where Element == Float {
  /// The buffer of an array known to be non-empty or empty alike: `withUnsafeBufferPointer`
  /// gives a nil base address for an empty array, which no kernel reads anyway.
  @inline(__always)
  func withBase<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
    try withUnsafeBufferPointer { try body($0.baseAddress ?? UnsafePointer(bitPattern: 16)!) }
  }

  /// The mutable buffer, as ``withBase(_:)``.
  @inline(__always)
  mutating func withMutableBase<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    try withUnsafeMutableBufferPointer { try body($0.baseAddress ?? UnsafeMutablePointer(bitPattern: 16)!) }
  }
}
