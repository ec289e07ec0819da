// A single-precision matrix product written once over a SIMD vector type, for the modules that compile it
// for one instruction set each (SIMDKernelsAVX512, SIMDKernelsAVX2). Everything here is @inlinable so that
// it is specialized, and its vectors lowered, in the module that instantiates it with its own target CPU;
// compiled in this module (baseline x86-64) it would run on 128-bit vectors without fused multiply-adds.

/// The rows of C one tile computes: 8 rows, each one or two vectors wide.
public let matrixProductTileRows = 8

/// The depth of one pass over a tile: 256 rows of B (the columns of one pass, up to 32 per tile, stay in the
/// L1 cache while the tile's 8 rows of A stream by).
@usableFromInline let matrixProductDepthBlock = 256

/// The fewest rows of C for which ``matrixProduct(_:wide:rows:depth:columns:a:lda:aColumnStride:b:rowOffsets:c:ldc:accumulate:epilogue:packing:)``
/// packs B when given room: tiny-YOLOv2's layers of 256 to 1024 filters (9 % faster on its 13×13 layers of
/// 1024); fewer rows reuse each packed value too few times to repay the copy.
public let matrixProductPackingRows = 256

/// The floats a packing buffer for a product of `columns` columns holds.
public func matrixProductPackingCount(columns: Int) -> Int { matrixProductDepthBlock * columns }

/// `C = A · B` (or `C += A · B` with `accumulate`) for an A of `rows` × `depth` (`A[r, k]` at `a[r · lda + k ·
/// aColumnStride]`: row-major with stride 1, or a plane-per-channel image read as pixels × channels) and a B
/// whose row `k` starts at `b + rowOffsets[k]`, over `columns` columns, a multiple of `V.scalarCount`, into a
/// row-major C with row stride `ldc`; with an `epilogue`, each value of C goes through it as it is stored for
/// the last time (see ``ProductEpilogue``).
///
/// The offsets let B be a matrix that was never written out: the rows of an implicit im2col are shifted
/// views of one padded input plane (``Convolution2D``'s stride-1 path), those of a plain matrix are
/// `k · ldb`. C gets whole tiles: its rows up to `rows` rounded up to ``matrixProductTileRows``, so the
/// caller gives it that many (the extra rows repeat A's last row and are to be ignored) unless there is an
/// epilogue, which stores C's own rows alone; B's rows must have `columns` readable values each. Each tile
/// keeps 8 × 2 vectors of C in registers while it runs through a block of ``matrixProductDepthBlock`` rows of
/// B: per row of B, two vector loads and eight broadcasts of A feed sixteen fused multiply-adds (one vector
/// wide, eight, for the last columns, and everywhere when `wide` is false, as for 16-register AVX2).
///
/// With `packing` (``matrixProductPackingCount(columns:)`` floats) and at least ``matrixProductPackingRows``
/// rows, each block of B is first copied into panels of a tile's width, its rows one after the other, and each
/// panel then meets every tile of rows: it stays in the L1 cache and is read in order, as a BLAS packs B.
@inlinable
public func matrixProduct<V: SIMD>(
  _ vector: V.Type, wide: Bool, rows: Int, depth: Int, columns: Int,
  a: UnsafePointer<Float>, lda: Int, aColumnStride: Int = 1, b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>,
  c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false, epilogue: ProductEpilogue? = nil,
  packing: UnsafeMutablePointer<Float>? = nil
) where V.Scalar == Float {
  let width = V.scalarCount
  precondition(columns % width == 0, "the product's columns must be a multiple of the vector width")
  let packs = packing != nil && rows >= matrixProductPackingRows
  var start = 0
  while start < depth {
    let count = min(matrixProductDepthBlock, depth - start)
    let block = ProductBlock<V>(
      rows: rows, count: count, a: a + start * aColumnStride, lda: lda, step: aColumnStride, c: c, ldc: ldc,
      adding: accumulate || start > 0, epilogue: start + count == depth ? epilogue : nil, ownRowsOnly: epilogue != nil)
    if packs {
      block.packed(wide: wide, columns: columns, b: b, rowOffsets: rowOffsets + start, into: packing!)
    } else {
      block.run(wide: wide, columns: columns, b: b, rowOffsets: rowOffsets + start)
    }
    start += count
  }
}

/// One block of ``matrixProductDepthBlock`` rows of B (or fewer) against the matching columns of A, for all of
/// C: tile by tile, or through packed panels of B.
@usableFromInline struct ProductBlock<V: SIMD> where V.Scalar == Float {
  @usableFromInline let rows, count, lda, step, ldc: Int
  @usableFromInline let a: UnsafePointer<Float>
  @usableFromInline let c: UnsafeMutablePointer<Float>
  @usableFromInline let adding, ownRowsOnly: Bool
  @usableFromInline let epilogue: ProductEpilogue?

  @inlinable init(
    rows: Int, count: Int, a: UnsafePointer<Float>, lda: Int, step: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
    adding: Bool, epilogue: ProductEpilogue?, ownRowsOnly: Bool
  ) {
    (self.rows, self.count, self.a, self.lda, self.step, self.c, self.ldc) = (rows, count, a, lda, step, c, ldc)
    (self.adding, self.epilogue, self.ownRowsOnly) = (adding, epilogue, ownRowsOnly)
  }

  /// The tile of rows from `row`, columns `column ..< column + (pair ? 2 : 1) · V.scalarCount`, B's rows at
  /// `b + offsets[k]`.
  @inlinable @inline(__always)
  func tile(row: Int, column: Int, pair: Bool, b: UnsafePointer<Float>, offsets: UnsafePointer<Int>) {
    // The last tile repeats A's last row past `rows`.
    let (tileA, tileRows) = (a + row * lda, rows - row)
    let store = TileStore<V>(
      c: c + row * ldc, ldc: ldc, firstRow: row, rows: ownRowsOnly ? tileRows : matrixProductTileRows,
      adding: adding, epilogue: epilogue)
    if pair {
      tile8x2(
        V.self, depth: count, a: tileA, lda: lda, step: step, rows: tileRows, b: b, rowOffsets: offsets,
        store: store, column: column)
    } else {
      tile8x1(
        V.self, depth: count, a: tileA, lda: lda, step: step, rows: tileRows, b: b, rowOffsets: offsets,
        store: store, column: column)
    }
  }

  /// The panels' columns: pairs of vectors (with `wide`), then single vectors.
  @inlinable func panels(wide: Bool, columns: Int) -> [(column: Int, pair: Bool)] {
    let width = V.scalarCount
    let pairs = wide ? columns / (2 * width) : 0
    return (0..<pairs).map { ($0 * 2 * width, true) }
      + Swift.stride(from: pairs * 2 * width, to: columns, by: width).map { ($0, false) }
  }

  /// Every tile, row after row of tiles (each row's A stays in the L1 cache), reading B where it is.
  @inlinable func run(wide: Bool, columns: Int, b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>) {
    let width = V.scalarCount
    for row in Swift.stride(from: 0, to: rows, by: matrixProductTileRows) {
      var column = 0
      while wide && column + 2 * width <= columns {
        tile(row: row, column: column, pair: true, b: b + column, offsets: rowOffsets)
        column += 2 * width
      }
      while column < columns {
        tile(row: row, column: column, pair: false, b: b + column, offsets: rowOffsets)
        column += width
      }
    }
  }

  /// Every tile, panel after panel of B copied into `packing` (its rows `panelWidth` apart).
  @inlinable func packed(
    wide: Bool, columns: Int, b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>,
    into packing: UnsafeMutablePointer<Float>
  ) {
    let width = V.scalarCount
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * count) { offsets in
      // Row k of a packed panel two vectors wide, or one.
      for k in 0..<count { (offsets[k], offsets[count + k]) = (k * 2 * width, k * width) }
      for (column, pair) in panels(wide: wide, columns: columns) {
        let panel = packing + count * column
        for k in 0..<count {
          let (source, target) = (b + rowOffsets[k] + column, panel + k * (pair ? 2 : 1) * width)
          UnsafeMutableRawPointer(target).storeBytes(of: load(source) as V, as: V.self)
          if pair { UnsafeMutableRawPointer(target + width).storeBytes(of: load(source + width) as V, as: V.self) }
        }
        let panelOffsets = UnsafePointer(offsets.baseAddress! + (pair ? 0 : count))
        for row in Swift.stride(from: 0, to: rows, by: matrixProductTileRows) {
          tile(row: row, column: column, pair: pair, b: panel, offsets: panelOffsets)
        }
      }
    }
  }
}

@inlinable @inline(__always)
func load<V: SIMD>(_ pointer: UnsafePointer<Float>) -> V where V.Scalar == Float {
  UnsafeRawPointer(pointer).loadUnaligned(as: V.self)
}

/// What a product applies to each value of C as its last pass stores it: `C[r, j] = f((A·B)[r, j] + bias[r])
/// · scale[r] + shift[r] + residual[r · ldc + j])`, `f` as in
/// ``affineActivation(_:_:rows:count:xStride:bias:scale:shift:residual:slope:into:yStride:)``: a convolution's
/// bias, batch normalization, residual addition and activation, applied while its output is still in
/// registers. The bias, scale and shift hold a value per row of C (nil: 0, 1 and 0), or with `perColumn` one
/// per column (`[j]` for `[r]` above: C's rows are then pixels and its columns channels); the residual has C's
/// layout.
public struct ProductEpilogue {
  public var bias, scale, shift, residual: UnsafePointer<Float>?
  public var slope: Float?
  public var perColumn: Bool

  public init(
    bias: UnsafePointer<Float>?, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?,
    residual: UnsafePointer<Float>?, slope: Float?, perColumn: Bool = false
  ) {
    (self.bias, self.scale, self.shift, self.residual, self.slope) = (bias, scale, shift, residual, slope)
    self.perColumn = perColumn
  }
}

extension ProductEpilogue {
  /// `(v + bias[j]) · scale[j] + shift[j]` for columns `j ..< j + V.scalarCount` (nil: 0, 1 and 0).
  @inlinable @inline(__always)
  func affine<V: SIMD>(_ v: V, column j: Int) -> V where V.Scalar == Float {
    var v = v
    if let bias { v += load(bias + j) }
    if let scale { v *= load(scale + j) }
    if let shift { v += load(shift + j) }
    return v
  }
}

/// Where one tile's rows of C go and how: added to what is there (a later depth block), through the
/// epilogue (the last one), and only its first `rows` (C's own rows, when the product has an epilogue).
@usableFromInline struct TileStore<V: SIMD> where V.Scalar == Float {
  @usableFromInline let c: UnsafeMutablePointer<Float>
  @usableFromInline let ldc, firstRow, rows: Int
  @usableFromInline let adding: Bool
  @usableFromInline let epilogue: ProductEpilogue?

  @inlinable init(
    c: UnsafeMutablePointer<Float>, ldc: Int, firstRow: Int, rows: Int, adding: Bool, epilogue: ProductEpilogue?
  ) {
    (self.c, self.ldc, self.firstRow, self.rows, self.adding, self.epilogue) = (
      c, ldc, firstRow, rows, adding, epilogue
    )
  }

  /// Stores `value` at row `r` of the tile, column `j` of C.
  @inlinable @inline(__always)
  func callAsFunction(_ value: V, row r: Int, column j: Int) {
    if r >= rows { return }
    let pointer = c + r * ldc + j
    var v = adding ? value + load(pointer) : value
    if let e = epilogue {
      let row = firstRow + r
      if e.perColumn {
        v = e.affine(v, column: j)
      } else {
        v = (v + V(repeating: e.bias?[row] ?? 0)) * V(repeating: e.scale?[row] ?? 1) + V(repeating: e.shift?[row] ?? 0)
      }
      if let residual = e.residual { v += load(residual + row * ldc + j) }
      if let slope = e.slope { v = activated(v, slope == 0 ? .relu : .leaky, slope: V(repeating: slope)) }
    }
    UnsafeMutableRawPointer(pointer).storeBytes(of: v, as: V.self)
  }
}

/// One 8-row tile two vectors wide: `C[8 × 2w] (+)= A[8 × depth] · B[depth × 2w]`, `a` pointing to the
/// tile's first row of A (`rows` of them are A's; the rest repeat the last), C's at column `j` of `store`'s. The sixteen accumulators are named, not an array, so that they stay in registers.
@inlinable @inline(__always)
func tile8x2<V: SIMD>(
  _ vector: V.Type, depth: Int, a: UnsafePointer<Float>, lda: Int, step: Int, rows: Int, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, store: TileStore<V>, column j: Int
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
    var x = V(repeating: a0[k &* step])
    c00.addProduct(x, b0)
    c01.addProduct(x, b1)
    x = V(repeating: a1[k &* step])
    c10.addProduct(x, b0)
    c11.addProduct(x, b1)
    x = V(repeating: a2[k &* step])
    c20.addProduct(x, b0)
    c21.addProduct(x, b1)
    x = V(repeating: a3[k &* step])
    c30.addProduct(x, b0)
    c31.addProduct(x, b1)
    x = V(repeating: a4[k &* step])
    c40.addProduct(x, b0)
    c41.addProduct(x, b1)
    x = V(repeating: a5[k &* step])
    c50.addProduct(x, b0)
    c51.addProduct(x, b1)
    x = V(repeating: a6[k &* step])
    c60.addProduct(x, b0)
    c61.addProduct(x, b1)
    x = V(repeating: a7[k &* step])
    c70.addProduct(x, b0)
    c71.addProduct(x, b1)
  }
  store(c00, row: 0, column: j)
  store(c01, row: 0, column: j + w)
  store(c10, row: 1, column: j)
  store(c11, row: 1, column: j + w)
  store(c20, row: 2, column: j)
  store(c21, row: 2, column: j + w)
  store(c30, row: 3, column: j)
  store(c31, row: 3, column: j + w)
  store(c40, row: 4, column: j)
  store(c41, row: 4, column: j + w)
  store(c50, row: 5, column: j)
  store(c51, row: 5, column: j + w)
  store(c60, row: 6, column: j)
  store(c61, row: 6, column: j + w)
  store(c70, row: 7, column: j)
  store(c71, row: 7, column: j + w)
}

/// One 8-row tile one vector wide (see ``tile8x2(_:depth:a:lda:step:rows:b:rowOffsets:store:column:)``).
@inlinable @inline(__always)
func tile8x1<V: SIMD>(
  _ vector: V.Type, depth: Int, a: UnsafePointer<Float>, lda: Int, step: Int, rows: Int, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, store: TileStore<V>, column j: Int
) where V.Scalar == Float {
  let (a0, a1, a2, a3) = (a, a + min(1, rows - 1) * lda, a + min(2, rows - 1) * lda, a + min(3, rows - 1) * lda)
  let (a4, a5, a6, a7) = (
    a + min(4, rows - 1) * lda, a + min(5, rows - 1) * lda, a + min(6, rows - 1) * lda, a + min(7, rows - 1) * lda
  )
  var (c0, c1, c2, c3, c4, c5, c6, c7) = (V(), V(), V(), V(), V(), V(), V(), V())
  for k in 0..<depth {
    let b0: V = load(b + rowOffsets[k])
    c0.addProduct(V(repeating: a0[k &* step]), b0)
    c1.addProduct(V(repeating: a1[k &* step]), b0)
    c2.addProduct(V(repeating: a2[k &* step]), b0)
    c3.addProduct(V(repeating: a3[k &* step]), b0)
    c4.addProduct(V(repeating: a4[k &* step]), b0)
    c5.addProduct(V(repeating: a5[k &* step]), b0)
    c6.addProduct(V(repeating: a6[k &* step]), b0)
    c7.addProduct(V(repeating: a7[k &* step]), b0)
  }
  store(c0, row: 0, column: j)
  store(c1, row: 1, column: j)
  store(c2, row: 2, column: j)
  store(c3, row: 3, column: j)
  store(c4, row: 4, column: j)
  store(c5, row: 5, column: j)
  store(c6, row: 6, column: j)
  store(c7, row: 7, column: j)
}
