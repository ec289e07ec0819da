import MPI

/// The broadcast of one factorised panel from its process column to the others of each process
/// row, in one of HPL's six topologies.
///
/// Ring topologies are driven by progress: a process posts its receive when the broadcast starts
/// and forwards the panel as soon as `test()` (called between pieces of the trailing update) or
/// `wait()` sees it arrive, so the broadcast overlaps computation. The "long" topologies are
/// synchronising (scatter, then roll) and run entirely inside `wait()`.
/// netlib: `HPL_binit`, `HPL_bcast`, `HPL_bwait` and `HPL_bcast_{1ring,1rinM,2ring,2rinM,blong,blonM}`.
final class PanelBroadcast {
  let topology: BroadcastTopology
  let communicator: Communicator
  let root: Int
  let buffer: UnsafeMutableBufferPointer<Double>
  let tag: Int
  private var receive: Request?
  private var sends: [Request] = []
  private var forwarded = false
  private var hasPanel = false
  private(set) var isComplete = false

  /// Starts the broadcast (collective over the process row in program order, non-blocking for
  /// ring topologies). `buffer` must hold the packed panel at the root.
  init(
    topology: BroadcastTopology, communicator: Communicator, root: Int,
    buffer: UnsafeMutableBufferPointer<Double>, panelIndex: Int
  ) throws {
    self.topology = topology
    self.communicator = communicator
    self.root = root
    self.buffer = buffer
    tag = panelIndex % 32_000
    if communicator.size == 1 {
      isComplete = true
      return
    }
    switch topology {
    case .long:
      break
    case .longModified:
      // The next panel's owner (relative rank 1) gets the whole panel first, by itself.
      if relativeRank == 0 {
        sends.append(try communicator.immediateSend(UnsafeBufferPointer(buffer), to: absolute(1), tag: tag))
      } else if relativeRank == 1 {
        receive = try communicator.immediateReceive(into: buffer, from: root, tag: tag)
      }
    default:
      let plan = RingPlan(topology: topology, size: communicator.size, relativeRank: relativeRank)
      if let source = plan.source {
        receive = try communicator.immediateReceive(into: buffer, from: absolute(source), tag: tag)
      } else {
        try forward(plan)
      }
    }
  }

  private var relativeRank: Int { (communicator.rank - root + communicator.size) % communicator.size }
  private func absolute(_ relative: Int) -> Int { (relative + root) % communicator.size }

  private func forward(_ plan: RingPlan) throws {
    for destination in plan.destinations {
      sends.append(try communicator.immediateSend(UnsafeBufferPointer(buffer), to: absolute(destination), tag: tag))
    }
    forwarded = true
  }

  /// Makes progress without blocking; returns true once this process has the panel and has
  /// passed it on. Long topologies only report completion here.
  func test() throws -> Bool {
    if isComplete { return true }
    switch topology {
    case .long, .longModified:
      return false
    default:
      if let receive, !forwarded {
        guard try receive.test() else { return false }
        try forward(RingPlan(topology: topology, size: communicator.size, relativeRank: relativeRank))
      }
      hasPanel = true
      var allSent = true
      for send in sends where !(try send.test()) { allSent = false }
      if allSent { isComplete = true }
      return isComplete
    }
  }

  /// Blocks until this process has the panel and has passed it on (its own sends may still be
  /// in flight; `finish()` completes them).
  func wait() throws {
    if isComplete || hasPanel { return }
    switch topology {
    case .long:
      try scatterRoll(participants: Array(0..<communicator.size))
    case .longModified:
      if let receive { _ = try receive.wait() }
      try scatterRoll(participants: [0] + Array(2..<communicator.size))
    default:
      if let receive, !forwarded {
        _ = try receive.wait()
        try forward(RingPlan(topology: topology, size: communicator.size, relativeRank: relativeRank))
      }
    }
    hasPanel = true
  }

  /// Completes this process's part of the broadcast; the buffer may be released afterwards.
  func finish() throws {
    if isComplete { return }
    try wait()
    try Request.waitAll(sends)
    sends.removeAll()
    isComplete = true
  }

  /// Scatter the panel in pieces from the root, then roll the pieces around a ring of the
  /// participants (relative ranks, root first) so that each one ends with all of them.
  /// The volume each process sends does not grow with the number of processes.
  private func scatterRoll(participants: [Int]) throws {
    guard let me = participants.firstIndex(of: relativeRank) else { return }
    let count = participants.count
    guard count > 1 else { return }
    let total = buffer.count
    func piece(_ i: Int) -> UnsafeMutableBufferPointer<Double> {
      let lower = total * i / count
      let upper = total * (i + 1) / count
      return UnsafeMutableBufferPointer(rebasing: buffer[lower..<upper])
    }
    if me == 0 {
      var scatter: [Request] = []
      for i in 1..<count {
        scatter.append(
          try communicator.immediateSend(UnsafeBufferPointer(piece(i)), to: absolute(participants[i]), tag: tag))
      }
      try Request.waitAll(scatter)
    } else {
      _ = try communicator.receive(into: piece(me), from: root, tag: tag)
    }
    let next = absolute(participants[(me + 1) % count])
    let previous = absolute(participants[(me - 1 + count) % count])
    for step in 0..<(count - 1) {
      let outgoing = piece((me - step + count) % count)
      let incoming = piece((me - step - 1 + count) % count)
      // The root already holds every piece; the last participant has nobody left to feed.
      if me == 0 {
        try communicator.send(UnsafeBufferPointer(outgoing), to: next, tag: tag)
      } else if me == count - 1 {
        _ = try communicator.receive(into: incoming, from: previous, tag: tag)
      } else {
        try communicator.sendReceive(
          UnsafeBufferPointer(outgoing), to: next, sendTag: tag, into: incoming, from: previous,
          receiveTag: tag)
      }
    }
  }
}

/// Who a process receives the panel from and whom it forwards it to, for the four ring
/// topologies, in relative ranks (the root is 0).
struct RingPlan: Equatable {
  var source: Int?
  var destinations: [Int]

  init(topology: BroadcastTopology, size q: Int, relativeRank r: Int) {
    /// Rings over first..<end, each fed by the root at its first member; split in two halves
    /// for the two-ring topologies.
    func ring(_ first: Int, _ end: Int) -> (source: Int?, destinations: [Int])? {
      guard r >= first && r < end else { return nil }
      return (r == first ? 0 : r - 1, r + 1 < end ? [r + 1] : [])
    }
    func twoRings(from first: Int) -> (starts: [Int], mine: (Int?, [Int])?) {
      let half = first + (q - first) / 2
      let starts = [first, half].filter { $0 < q }
      let unique = Array(Set(starts)).sorted()
      if unique.count == 1 { return (unique, ring(first, q)) }
      return (unique, ring(first, half) ?? ring(half, q))
    }
    switch topology {
    case .oneRing:
      if r == 0 {
        self.init(source: nil, destinations: q > 1 ? [1] : [])
      } else {
        self.init(source: r - 1, destinations: r + 1 < q ? [r + 1] : [])
      }
    case .oneRingModified:
      if r == 0 {
        self.init(source: nil, destinations: Array([1, 2].filter { $0 < q }))
      } else if r == 1 {
        self.init(source: 0, destinations: [])
      } else {
        self.init(source: r == 2 ? 0 : r - 1, destinations: r + 1 < q ? [r + 1] : [])
      }
    case .twoRing:
      let (starts, mine) = twoRings(from: 1)
      if r == 0 {
        self.init(source: nil, destinations: starts)
      } else {
        self.init(source: mine?.0, destinations: mine?.1 ?? [])
      }
    case .twoRingModified:
      if r == 0 {
        self.init(source: nil, destinations: (q > 1 ? [1] : []) + twoRings(from: 2).starts)
      } else if r == 1 {
        self.init(source: 0, destinations: [])
      } else {
        let mine = twoRings(from: 2).mine
        self.init(source: mine?.0, destinations: mine?.1 ?? [])
      }
    case .long, .longModified:
      self.init(source: r == 0 ? nil : 0, destinations: r == 0 ? Array(1..<max(1, q)) : [])
    }
  }

  init(source: Int?, destinations: [Int]) {
    self.source = source
    self.destinations = destinations
  }
}
