// Zero-padded copies of image planes over a SIMD vector type (see MatrixProduct.swift for why everything here
// is @inlinable).

/// `planes` planes of `height` × `width` from `source` (planes `height · width` apart) into `padded` with
/// `leading` zero rows above and zero columns left of each plane and `trailing` below and right, plane after
/// plane (`(leading + height + trailing) · (leading + width + trailing)` values each): the input that
/// convolutions read rows of in place, or taps of for a depthwise kernel. Each value is written once.
@inlinable
public func padPlanes<V: SIMD>(
  _ vector: V.Type, _ source: UnsafePointer<Float>, planes: Int, height: Int, width: Int, leading: Int,
  trailing: Int, into padded: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  let paddedWidth = leading + width + trailing
  let (top, bottom) = (leading * paddedWidth, trailing * paddedWidth)
  for plane in 0..<planes {
    var target = padded + plane * (top + height * paddedWidth + bottom)
    let input = source + plane * height * width
    // The top rows and the first row's left padding, then per row its pixels and its right padding with the
    // next row's left padding, then the bottom rows.
    zeroFloats(V.self, target, count: top + leading)
    target += top + leading
    for row in 0..<height {
      copyFloats(V.self, from: input + row * width, to: target, count: width)
      zeroFloats(V.self, target + width, count: row + 1 < height ? trailing + leading : trailing)
      target += paddedWidth
    }
    zeroFloats(V.self, target - leading, count: bottom)
  }
}

/// Sets `count` floats to zero: whole vectors, then at most one store each of 8, 4, 2 and 1 floats, so that
/// the few values of a row's padding take a store or two (a loop of single stores, which the compiler
/// turns into a call to memset, cost more than the row's copy).
@inlinable @inline(__always)
public func zeroFloats<V: SIMD>(_ vector: V.Type, _ y: UnsafeMutablePointer<Float>, count: Int)
where V.Scalar == Float {
  var i = 0
  while i + V.scalarCount <= count {
    UnsafeMutableRawPointer(y + i).storeBytes(of: V(), as: V.self)
    i += V.scalarCount
  }
  let rest = count - i
  if rest & 8 != 0 {
    UnsafeMutableRawPointer(y + i).storeBytes(of: SIMD8<Float>(), as: SIMD8<Float>.self)
    i += 8
  }
  if rest & 4 != 0 {
    UnsafeMutableRawPointer(y + i).storeBytes(of: SIMD4<Float>(), as: SIMD4<Float>.self)
    i += 4
  }
  if rest & 2 != 0 {
    UnsafeMutableRawPointer(y + i).storeBytes(of: SIMD2<Float>(), as: SIMD2<Float>.self)
    i += 2
  }
  if rest & 1 != 0 { y[i] = 0 }
}

/// Copies `count` floats (non-overlapping): whole vectors, then at most one copy each of 8, 4, 2 and 1 floats
/// (no call to memmove, which cost more than the copy on the 4- to 32-float rows of small maps).
@inlinable @inline(__always)
public func copyFloats<V: SIMD>(
  _ vector: V.Type, from x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, count: Int
) where V.Scalar == Float {
  @inline(__always) func move<W: SIMD>(_ type: W.Type, _ i: Int) where W.Scalar == Float {
    UnsafeMutableRawPointer(y + i).storeBytes(of: UnsafeRawPointer(x + i).loadUnaligned(as: W.self), as: W.self)
  }
  var i = 0
  while i + V.scalarCount <= count {
    move(V.self, i)
    i += V.scalarCount
  }
  let rest = count - i
  if rest & 8 != 0 {
    move(SIMD8<Float>.self, i)
    i += 8
  }
  if rest & 4 != 0 {
    move(SIMD4<Float>.self, i)
    i += 4
  }
  if rest & 2 != 0 {
    move(SIMD2<Float>.self, i)
    i += 2
  }
  if rest & 1 != 0 { y[i] = x[i] }
}
