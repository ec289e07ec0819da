import Testing

@testable import HPL

@Suite struct RowInterchangesTests {
  /// Applying the pivots one by one to a list of row labels gives the same picture.
  @Test(arguments: [
    (10, [10, 11, 12]), (10, [15, 11, 15]), (0, [3, 3, 3, 3]), (5, [9, 9, 8, 20]), (0, [1, 0 + 2, 2]),
  ])
  func matchesSequentialSwaps(firstRow: Int, pivots: [Int]) {
    var rows = Array(0..<40)
    for (j, pivot) in pivots.enumerated() { rows.swapAt(firstRow + j, pivot) }
    let interchanges = RowInterchanges(firstRow: firstRow, pivots: pivots)
    for j in 0..<pivots.count { #expect(interchanges.sources[j] == rows[firstRow + j]) }
    let moved = (firstRow + pivots.count..<40).filter { rows[$0] != $0 }
    #expect(interchanges.displaced.map(\.row) == moved)
    for entry in interchanges.displaced { #expect(rows[entry.row] == firstRow + entry.top) }
  }
}
