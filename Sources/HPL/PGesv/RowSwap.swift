import MPI

/// The three ways of applying a panel's row interchanges to trailing columns spread over a
/// process column, each leaving U (the pivot rows, as rows of `ut`) on every process of the
/// column and the displaced top rows in their new places.
///
/// - binary exchange (SWAP 0): one leave-on-all reduction of the rows each process contributes,
///   log₂P steps of pairwise exchanges inside MPI's allreduce;
/// - spread-roll (SWAP 1, "long"): the displaced rows are spread from the top block's owner
///   to their process rows, then the pieces of U are rolled around the process column in P − 1
///   steps, optionally after equilibrating the pieces so every step moves the same volume;
/// - mix (SWAP 2): spread-roll for more than the swap threshold's columns, else binary exchange.
/// netlib: `HPL_pdlaswp00N` (binary exchange), `HPL_pdlaswp01N` + `HPL_spreadN`, `HPL_equil`,
/// `HPL_rollN` (spread-roll).
struct RowSwap {
  let matrix: DistributedMatrix
  let panel: Panel
  let columnCommunicator: Communicator
  let interchanges: RowInterchanges
  let workspace: Workspace

  private var ld: Int { matrix.leadingDimension }
  private var width: Int { panel.width }

  private func gather(
    _ pairs: [(row: Int, slot: Int)], of columns: UnsafeMutablePointer<Double>, count: Int,
    into buffer: UnsafeMutablePointer<Double>
  ) {
    RowCopy.gather(pairs, from: columns, leadingDimension: ld, count: count, into: buffer)
  }

  private func scatter(
    _ pairs: [(row: Int, slot: Int)], from buffer: UnsafeMutablePointer<Double>, count: Int,
    into columns: UnsafeMutablePointer<Double>
  ) {
    RowCopy.scatter(pairs, from: buffer, count: count, into: columns, leadingDimension: ld)
  }

  private func localRow(_ global: Int) -> Int { matrix.rowLayout.localIndex(ofGlobal: global) }
  private func owner(_ global: Int) -> Int { matrix.rowLayout.owner(ofGlobal: global) }

  /// P = 1: swap rows in place, column by column (each column is contiguous).
  /// netlib: `HPL_dlaswp00N`.
  func swapLocally(columns: UnsafeMutablePointer<Double>, count: Int) {
    let top = panel.firstLocalRow
    let pivots = (0..<width).map { localRow(panel.pivot($0)) }
    for c in 0..<count {
      let column = columns + c * ld
      for j in 0..<width where pivots[j] != top + j {
        let t = column[top + j]
        column[top + j] = column[pivots[j]]
        column[pivots[j]] = t
      }
    }
  }

  /// SWAP 0: every process contributes the U rows it owns and (on the top block's owner) the
  /// original top rows; one in-place sum-allreduce (each row has exactly one contributor, so the
  /// sum is exact) leaves everything on every process.
  func binaryExchange(columns: UnsafeMutablePointer<Double>, count: Int, into ut: UnsafeMutablePointer<Double>) throws {
    let rows = 2 * width
    let buffer = workspace.buffer(2, count: rows * count)
    buffer.initialize(repeating: 0, count: rows * count)
    var pairs = interchanges.sources.enumerated().filter { owner($0.element) == matrix.myRow }.map {
      (row: localRow($0.element), slot: $0.offset)
    }
    if panel.ownsDiagonal { pairs += (0..<width).map { (panel.firstLocalRow + $0, width + $0) } }
    gather(pairs, of: columns, count: count, into: buffer)
    try columnCommunicator.allreduce(
      inPlace: UnsafeMutableBufferPointer(start: buffer, count: rows * count), operation: .sum)
    ut.update(from: buffer, count: width * count)
    scatter(
      interchanges.displaced.filter { owner($0.row) == matrix.myRow }.map { (localRow($0.row), width + $0.top) },
      from: buffer, count: count, into: columns)
  }

  /// SWAP 1: spread the displaced rows, (equilibrate,) roll U's pieces.
  func spreadRoll(
    columns: UnsafeMutablePointer<Double>, count: Int, into ut: UnsafeMutablePointer<Double>,
    equilibrate: Bool
  ) throws {
    let p = columnCommunicator.size
    let me = matrix.myRow
    let tag = 1_000 + panel.index % 30_000

    // U's rows in the order of their owners; each owner's rows form one contiguous piece.
    let order = (0..<width).sorted {
      (owner(interchanges.sources[$0]), $0) < (owner(interchanges.sources[$1]), $1)
    }
    var ownerStart = Array(repeating: 0, count: p + 1)
    for j in order { ownerStart[owner(interchanges.sources[j]) + 1] += 1 }
    for r in 0..<p { ownerStart[r + 1] += ownerStart[r] }
    let holderStart = equilibrate ? (0...p).map { width * $0 / p } : ownerStart

    // Rows travel in owner order inside `ut` itself and are put in pivot order at the end, so
    // spread-roll needs no second U-sized buffer.
    let rolled = ut
    gather(
      (ownerStart[me]..<ownerStart[me + 1]).map { (localRow(interchanges.sources[order[$0]]), $0) },
      of: columns, count: count, into: rolled)

    try spread(columns: columns, count: count, tag: tag)

    if equilibrate {
      // Hand rows to the process that holds them for the roll: the overlap of my owned range
      // with each peer's held range (and the reverse) is contiguous, one message each way.
      var requests: [Request] = []
      for peer in 0..<p where peer != me {
        let send = overlap(ownerStart[me]..<ownerStart[me + 1], holderStart[peer]..<holderStart[peer + 1])
        if !send.isEmpty {
          requests.append(
            try columnCommunicator.immediateSend(
              UnsafeBufferPointer(start: rolled + send.lowerBound * count, count: send.count * count),
              to: peer, tag: tag))
        }
        let receive = overlap(holderStart[me]..<holderStart[me + 1], ownerStart[peer]..<ownerStart[peer + 1])
        if !receive.isEmpty {
          requests.append(
            try columnCommunicator.immediateReceive(
              into: UnsafeMutableBufferPointer(
                start: rolled + receive.lowerBound * count, count: receive.count * count),
              from: peer, tag: tag))
        }
      }
      try Request.waitAll(requests)
    }

    // Roll: in step s, pass on the piece that started s processes back.
    let next = (me + 1) % p
    let previous = (me - 1 + p) % p
    for step in 0..<(p - 1) {
      let outgoing = (me - step + p) % p
      let incoming = (me - step - 1 + p) % p
      let send = UnsafeBufferPointer(
        start: rolled + holderStart[outgoing] * count,
        count: (holderStart[outgoing + 1] - holderStart[outgoing]) * count)
      let receive = UnsafeMutableBufferPointer(
        start: rolled + holderStart[incoming] * count,
        count: (holderStart[incoming + 1] - holderStart[incoming]) * count)
      try columnCommunicator.sendReceive(send, to: next, sendTag: tag, into: receive, from: previous, receiveTag: tag)
    }

    permuteRows(ut, count: count, to: order)
  }

  /// Moves row i of `rows` to row `destination[i]`, in place (cycle by cycle, one spare row).
  private func permuteRows(_ rows: UnsafeMutablePointer<Double>, count: Int, to destination: [Int]) {
    var source = [Int](repeating: 0, count: destination.count)
    for (i, target) in destination.enumerated() { source[target] = i }
    let spare = workspace.buffer(2, count: count)
    var placed = [Bool](repeating: false, count: destination.count)
    for start in 0..<destination.count where !placed[start] && source[start] != start {
      spare.update(from: rows + start * count, count: count)
      var position = start
      while source[position] != start {
        (rows + position * count).update(from: rows + source[position] * count, count: count)
        placed[position] = true
        position = source[position]
      }
      (rows + position * count).update(from: spare, count: count)
      placed[position] = true
    }
  }

  /// The common part of two ranges (empty when they do not meet).
  private func overlap(_ a: Range<Int>, _ b: Range<Int>) -> Range<Int> {
    let lower = max(a.lowerBound, b.lowerBound)
    return lower..<max(lower, min(a.upperBound, b.upperBound))
  }

  /// Columns per spread message: bounds the staging buffer to a few megabytes, whatever the
  /// width of the trailing matrix (peak memory per rank is one of the benchmark's targets).
  static let spreadColumns = 512

  /// The top block's owner sends each process row the original top rows that move there, a
  /// block of columns at a time.
  private func spread(columns: UnsafeMutablePointer<Double>, count: Int, tag: Int) throws {
    var first = 0
    while first < count {
      let width = min(Self.spreadColumns, count - first)
      try spreadBlock(columns: columns + first * ld, count: width, tag: tag)
      first += width
    }
  }

  private func spreadBlock(columns: UnsafeMutablePointer<Double>, count: Int, tag: Int) throws {
    let p = columnCommunicator.size
    let me = matrix.myRow
    var byRow = Array(repeating: [(row: Int, top: Int)](), count: p)
    for entry in interchanges.displaced { byRow[owner(entry.row)].append(entry) }
    if panel.ownsDiagonal {
      let staging = workspace.buffer(3, count: max(1, interchanges.displaced.count * count))
      var offset = 0
      var requests: [Request] = []
      var local: [(row: Int, slot: Int)] = []
      var packed: [(row: Int, slot: Int)] = []
      for r in 0..<p where !byRow[r].isEmpty {
        for entry in byRow[r] {
          packed.append((panel.firstLocalRow + entry.top, offset))
          if r == me { local.append((localRow(entry.row), offset)) }
          offset += 1
        }
      }
      gather(packed, of: columns, count: count, into: staging)
      offset = 0
      for r in 0..<p where !byRow[r].isEmpty {
        let start = offset
        offset += byRow[r].count
        if r != me {
          requests.append(
            try columnCommunicator.immediateSend(
              UnsafeBufferPointer(start: staging + start * count, count: byRow[r].count * count), to: r, tag: tag))
        }
      }
      scatter(local, from: staging, count: count, into: columns)
      try Request.waitAll(requests)
    } else if !byRow[me].isEmpty {
      let staging = workspace.buffer(3, count: byRow[me].count * count)
      _ = try columnCommunicator.receive(
        into: UnsafeMutableBufferPointer(start: staging, count: byRow[me].count * count),
        from: panel.diagonalRow, tag: tag)
      scatter(
        byRow[me].enumerated().map { (localRow($0.element.row), $0.offset) }, from: staging, count: count, into: columns
      )
    }
  }
}
