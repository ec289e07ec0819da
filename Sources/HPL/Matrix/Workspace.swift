/// Scratch buffers reused across panels, so the trailing update does not allocate (and fault in
/// fresh pages) for every panel.
final class Workspace {
  private var buffers: [UnsafeMutableBufferPointer<Double>] = []

  deinit { for buffer in buffers { buffer.deallocate() } }

  /// Buffer number `slot`, with room for at least `count` doubles. Contents are unspecified.
  func buffer(_ slot: Int, count: Int) -> UnsafeMutablePointer<Double> {
    while buffers.count <= slot { buffers.append(.allocate(capacity: 1)) }
    if buffers[slot].count < count {
      buffers[slot].deallocate()
      buffers[slot] = .allocate(capacity: count)
    }
    return buffers[slot].baseAddress!
  }
}
