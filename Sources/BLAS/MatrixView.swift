/// A column-major matrix in memory the caller owns, with its leading dimension.
///
/// Element `(i, j)` is at `base + i + j * leadingDimension`, as in Fortran and the BLAS. The
/// view owns nothing and copies nothing: a submatrix is the same memory with another base and
/// shape. Shapes and ranges are checked always (a few integer comparisons per view); element
/// subscripts check bounds in debug builds only, since HPL reads elements in hot loops.
/// The corresponding BLAS arguments are `A, M, N, LDA`.
public struct MatrixView<T> {
  /// The address of element (0, 0).
  public var base: UnsafeMutablePointer<T>
  /// The number of rows, M.
  public var rows: Int
  /// The number of columns, N.
  public var columns: Int
  /// The distance in elements between the starts of two adjacent columns, LDA ≥ M. (The
  /// routines pass max(1, LDA) to the BLAS, so an empty view may use 0.)
  public var leadingDimension: Int

  /// A view of `rows` × `columns` elements starting at `base`, columns `leadingDimension`
  /// elements apart.
  @inlinable
  public init(base: UnsafeMutablePointer<T>, rows: Int, columns: Int, leadingDimension: Int) {
    precondition(rows >= 0 && columns >= 0, "negative matrix shape \(rows) × \(columns)")
    precondition(leadingDimension >= rows, "leading dimension \(leadingDimension) < \(rows) rows")
    self.base = base
    self.rows = rows
    self.columns = columns
    self.leadingDimension = leadingDimension
  }

  /// A view of a whole buffer as `rows` × `columns`, with leading dimension `rows` unless
  /// given. The buffer must hold at least `leadingDimension * (columns - 1) + rows` elements.
  @inlinable
  public init(
    _ buffer: UnsafeMutableBufferPointer<T>, rows: Int, columns: Int,
    leadingDimension: Int? = nil
  ) {
    let ld = leadingDimension ?? max(1, rows)
    precondition(
      columns == 0 || rows == 0 || buffer.count >= ld * (columns - 1) + rows,
      "a \(buffer.count)-element buffer is too small for \(rows) × \(columns) with leading dimension \(ld)")
    self.init(
      base: buffer.baseAddress ?? placeholderAddress(), rows: rows, columns: columns,
      leadingDimension: ld)
  }

  /// Whether the view has no elements.
  @inlinable
  public var isEmpty: Bool { rows == 0 || columns == 0 }

  /// The element at `row`, `column`; setting writes through to the caller's memory.
  @inlinable
  public subscript(row: Int, column: Int) -> T {
    get { pointer(row: row, column: column).pointee }
    nonmutating set { pointer(row: row, column: column).pointee = newValue }
  }

  /// The element at `row`, `column`, with argument labels.
  @inlinable
  public subscript(row row: Int, column column: Int) -> T {
    get { self[row, column] }
    nonmutating set { self[row, column] = newValue }
  }

  /// The address of the element at `row`, `column`.
  @inlinable
  public func pointer(row: Int, column: Int) -> UnsafeMutablePointer<T> {
    assert(
      row >= 0 && row < rows && column >= 0 && column < columns,
      "element (\(row), \(column)) outside a \(rows) × \(columns) matrix")
    return base + (row + column * leadingDimension)
  }

  /// The rows and columns in the given ranges, as a view of the same memory.
  @inlinable
  public func submatrix(rows rowRange: Range<Int>, columns columnRange: Range<Int>)
    -> MatrixView<T>
  {
    precondition(
      rowRange.lowerBound >= 0 && rowRange.upperBound <= rows,
      "rows \(rowRange) outside 0..<\(rows)")
    precondition(
      columnRange.lowerBound >= 0 && columnRange.upperBound <= columns,
      "columns \(columnRange) outside 0..<\(columns)")
    return MatrixView(
      base: base + (rowRange.lowerBound + columnRange.lowerBound * leadingDimension),
      rows: rowRange.count, columns: columnRange.count, leadingDimension: leadingDimension)
  }

  /// Column `j` as a vector of ``rows`` elements with stride 1.
  @inlinable
  public func column(_ j: Int) -> VectorView<T> {
    precondition(j >= 0 && j < columns, "column \(j) outside 0..<\(columns)")
    return VectorView(base: base + j * leadingDimension, count: rows, stride: 1)
  }

  /// Row `i` as a vector of ``columns`` elements with stride ``leadingDimension``.
  @inlinable
  public func row(_ i: Int) -> VectorView<T> {
    precondition(i >= 0 && i < rows, "row \(i) outside 0..<\(rows)")
    return VectorView(base: base + i, count: columns, stride: leadingDimension)
  }
}

/// A non-null, aligned address for views of no elements (the BLAS never reads it).
@inlinable
internal func placeholderAddress<T>() -> UnsafeMutablePointer<T> {
  UnsafeMutablePointer(bitPattern: MemoryLayout<T>.alignment)!
}
