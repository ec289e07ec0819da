/// What a panel's pivots do to the rows of the trailing matrix, worked out once from the pivot
/// list so that every swap algorithm moves whole rows directly to where they end up.
///
/// Applying the pivots in order (row firstColumn + j ↔ pivot j) leaves in top position j the
/// original row `sources[j]`, and moves some original top rows down to rows below the block:
/// `displaced` lists those as (destination global row, top position whose original row goes there).
/// netlib: the index bookkeeping of `HPL_pdlaswp*` (`HPL_plindx*`).
struct RowInterchanges: Equatable {
  /// Global row of the original content of each top position.
  var sources: [Int]
  /// (destination global row ≥ firstColumn + width, top position j) pairs, in destination order.
  var displaced: [(row: Int, top: Int)]

  init(firstRow: Int, pivots: [Int]) {
    var content: [Int: Int] = [:]
    func at(_ row: Int) -> Int { content[row] ?? row }
    for (j, pivot) in pivots.enumerated() where pivot != firstRow + j {
      let current = at(firstRow + j)
      content[firstRow + j] = at(pivot)
      content[pivot] = current
    }
    let width = pivots.count
    sources = (0..<width).map { at(firstRow + $0) }
    displaced = content.compactMap { row, original in
      row >= firstRow + width ? (row: row, top: original - firstRow) : nil
    }.sorted { $0.row < $1.row }
  }

  static func == (lhs: RowInterchanges, rhs: RowInterchanges) -> Bool {
    lhs.sources == rhs.sources && lhs.displaced.map(\.row) == rhs.displaced.map(\.row)
      && lhs.displaced.map(\.top) == rhs.displaced.map(\.top)
  }
}
