import CBLAS

// The raw CBLAS calls, one thin function per routine and precision. Only this folder imports
// CBLAS. They are `@usableFromInline` but not `@inlinable`: the generic routines inline into
// callers, the C call stays here, so no caller ever sees a C type.
//
// Everything is column-major (`CblasColMajor`); sizes arrive as Swift `Int` and are passed
// as C `int`, leading dimensions already clamped to at least 1.

@usableFromInline
internal enum CBLASCalls {}

extension Transpose {
  var cValue: CBLAS_TRANSPOSE { self == .noTranspose ? CblasNoTrans : CblasTrans }
}

extension Side {
  var cValue: CBLAS_SIDE { self == .left ? CblasLeft : CblasRight }
}

extension Uplo {
  var cValue: CBLAS_UPLO { self == .upper ? CblasUpper : CblasLower }
}

extension Diagonal {
  var cValue: CBLAS_DIAG { self == .unit ? CblasUnit : CblasNonUnit }
}
