import BLAS

/// `C ← alpha · op(A) · op(B) + beta · C` on row-major matrices (C is m × n, op(A) m × k, op(B)
/// k × n; `lda`, `ldb`, `ldc` are row strides).
///
/// The BLAS is column-major, and a row-major matrix is its transpose in column-major order, so
/// this computes `Cᵀ = op(B)ᵀ · op(A)ᵀ` with the operands swapped; nothing is copied.
@inline(__always)
func rowMajorGemm(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
  _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
  _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
  guard m > 0, n > 0 else { return }
  // Row-major B (k × n, or n × k when transposed) read as a column-major matrix.
  let bView = MatrixView(
    base: UnsafeMutablePointer(mutating: b), rows: transposeB ? k : n, columns: transposeB ? n : k,
    leadingDimension: max(ldb, 1))
  let aView = MatrixView(
    base: UnsafeMutablePointer(mutating: a), rows: transposeA ? m : k, columns: transposeA ? k : m,
    leadingDimension: max(lda, 1))
  let cView = MatrixView(base: c, rows: n, columns: m, leadingDimension: max(ldc, 1))
  if k == 0 {
    // The BLAS would only scale C; do it here so that no empty operand reaches it.
    for row in 0..<m {
      let r = c + row * ldc
      for j in 0..<n { r[j] = beta == 0 ? 0 : beta * r[j] }
    }
    return
  }
  if m == 1 {
    // One row of C (a dense layer at batch 1) is a matrix-vector product: sgemm would pack all of B first
    // (OpenBLAS spent half of LeNet's batch-1 inference copying its dense weights).
    let x = VectorView(base: UnsafeMutablePointer(mutating: a), count: k, stride: transposeA ? max(lda, 1) : 1)
    gemv(transposeB ? .transpose : .noTranspose, alpha: alpha, bView, x, beta: beta, VectorView(base: c, count: n))
    return
  }
  gemm(
    transposeB ? .transpose : .noTranspose, transposeA ? .transpose : .noTranspose, alpha: alpha, bView, aView,
    beta: beta, cView)
}
