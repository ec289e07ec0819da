// Max pooling for inference (no record of where each maximum came from) over SIMD vectors; concrete 8- and
// 16-float vectors here are lowered to the target CPU's instructions in the module that inlines them (see
// MatrixProduct.swift).

/// 2×2 max pooling of stride 2 over `planes` planes of `height` × `width` (planes one after the other) into
/// planes of `outputHeight` × `outputWidth`, every window inside its plane (`2 · outputHeight ≤ height`,
/// `2 · outputWidth ≤ width`): eight outputs at a time from the even and odd lanes of two rows' 16 pixels.
///
/// Each output is the larger of the larger of its top and its bottom pair, as `max(max(a, b), max(c, d))`:
/// for numbers the order of comparisons does not change the maximum.
///
/// Generic over the CPU's vector type only so that, as every kernel here, it is compiled where it is
/// specialized (a non-generic function would run the copy compiled in this module, for baseline x86-64).
@inlinable
public func maxPool2x2<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int,
  outputWidth: Int,
  into y: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  for plane in 0..<planes {
    let (input, output) = (x + plane * height * width, y + plane * outputHeight * outputWidth)
    for oh in 0..<outputHeight {
      let (top, row) = (input + 2 * oh * width, output + oh * outputWidth)
      let bottom = top + width
      var ow = 0
      // A vector reads 16 pixels from 2 · ow; the last window's pair ends at 2 · outputWidth ≤ width.
      while ow + 8 <= outputWidth {
        let (t, b) = (
          UnsafeRawPointer(top + 2 * ow).loadUnaligned(as: SIMD16<Float>.self),
          UnsafeRawPointer(bottom + 2 * ow).loadUnaligned(as: SIMD16<Float>.self)
        )
        let pairs = larger(larger(t.evenHalf, t.oddHalf), larger(b.evenHalf, b.oddHalf))
        UnsafeMutableRawPointer(row + ow).storeBytes(of: pairs, as: SIMD8<Float>.self)
        ow += 8
      }
      while ow < outputWidth {
        let (a, b, c, d) = (top[2 * ow], top[2 * ow + 1], bottom[2 * ow], bottom[2 * ow + 1])
        row[ow] = Swift.max(Swift.max(a, b), Swift.max(c, d))
        ow += 1
      }
    }
  }
}

/// 2×2 max pooling of stride 1 over `planes` planes of `height` × `width` into planes of `outputHeight` ×
/// `outputWidth` (`height` or `height − 1` rows, as many columns as that): the window of output (oh, ow)
/// covers rows oh, oh + 1 and columns ow, ow + 1 of those inside the plane (darknet's trailing padding, as in
/// tiny-YOLOv2's last pooling layer, which keeps its 13×13 map). Eight outputs at a time where the window's
/// pixels are all inside, the edges singly.
@inlinable
public func maxPool2x2StrideOne<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int,
  outputWidth: Int, into y: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  @inline(__always) func eight(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }
  for plane in 0..<planes {
    let (input, output) = (x + plane * height * width, y + plane * outputHeight * outputWidth)
    for oh in 0..<outputHeight {
      let top = input + oh * width
      // The last row of a padded map has no row below: its windows are its own pairs.
      let bottom = oh + 1 < height ? top + width : top
      let row = output + oh * outputWidth
      var ow = 0
      // A vector reads columns ow to ow + 8; the last of them must be inside the row.
      while ow + 9 <= width && ow + 8 <= outputWidth {
        let pairs = larger(
          larger(eight(top + ow), eight(top + ow + 1)), larger(eight(bottom + ow), eight(bottom + ow + 1)))
        UnsafeMutableRawPointer(row + ow).storeBytes(of: pairs, as: SIMD8<Float>.self)
        ow += 8
      }
      while ow < outputWidth {
        let right = Swift.min(ow + 1, width - 1)
        row[ow] = Swift.max(Swift.max(top[ow], top[right]), Swift.max(bottom[ow], bottom[right]))
        ow += 1
      }
    }
  }
}

/// The lane-wise larger of `a` and `b`: `b` where `a − b` is negative.
@inlinable @inline(__always)
func larger(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { lanes(whereNegative: a - b, b, else: a) }
