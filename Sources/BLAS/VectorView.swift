/// A strided vector in memory the caller owns: element `i` is at `base + i * stride`.
///
/// A column of a ``MatrixView`` has stride 1, a row has the matrix's leading dimension. The
/// view copies nothing. Strides are positive. The corresponding BLAS arguments are `X, N, INCX`.
public struct VectorView<T> {
  /// The address of element 0.
  public var base: UnsafeMutablePointer<T>
  /// The number of elements, N.
  public var count: Int
  /// The distance in elements between adjacent elements, INCX ≥ 1.
  public var stride: Int

  /// A view of `count` elements starting at `base`, `stride` elements apart.
  @inlinable
  public init(base: UnsafeMutablePointer<T>, count: Int, stride: Int = 1) {
    precondition(count >= 0, "negative vector length \(count)")
    precondition(stride >= 1, "vector stride \(stride) must be ≥ 1")
    self.base = base
    self.count = count
    self.stride = stride
  }

  /// A view of a whole buffer with stride 1.
  @inlinable
  public init(_ buffer: UnsafeMutableBufferPointer<T>) {
    self.init(base: buffer.baseAddress ?? placeholderAddress(), count: buffer.count, stride: 1)
  }

  /// Whether the view has no elements.
  @inlinable
  public var isEmpty: Bool { count == 0 }

  /// Element `i`; setting writes through to the caller's memory.
  @inlinable
  public subscript(i: Int) -> T {
    get { pointer(i).pointee }
    nonmutating set { pointer(i).pointee = newValue }
  }

  /// The address of element `i` (bounds checked in debug builds only: element access is the
  /// hot loop).
  @inlinable
  public func pointer(_ i: Int) -> UnsafeMutablePointer<T> {
    assert(i >= 0 && i < count, "element \(i) outside 0..<\(count)")
    return base + i * stride
  }

  /// The elements in `range`, as a view of the same memory.
  @inlinable
  public func subvector(_ range: Range<Int>) -> VectorView<T> {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "\(range) outside 0..<\(count)")
    return VectorView(base: base + range.lowerBound * stride, count: range.count, stride: stride)
  }
}
