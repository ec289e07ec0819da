import MPI

/// Splitting and duplicating communicators.
enum CommunicatorChecks {
  static func run(_ report: Report) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)

    report.check("world rank and size") {
      guard size >= 1, (0..<size).contains(rank) else { return "rank \(rank) of \(size)" }
      let total = try world.allreduce(1, operation: .sum)
      return total == size ? nil : "allreduce of 1 gave \(total), not \(size)"
    }

    // Even and odd ranks; key = -rank reverses the order inside each half.
    report.check("split by parity") {
      guard let half = try world.split(color: rank % 2, key: -rank) else {
        return "split with a color returned nil"
      }
      let members = Array((0..<size).filter { $0 % 2 == rank % 2 }.reversed())
      let expectedRank = members.firstIndex(of: rank)!
      let ranks = try half.allgather(rank)
      return firstFailure(
        compare([half.size, half.rank], [members.count, expectedRank], "size, rank"),
        compare(ranks, members, "world ranks in rank order"))
    }

    report.check("split with undefined color") {
      let part = try world.split(color: rank == 0 ? nil : 0, key: rank)
      if rank == 0 { return part == nil ? nil : "color nil returned a communicator" }
      guard let part else { return "a colored rank got nil" }
      return compare([part.size, part.rank], [size - 1, rank - 1], "size, rank")
    }

    report.check("duplicate") {
      let copy = try world.duplicate()
      let sum = try copy.allreduce(rank, operation: .sum)
      return firstFailure(
        compare([copy.size, copy.rank], [size, rank], "size, rank"),
        compare([sum], [size * (size - 1) / 2], "allreduce on the copy"))
    }

    report.check("splitShared") {
      let node = try world.splitShared(key: rank)
      let total = try node.allreduce(1, operation: .sum)
      // Ranks on one node share a processor name; no rank of another node may be counted.
      let nodes = try world.allreduce(node.rank == 0 ? 1 : 0, operation: .sum)
      let sizes = try world.allreduce(node.rank == 0 ? node.size : 0, operation: .sum)
      return firstFailure(
        compare([total], [node.size], "node size"),
        sizes == size ? nil : "\(nodes) nodes hold \(sizes) ranks, not \(size)")
    }
  }
}
