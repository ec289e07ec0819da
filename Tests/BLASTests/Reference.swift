import BLAS

/// Naive loops the BLAS routines are checked against, and deterministic test data.

/// A column-major matrix that owns its storage, with a leading dimension larger than its rows
/// so that routines which ignore the leading dimension fail.
final class TestMatrix<T: BLASScalar> {
  let rows: Int
  let columns: Int
  let leadingDimension: Int
  let storage: UnsafeMutableBufferPointer<T>

  init(rows: Int, columns: Int, padding: Int = 3, seed: UInt64) {
    self.rows = rows
    self.columns = columns
    leadingDimension = rows + padding
    storage = .allocate(capacity: max(1, leadingDimension * columns))
    var generator = SplitMix(seed: seed)
    for index in storage.indices { storage[index] = generator.next(T.self) }
  }

  deinit { storage.deallocate() }

  var view: MatrixView<T> {
    MatrixView(
      base: storage.baseAddress!, rows: rows, columns: columns, leadingDimension: leadingDimension)
  }

  /// Element (i, j) as a Double, for the references.
  subscript(i: Int, j: Int) -> Double {
    get { Double(storage[i + j * leadingDimension]) }
    set { storage[i + j * leadingDimension] = T(newValue) }
  }

  /// The whole storage, padding included, to check that padding is left alone.
  var snapshot: [T] { Array(storage) }

  /// Makes the matrix well conditioned for triangular solves: a dominant diagonal.
  func strengthenDiagonal() {
    for i in 0..<min(rows, columns) { self[i, i] = Double(rows + 2) + abs(self[i, i]) }
  }
}

/// A strided vector that owns its storage.
final class TestVector<T: BLASScalar> {
  let count: Int
  let stride: Int
  let storage: UnsafeMutableBufferPointer<T>

  init(count: Int, stride: Int = 2, seed: UInt64) {
    self.count = count
    self.stride = stride
    storage = .allocate(capacity: max(1, count * stride))
    var generator = SplitMix(seed: seed)
    for index in storage.indices { storage[index] = generator.next(T.self) }
  }

  deinit { storage.deallocate() }

  var view: VectorView<T> { VectorView(base: storage.baseAddress!, count: count, stride: stride) }

  subscript(i: Int) -> Double {
    get { Double(storage[i * stride]) }
    set { storage[i * stride] = T(newValue) }
  }

  var values: [Double] { (0..<count).map { self[$0] } }
  var snapshot: [T] { Array(storage) }
}

/// SplitMix64, for reproducible values in [-1, 1).
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next<T: BinaryFloatingPoint>(_ type: T.Type) -> T {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return T(Double(z >> 11) / Double(1 << 53) * 2 - 1)
  }
}

/// `op(A)[i, j]` of a test matrix.
func element<T>(_ a: TestMatrix<T>, _ trans: Transpose, _ i: Int, _ j: Int) -> Double {
  trans == .noTranspose ? a[i, j] : a[j, i]
}

/// The tolerance for comparing a routine's result with a Double reference.
func tolerance<T: BLASScalar>(_ type: T.Type) -> Double {
  T.self == Float.self ? 1e-4 : 1e-12
}
