import CNN
import MPI

/// Keeps the ranks' copies of a model in agreement: the same initial weights, averaged gradients
/// (synchronous modes), or averaged weights and statistics (periodic modes).
///
/// Every operation packs the tensors into one contiguous buffer and makes one collective call:
/// many small allreduces cost a latency each, which on a 100 Mbit/s switch dominates.
public struct ParameterSync {
  public let communicator: Communicator
  private var buffer: [Float] = []
  /// The averages made so far (gradients or values; broadcasts and checks not counted).
  public private(set) var averages = 0
  /// The values those averages carried, flags included.
  public private(set) var averagedValues = 0

  public init(communicator: Communicator = .world) {
    self.communicator = communicator
  }

  /// Rank 0's values of every parameter (weights and statistics) on every rank. Collective.
  public mutating func broadcastValues(_ parameters: [Parameter]) throws {
    pack(parameters.map(\.value))
    try communicator.broadcast(&buffer, root: 0)
    unpack(into: parameters, gradients: false)
  }

  /// Replaces each trainable parameter's gradient by its mean over the ranks, and returns whether
  /// any rank raised `flag`. Collective.
  ///
  /// The flag (a rank whose loss stopped being finite) rides in the same allreduce, one float
  /// more, so that every rank learns of it at the same step without a collective of its own.
  @discardableResult
  public mutating func averageGradients(_ parameters: [Parameter], flag: Bool = false) throws -> Bool {
    try average(parameters.filter(\.isTrainable), gradients: true, flag: flag)
  }

  /// Replaces every parameter's value (weights and running statistics) by its mean over the
  /// ranks, and returns whether any rank raised `flag` (as ``averageGradients(_:flag:)``).
  /// Collective.
  @discardableResult
  public mutating func averageValues(_ parameters: [Parameter], flag: Bool = false) throws -> Bool {
    try average(parameters, gradients: false, flag: flag)
  }

  /// The mean over the ranks of the parameters' gradients or values, in place, with `flag` in the
  /// same allreduce; whether any rank raised it. Counted in ``averages`` and ``averagedValues``.
  private mutating func average(_ parameters: [Parameter], gradients: Bool, flag: Bool) throws -> Bool {
    guard communicator.size > 1 else { return flag }
    pack(parameters.map { gradients ? $0.gradient : $0.value }, flag: flag)
    try communicator.allreduce(&buffer, operation: .sum)
    (averages, averagedValues) = (averages + 1, averagedValues + buffer.count)
    let raised = buffer[buffer.count - 1] > 0
    scale(1 / Float(communicator.size))
    unpack(into: parameters, gradients: gradients)
    return raised
  }

  /// The largest difference between this rank's values and rank 0's, over all ranks (0 when the
  /// copies agree exactly). Collective; for tests and `--check-sync`.
  public mutating func maximumDivergence(_ parameters: [Parameter]) throws -> Float {
    pack(parameters.map(\.value))
    var reference = buffer
    try communicator.broadcast(&reference, root: 0)
    var local: Float = 0
    for index in buffer.indices { local = max(local, abs(buffer[index] - reference[index])) }
    return try communicator.allreduce(local, operation: .max)
  }

  /// Copies `tensors` into the buffer, followed by 1 or 0 for `flag` when it is given.
  private mutating func pack(_ tensors: [Tensor], flag: Bool? = nil) {
    let total = tensors.reduce(0) { $0 + $1.count } + (flag == nil ? 0 : 1)
    if buffer.count != total { buffer = [Float](repeating: 0, count: total) }
    if let flag { buffer[total - 1] = flag ? 1 : 0 }
    var offset = 0
    buffer.withUnsafeMutableBufferPointer { destination in
      for tensor in tensors {
        tensor.data.withUnsafeBufferPointer { source in
          _ = UnsafeMutableBufferPointer(rebasing: destination[offset..<(offset + source.count)])
            .update(fromContentsOf: source)
        }
        offset += tensor.count
      }
    }
  }

  private mutating func scale(_ factor: Float) {
    buffer.withUnsafeMutableBufferPointer { values in
      for index in values.indices { values[index] *= factor }
    }
  }

  private func unpack(into parameters: [Parameter], gradients: Bool) {
    var offset = 0
    buffer.withUnsafeBufferPointer { source in
      for parameter in parameters {
        let count = gradients ? parameter.gradient.count : parameter.value.count
        let slice = UnsafeBufferPointer(rebasing: source[offset..<(offset + count)])
        if gradients {
          parameter.gradient.data.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: slice) }
        } else {
          parameter.value.data.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: slice) }
        }
        offset += count
      }
    }
  }
}
