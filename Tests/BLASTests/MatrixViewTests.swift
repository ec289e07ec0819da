import BLAS
import Testing

@Suite("MatrixView and VectorView arithmetic")
struct MatrixViewTests {
  /// A 4 × 3 matrix with leading dimension 6 whose element (i, j) is 10·i + j.
  func withSample(_ body: (MatrixView<Double>, UnsafeMutableBufferPointer<Double>) -> Void) {
    var storage = [Double](repeating: -1, count: 6 * 3)
    storage.withUnsafeMutableBufferPointer { buffer in
      let matrix = MatrixView(base: buffer.baseAddress!, rows: 4, columns: 3, leadingDimension: 6)
      for j in 0..<3 { for i in 0..<4 { matrix[i, j] = Double(10 * i + j) } }
      body(matrix, buffer)
    }
  }

  @Test("element (i, j) lives at base + i + j·ld")
  func addressing() {
    withSample { matrix, buffer in
      #expect(buffer[2 + 1 * 6] == 21)
      #expect(matrix.pointer(row: 3, column: 2) == buffer.baseAddress! + 3 + 2 * 6)
      #expect(matrix[row: 1, column: 2] == 12)
      #expect(buffer[4] == -1 && buffer[5] == -1, "padding rows are not part of the view")
    }
  }

  @Test("a submatrix shares memory and keeps the leading dimension")
  func submatrix() {
    withSample { matrix, buffer in
      let sub = matrix.submatrix(rows: 1..<3, columns: 1..<3)
      #expect(sub.rows == 2 && sub.columns == 2 && sub.leadingDimension == 6)
      #expect(sub.base == buffer.baseAddress! + 1 + 1 * 6)
      #expect(sub[0, 0] == 11 && sub[1, 1] == 22)
      sub[1, 0] = 99
      #expect(matrix[2, 1] == 99)
      let nested = sub.submatrix(rows: 1..<2, columns: 0..<2)
      #expect(nested[0, 1] == 22)
      let empty = matrix.submatrix(rows: 4..<4, columns: 0..<3)
      #expect(empty.isEmpty && empty.rows == 0)
    }
  }

  @Test("columns have stride 1, rows have stride ld")
  func vectors() {
    withSample { matrix, _ in
      let column = matrix.column(2)
      #expect(column.count == 4 && column.stride == 1)
      #expect((0..<4).map { column[$0] } == [2, 12, 22, 32])
      let row = matrix.row(3)
      #expect(row.count == 3 && row.stride == 6)
      #expect((0..<3).map { row[$0] } == [30, 31, 32])
      row[1] = -5
      #expect(matrix[3, 1] == -5)
      #expect(row.subvector(1..<3)[0] == -5)
      #expect(row.pointer(2) == matrix.pointer(row: 3, column: 2))
    }
  }

  @Test("a buffer initializer defaults the leading dimension to the rows")
  func bufferInitializer() {
    var storage: [Float] = [1, 2, 3, 4, 5, 6]
    storage.withUnsafeMutableBufferPointer { buffer in
      let matrix = MatrixView(buffer, rows: 2, columns: 3)
      #expect(matrix.leadingDimension == 2)
      #expect(matrix[1, 2] == 6)
      let vector = VectorView(buffer)
      #expect(vector.count == 6 && vector[5] == 6)
    }
  }
}
