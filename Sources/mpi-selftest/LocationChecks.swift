import MPI

/// The location reductions on value-index pairs, and the logical ones on `Bool`.
enum LocationChecks {
  static func run(_ report: Report) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)
    // Values peak at the middle rank and tie between ranks 0 and size - 1 at the ends.
    let value = Double(min(rank, size - 1 - rank))
    let peak = (0..<size).map { min($0, size - 1 - $0) }.max()!
    let firstPeak = (0..<size).first { min($0, size - 1 - $0) == peak }!

    report.check("allreduce DoubleAndIndex maxLocation/minLocation") {
      let pair = DoubleAndIndex(value: value, index: Int32(rank))
      let max = try world.allreduce(pair, operation: .maxLocation)
      let min = try world.allreduce(pair, operation: .minLocation)
      return firstFailure(
        compare([max], [DoubleAndIndex(value: Double(peak), index: Int32(firstPeak))], "max"),
        compare([min], [DoubleAndIndex(value: 0, index: 0)], "min"))
    }

    report.check("allreduce FloatAndIndex maxLocation") {
      let pair = FloatAndIndex(value: Float(value), index: Int32(rank))
      var max = [pair, pair]
      try world.allreduce(&max, operation: .maxLocation)
      let expected = FloatAndIndex(value: Float(peak), index: Int32(firstPeak))
      return compare(max, [expected, expected])
    }

    report.check("allreduce Int32AndIndex minLocation") {
      let pair = Int32AndIndex(value: Int32(size - rank), index: Int32(rank))
      let min = try world.reduce(pair, operation: .minLocation, root: 0)
      guard rank == 0 else { return nil }
      return compare([min], [Int32AndIndex(value: 1, index: Int32(size - 1))])
    }

    report.check("allreduce Bool logicalAnd/logicalOr") {
      let all = try world.allreduce(rank >= 0, operation: .logicalAnd)
      let none = try world.allreduce(rank < 0, operation: .logicalOr)
      let some = try world.allreduce(rank == size - 1, operation: .logicalOr)
      let notAll = try world.allreduce(rank == 0, operation: .logicalAnd)
      return compare([all, none, some, notAll], [true, false, true, size == 1])
    }
  }
}
