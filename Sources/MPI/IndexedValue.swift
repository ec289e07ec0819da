/// A value and the index where it was found, for the location reductions.
///
/// ``ReductionOperation/maxLocation`` keeps the largest `value` and, among equal values, the
/// smallest `index`; HPL-style pivot searches reduce `(|a|, global row)` pairs this way.
/// The layout is C's `struct { double; int; }`. The corresponding C datatype is `MPI_DOUBLE_INT`.
public struct DoubleAndIndex: MPIScalar, Equatable, Sendable {
  /// The compared value.
  public var value: Double
  /// The index that travels with it (a rank, a row, ...).
  public var index: Int32

  /// A pair of a value and its index.
  public init(value: Double, index: Int32) {
    self.value = value
    self.index = index
  }

  /// `MPI_DOUBLE_INT`.
  public static var mpiDatatype: Datatype { .doubleAndIndex }
}

/// A `Float` and its index, C's `struct { float; int; }`. The corresponding C datatype is
/// `MPI_FLOAT_INT`.
public struct FloatAndIndex: MPIScalar, Equatable, Sendable {
  /// The compared value.
  public var value: Float
  /// The index that travels with it.
  public var index: Int32

  /// A pair of a value and its index.
  public init(value: Float, index: Int32) {
    self.value = value
    self.index = index
  }

  /// `MPI_FLOAT_INT`.
  public static var mpiDatatype: Datatype { .floatAndIndex }
}

/// An `Int32` and its index, C's `struct { int; int; }`. The corresponding C datatype is
/// `MPI_2INT`.
public struct Int32AndIndex: MPIScalar, Equatable, Sendable {
  /// The compared value.
  public var value: Int32
  /// The index that travels with it.
  public var index: Int32

  /// A pair of a value and its index.
  public init(value: Int32, index: Int32) {
    self.value = value
    self.index = index
  }

  /// `MPI_2INT`.
  public static var mpiDatatype: Datatype { .int32AndIndex }
}
