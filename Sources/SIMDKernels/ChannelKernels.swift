// The per-channel passes around a convolution's product, over a SIMD vector type (see MatrixProduct.swift
// for why everything here is @inlinable).

/// `y[r, i] = f((x[r, i] + bias) · scale + shift + residual[r, i])` for `rows` rows of `count` values
/// (`x`'s rows `xStride` apart, `y`'s and the residual's `yStride` apart), where `f(v) = max(v, slope · v)`
/// (ReLU for slope 0, leaky ReLU for a slope in (0, 1)) or the identity when `slope` is nil; without a
/// residual its term is 0. `y` may be `x` or `residual`.
///
/// A convolution's bias, an inference batch normalization (scale and shift), a residual addition and
/// the activation after them thus cost one pass over the output instead of up to four.
@inlinable
public func affineActivation<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, rows: Int, count: Int, xStride: Int, bias: Float, scale: Float,
  shift: Float, residual: UnsafePointer<Float>?, slope: Float?, into y: UnsafeMutablePointer<Float>, yStride: Int
) where V.Scalar == Float {
  // One loop per case, each with its constants known, rather than the tests inside one loop.
  let pass = { (hasResidual: Bool, activation: AffineActivation) in
    affineRows(
      V.self, x, rows: rows, count: count, xStride: xStride, bias: bias, scale: scale, shift: shift,
      residual: hasResidual ? residual : nil, activation: activation, slope: slope ?? 1, into: y, yStride: yStride)
  }
  let activation: AffineActivation = slope == nil ? .identity : slope == 0 ? .relu : .leaky
  switch (residual != nil, activation) {
  case (false, .identity): pass(false, .identity)
  case (false, .relu): pass(false, .relu)
  case (false, .leaky): pass(false, .leaky)
  case (true, .identity): pass(true, .identity)
  case (true, .relu): pass(true, .relu)
  case (true, .leaky): pass(true, .leaky)
  }
}

/// Per lane, `negative` where `sign`'s sign bit is set, else `other`: a select by integer masks (the standard
/// library's pointwiseMax, replacing(with:where:) and comparison masks go lane by lane).
@inlinable @inline(__always)
func lanes<V: SIMD>(whereNegative sign: V, _ negative: V, else other: V) -> V where V.Scalar == Float {
  let mask = unsafeBitCast(sign, to: V.MaskStorage.self) &>> V.MaskStorage(repeating: 31)
  let (yes, no) = (unsafeBitCast(negative, to: V.MaskStorage.self), unsafeBitCast(other, to: V.MaskStorage.self))
  return unsafeBitCast((no & ~mask) | (yes & mask), to: V.self)
}

@usableFromInline enum AffineActivation {
  case identity, relu, leaky
}

/// `v` through `activation`, `slope` the leaky ReLU's in every lane.
@inlinable @inline(__always)
func activated<V: SIMD>(_ v: V, _ activation: AffineActivation, slope: V) -> V where V.Scalar == Float {
  switch activation {
  case .identity: v
  // By the sign bit, with integer masks: the standard library's pointwiseMax and replacing(with:where:) go
  // lane by lane. The same values as the layers' `v > 0 ? v : 0` and `v > 0 ? v : slope · v` (−0 included).
  case .relu: lanes(whereNegative: v, V(), else: v)
  case .leaky: lanes(whereNegative: v, v * slope, else: v)
  }
}

@inlinable @inline(__always)
func affineRows<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, rows: Int, count: Int, xStride: Int, bias: Float, scale: Float,
  shift: Float, residual: UnsafePointer<Float>?, activation: AffineActivation, slope: Float,
  into y: UnsafeMutablePointer<Float>, yStride: Int
) where V.Scalar == Float {
  let w = V.scalarCount
  let (vb, va, vs, vk) = (V(repeating: bias), V(repeating: scale), V(repeating: shift), V(repeating: slope))
  @inline(__always) func activate(_ v: V) -> V { activated(v, activation, slope: vk) }
  @inline(__always) func activate(_ v: Float) -> Float {
    switch activation {
    case .identity: v
    case .relu: v > 0 ? v : 0
    case .leaky: v > 0 ? v : slope * v
    }
  }
  for row in 0..<rows {
    let (source, target) = (x + row * xStride, y + row * yStride)
    let added = residual.map { $0 + row * yStride }
    var i = 0
    while i + w <= count {
      var v: V = load(source + i)
      v = (v + vb) * va + vs
      if let added { v += load(added + i) }
      UnsafeMutableRawPointer(target + i).storeBytes(of: activate(v), as: V.self)
      i += w
    }
    while i < count {
      var v = (source[i] + bias) * scale + shift
      if let added { v += added[i] }
      target[i] = activate(v)
      i += 1
    }
  }
}
