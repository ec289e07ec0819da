/// Whether a BLAS routine uses a matrix as stored or its transpose.
/// The corresponding C type is `CBLAS_TRANSPOSE`.
public enum Transpose: Sendable, Hashable, CaseIterable {
  /// Use the matrix as stored. The corresponding C constant is `CblasNoTrans`.
  case noTranspose
  /// Use its transpose. The corresponding C constant is `CblasTrans`.
  case transpose
}

/// On which side of `B` the triangular matrix of ``trsm(side:uplo:transA:diagonal:alpha:_:_:)``
/// stands. The corresponding C type is `CBLAS_SIDE`.
public enum Side: Sendable, Hashable, CaseIterable {
  /// Solve `op(A) X = alpha B`. The corresponding C constant is `CblasLeft`.
  case left
  /// Solve `X op(A) = alpha B`. The corresponding C constant is `CblasRight`.
  case right
}

/// Which triangle of a square matrix a routine reads. The corresponding C type is `CBLAS_UPLO`.
public enum Uplo: Sendable, Hashable, CaseIterable {
  /// The upper triangle. The corresponding C constant is `CblasUpper`.
  case upper
  /// The lower triangle. The corresponding C constant is `CblasLower`.
  case lower
}

/// Another name for ``Uplo``, which spells out what it chooses.
public typealias TriangleKind = Uplo

/// Whether a triangular matrix has an implicit unit diagonal. The corresponding C type is
/// `CBLAS_DIAG`.
public enum Diagonal: Sendable, Hashable, CaseIterable {
  /// The diagonal is taken as all ones and not read. The corresponding C constant is `CblasUnit`.
  case unit
  /// The diagonal is read from the matrix. The corresponding C constant is `CblasNonUnit`.
  case nonUnit
}
