// A single-precision matrix product written once over a SIMD vector type, for the modules that compile it
// for one instruction set each (SIMDKernelsAVX512, SIMDKernelsAVX2). Everything here is @inlinable so that
// it is specialized, and its vectors lowered, in the module that instantiates it with its own target CPU;
// compiled in this module (baseline x86-64) it would run on 128-bit vectors without fused multiply-adds.

/// The rows of C one tile computes: 8 rows, each one or two vectors wide.
public let matrixProductTileRows = 8

/// The depth of one pass over a tile: 256 rows of B (the columns of one pass, up to 32 per tile, stay in the
/// L1 cache while the tile's 8 rows of A stream by).
@usableFromInline let matrixProductDepthBlock = 256

/// `C = A · B` (or `C += A · B` with `accumulate`) for a row-major A of `rows` × `depth` (row stride `lda`)
/// and a B whose row `k` starts at `b + rowOffsets[k]`, over `columns` columns, a multiple of
/// `V.scalarCount`, into a row-major C with row stride `ldc`.
///
/// The offsets let B be a matrix that was never written out: the rows of an implicit im2col are shifted
/// views of one padded input plane (``Convolution2D``'s stride-1 path), those of a plain matrix are
/// `k · ldb`. C gets whole tiles: its rows up to `rows` rounded up to ``matrixProductTileRows``, so the
/// caller gives it that many (the extra rows repeat A's last row and are to be ignored), and B's rows must
/// have `columns` readable values each. Each tile keeps 8 × 2 vectors of C in registers while it runs
/// through a block of ``matrixProductDepthBlock`` rows of B: per row of B, two vector loads and eight
/// broadcasts of A feed sixteen fused multiply-adds (one vector wide, eight, for the last columns, and
/// everywhere when `wide` is false, as for 16-register AVX2).
@inlinable
public func matrixProduct<V: SIMD>(
  _ vector: V.Type, wide: Bool, rows: Int, depth: Int, columns: Int,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>,
  c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false
) where V.Scalar == Float {
  let width = V.scalarCount
  precondition(columns % width == 0, "the product's columns must be a multiple of the vector width")
  var start = 0
  while start < depth {
    let count = min(matrixProductDepthBlock, depth - start)
    let adds = accumulate || start > 0
    var row = 0
    while row < rows {
      // The last tile repeats A's last row past `rows`.
      let (tileA, tileRows) = (a + row * lda + start, rows - row)
      var column = 0
      if wide {
        while column + 2 * width <= columns {
          tile8x2(
            V.self, depth: count, a: tileA, lda: lda, rows: tileRows, b: b + column, rowOffsets: rowOffsets + start,
            c: c + row * ldc + column, ldc: ldc, accumulate: adds)
          column += 2 * width
        }
      }
      while column < columns {
        tile8x1(
          V.self, depth: count, a: tileA, lda: lda, rows: tileRows, b: b + column, rowOffsets: rowOffsets + start,
          c: c + row * ldc + column, ldc: ldc, accumulate: adds)
        column += width
      }
      row += matrixProductTileRows
    }
    start += count
  }
}

@inlinable @inline(__always)
func load<V: SIMD>(_ pointer: UnsafePointer<Float>) -> V where V.Scalar == Float {
  UnsafeRawPointer(pointer).loadUnaligned(as: V.self)
}

@inlinable @inline(__always)
func store<V: SIMD>(_ value: V, _ pointer: UnsafeMutablePointer<Float>, adding: Bool) where V.Scalar == Float {
  let sum = adding ? value + load(pointer) : value
  UnsafeMutableRawPointer(pointer).storeBytes(of: sum, as: V.self)
}

/// One 8-row tile two vectors wide: `C[8 × 2w] (+)= A[8 × depth] · B[depth × 2w]`, `a` pointing to the
/// tile's first row of A (`rows` of them are A's; the rest repeat the last). The sixteen accumulators are named, not an array, so that they stay in registers.
@inlinable @inline(__always)
func tile8x2<V: SIMD>(
  _ vector: V.Type, depth: Int, a: UnsafePointer<Float>, lda: Int, rows: Int, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
) where V.Scalar == Float {
  let w = V.scalarCount
  let (a0, a1, a2, a3) = (a, a + min(1, rows - 1) * lda, a + min(2, rows - 1) * lda, a + min(3, rows - 1) * lda)
  let (a4, a5, a6, a7) = (
    a + min(4, rows - 1) * lda, a + min(5, rows - 1) * lda, a + min(6, rows - 1) * lda, a + min(7, rows - 1) * lda
  )
  var (c00, c01, c10, c11, c20, c21, c30, c31) = (V(), V(), V(), V(), V(), V(), V(), V())
  var (c40, c41, c50, c51, c60, c61, c70, c71) = (V(), V(), V(), V(), V(), V(), V(), V())
  for k in 0..<depth {
    let row = b + rowOffsets[k]
    let (b0, b1): (V, V) = (load(row), load(row + w))
    var x = V(repeating: a0[k])
    c00.addProduct(x, b0)
    c01.addProduct(x, b1)
    x = V(repeating: a1[k])
    c10.addProduct(x, b0)
    c11.addProduct(x, b1)
    x = V(repeating: a2[k])
    c20.addProduct(x, b0)
    c21.addProduct(x, b1)
    x = V(repeating: a3[k])
    c30.addProduct(x, b0)
    c31.addProduct(x, b1)
    x = V(repeating: a4[k])
    c40.addProduct(x, b0)
    c41.addProduct(x, b1)
    x = V(repeating: a5[k])
    c50.addProduct(x, b0)
    c51.addProduct(x, b1)
    x = V(repeating: a6[k])
    c60.addProduct(x, b0)
    c61.addProduct(x, b1)
    x = V(repeating: a7[k])
    c70.addProduct(x, b0)
    c71.addProduct(x, b1)
  }
  store(c00, c, adding: accumulate)
  store(c01, c + w, adding: accumulate)
  store(c10, c + ldc, adding: accumulate)
  store(c11, c + ldc + w, adding: accumulate)
  store(c20, c + 2 * ldc, adding: accumulate)
  store(c21, c + 2 * ldc + w, adding: accumulate)
  store(c30, c + 3 * ldc, adding: accumulate)
  store(c31, c + 3 * ldc + w, adding: accumulate)
  store(c40, c + 4 * ldc, adding: accumulate)
  store(c41, c + 4 * ldc + w, adding: accumulate)
  store(c50, c + 5 * ldc, adding: accumulate)
  store(c51, c + 5 * ldc + w, adding: accumulate)
  store(c60, c + 6 * ldc, adding: accumulate)
  store(c61, c + 6 * ldc + w, adding: accumulate)
  store(c70, c + 7 * ldc, adding: accumulate)
  store(c71, c + 7 * ldc + w, adding: accumulate)
}

/// One 8-row tile one vector wide (see ``tile8x2(_:depth:a:lda:rows:b:rowOffsets:c:ldc:accumulate:)``).
@inlinable @inline(__always)
func tile8x1<V: SIMD>(
  _ vector: V.Type, depth: Int, a: UnsafePointer<Float>, lda: Int, rows: Int, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
) where V.Scalar == Float {
  let (a0, a1, a2, a3) = (a, a + min(1, rows - 1) * lda, a + min(2, rows - 1) * lda, a + min(3, rows - 1) * lda)
  let (a4, a5, a6, a7) = (
    a + min(4, rows - 1) * lda, a + min(5, rows - 1) * lda, a + min(6, rows - 1) * lda, a + min(7, rows - 1) * lda
  )
  var (c0, c1, c2, c3, c4, c5, c6, c7) = (V(), V(), V(), V(), V(), V(), V(), V())
  for k in 0..<depth {
    let b0: V = load(b + rowOffsets[k])
    c0.addProduct(V(repeating: a0[k]), b0)
    c1.addProduct(V(repeating: a1[k]), b0)
    c2.addProduct(V(repeating: a2[k]), b0)
    c3.addProduct(V(repeating: a3[k]), b0)
    c4.addProduct(V(repeating: a4[k]), b0)
    c5.addProduct(V(repeating: a5[k]), b0)
    c6.addProduct(V(repeating: a6[k]), b0)
    c7.addProduct(V(repeating: a7[k]), b0)
  }
  store(c0, c, adding: accumulate)
  store(c1, c + ldc, adding: accumulate)
  store(c2, c + 2 * ldc, adding: accumulate)
  store(c3, c + 3 * ldc, adding: accumulate)
  store(c4, c + 4 * ldc, adding: accumulate)
  store(c5, c + 5 * ldc, adding: accumulate)
  store(c6, c + 6 * ldc, adding: accumulate)
  store(c7, c + 7 * ldc, adding: accumulate)
}
