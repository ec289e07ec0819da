import Testing

@testable import HPL

/// Each ring topology reaches every process exactly once, from the root, with no cycle.
@Suite struct RingPlanTests {
  @Test(arguments: [BroadcastTopology.oneRing, .oneRingModified, .twoRing, .twoRingModified], [1, 2, 3, 4, 5, 8, 22])
  func everyProcessReceivesOnce(topology: BroadcastTopology, size: Int) {
    let plans = (0..<size).map { RingPlan(topology: topology, size: size, relativeRank: $0) }
    #expect(plans[0].source == nil)
    var receivedFrom = Array(repeating: [Int](), count: size)
    for (sender, plan) in plans.enumerated() {
      for destination in plan.destinations { receivedFrom[destination].append(sender) }
    }
    for r in 1..<max(1, size) {
      #expect(receivedFrom[r].count == 1, "\(topology) q=\(size) r=\(r)")
      #expect(receivedFrom[r].first == plans[r].source, "\(topology) q=\(size) r=\(r)")
    }
    // Following sources always leads back to the root.
    for r in 0..<size {
      var current = r
      var steps = 0
      while let source = plans[current].source, steps <= size {
        current = source
        steps += 1
      }
      #expect(current == 0)
    }
  }

  @Test func modifiedRingsServeTheNextOwnerFirst() {
    #expect(RingPlan(topology: .oneRingModified, size: 5, relativeRank: 0).destinations.first == 1)
    #expect(RingPlan(topology: .oneRingModified, size: 5, relativeRank: 1).destinations.isEmpty)
    #expect(RingPlan(topology: .twoRingModified, size: 6, relativeRank: 0).destinations.first == 1)
  }
}
