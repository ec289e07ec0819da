import Testing

@testable import HPL

@Suite struct RandomMatrixTests {
  /// The reference entries of HPL-CONVENTIONS for N = 4.
  @Test func knownEntriesForOrderFour() {
    let generator = RandomMatrix(order: 4)
    #expect(generator.entry(row: 0, column: 0) == -5.1599441937666413e-05)
    #expect(generator.entry(row: 1, column: 0) == 0.38413122531282284)
    #expect(generator.entry(row: 0, column: 4) == -0.17371051400182458)
  }

  /// Jumping ahead agrees with stepping the generator one entry at a time.
  @Test func jumpAheadMatchesSequentialStepping() {
    let generator = RandomMatrix(order: 37, seed: 12345)
    var x: UInt64 = 12345
    for k in 0..<(37 * 38) {
      x = RandomMatrix.multiplier &* x &+ RandomMatrix.increment
      #expect(generator.entry(row: k % 37, column: k / 37) == 0.5 - Double(x) * 0x1p-64)
    }
  }

  @Test func fillMatchesEntries() {
    let generator = RandomMatrix(order: 50)
    var buffer = [Double](repeating: 0, count: 13)
    buffer.withUnsafeMutableBufferPointer {
      generator.fill(column: 7, firstRow: 20, rowCount: 13, into: $0.baseAddress!)
    }
    for i in 0..<13 { #expect(buffer[i] == generator.entry(row: 20 + i, column: 7)) }
  }
}
