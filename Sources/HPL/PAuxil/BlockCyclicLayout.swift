/// One dimension of a block-cyclic distribution: `count` global indices dealt in blocks of
/// `blockSize` over `processCount` processes, starting with process 0.
///
/// All index arithmetic of the distributed LU goes through this type, so it is written once.
/// netlib: `HPL_numroc`, `HPL_indxg2p`, `HPL_indxg2l`, `HPL_indxl2g`.
public struct BlockCyclicLayout: Sendable, Equatable {
  /// The number of global indices (rows or columns).
  public let count: Int
  /// The block size NB.
  public let blockSize: Int
  /// The number of processes this dimension is dealt over (P for rows, Q for columns).
  public let processCount: Int

  public init(count: Int, blockSize: Int, processCount: Int) {
    precondition(count >= 0 && blockSize >= 1 && processCount >= 1)
    self.count = count
    self.blockSize = blockSize
    self.processCount = processCount
  }

  /// The process that owns global index `global`. netlib: `HPL_indxg2p`.
  @inlinable public func owner(ofGlobal global: Int) -> Int {
    (global / blockSize) % processCount
  }

  /// The local index of `global` on its owner. netlib: `HPL_indxg2l`.
  @inlinable public func localIndex(ofGlobal global: Int) -> Int {
    (global / (blockSize * processCount)) * blockSize + global % blockSize
  }

  /// The global index of local index `local` on `process`. netlib: `HPL_indxl2g`.
  @inlinable public func globalIndex(ofLocal local: Int, on process: Int) -> Int {
    (local / blockSize) * blockSize * processCount + process * blockSize + local % blockSize
  }

  /// How many of the global indices below `global` (that is, in `0..<global`) `process` owns.
  /// This is the local index where `process`'s part of `global..<count` begins.
  @inlinable public func localCount(below global: Int, on process: Int) -> Int {
    let cycle = blockSize * processCount
    let fullCycles = global / cycle
    let remainder = global - fullCycles * cycle
    let inPartialCycle = min(max(remainder - process * blockSize, 0), blockSize)
    return fullCycles * blockSize + inPartialCycle
  }

  /// The number of indices `process` owns. netlib: `HPL_numroc`.
  @inlinable public func localCount(on process: Int) -> Int {
    localCount(below: count, on: process)
  }
}
