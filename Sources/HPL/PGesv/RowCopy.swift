/// Moves whole rows between column-major local storage and row-contiguous buffers (row `slot`
/// at `buffer + slot·count`), the data movement of every swap algorithm.
///
/// Rows of a column-major matrix are strided, so copying one row at a time touches a new cache
/// line per element. Working on 32 columns at a time instead reuses each line for the 8 rows it
/// holds, which makes the row swaps several times cheaper on large trailing matrices.
enum RowCopy {
  static let columnBlock = 32

  /// buffer[slot·count + c] = A[row, c] for each (row, slot).
  static func gather(
    _ pairs: [(row: Int, slot: Int)], from columns: UnsafePointer<Double>, leadingDimension ld: Int,
    count: Int, into buffer: UnsafeMutablePointer<Double>
  ) {
    guard !pairs.isEmpty else { return }
    var c0 = 0
    while c0 < count {
      let c1 = min(count, c0 + columnBlock)
      for (row, slot) in pairs {
        let destination = buffer + slot * count
        for c in c0..<c1 { destination[c] = columns[c * ld + row] }
      }
      c0 = c1
    }
  }

  /// A[row, c] = buffer[slot·count + c] for each (row, slot).
  static func scatter(
    _ pairs: [(row: Int, slot: Int)], from buffer: UnsafePointer<Double>, count: Int,
    into columns: UnsafeMutablePointer<Double>, leadingDimension ld: Int
  ) {
    guard !pairs.isEmpty else { return }
    var c0 = 0
    while c0 < count {
      let c1 = min(count, c0 + columnBlock)
      for (row, slot) in pairs {
        let source = buffer + slot * count
        for c in c0..<c1 { columns[c * ld + row] = source[c] }
      }
      c0 = c1
    }
  }
}
