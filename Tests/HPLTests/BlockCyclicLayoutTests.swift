import Testing

@testable import HPL

/// Every index map against a brute-force owner map built by dealing blocks one by one.
@Suite struct BlockCyclicLayoutTests {
  static let cases: [(count: Int, blockSize: Int, processes: Int)] = {
    var cases: [(Int, Int, Int)] = []
    for count in [0, 1, 2, 7, 16, 29, 64, 100, 131] {
      for blockSize in [1, 2, 3, 5, 8, 64, 200] {
        for processes in [1, 2, 3, 4, 5, 7] { cases.append((count, blockSize, processes)) }
      }
    }
    return cases
  }()

  @Test func matchesBruteForceDealing() {
    for (count, blockSize, processes) in Self.cases {
      let layout = BlockCyclicLayout(count: count, blockSize: blockSize, processCount: processes)
      var owned = Array(repeating: [Int](), count: processes)
      for global in 0..<count { owned[(global / blockSize) % processes].append(global) }
      for process in 0..<processes {
        #expect(layout.localCount(on: process) == owned[process].count, "count \(count) nb \(blockSize) p \(processes)")
        for (local, global) in owned[process].enumerated() {
          #expect(layout.owner(ofGlobal: global) == process)
          #expect(layout.localIndex(ofGlobal: global) == local)
          #expect(layout.globalIndex(ofLocal: local, on: process) == global)
        }
        for boundary in 0...count {
          #expect(
            layout.localCount(below: boundary, on: process) == owned[process].filter { $0 < boundary }.count,
            "below \(boundary): count \(count) nb \(blockSize) p \(processes) on \(process)")
        }
      }
    }
  }
}
