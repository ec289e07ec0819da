import CNN
import MPI

/// `--sync batch`'s gradient averaging, overlapped with the backward pass.
///
/// Back-propagation finishes the last layers' gradients first. As each layer with trainable
/// parameters finishes, its gradients are packed into that layer's own buffer and a
/// non-blocking allreduce starts on it, while the earlier layers still back-propagate; the
/// requests are tested between layers so MPI makes progress, and ``finish(flag:)`` waits for the
/// rest. Every buffer carries one float more: the flag of a rank whose loss stopped being finite,
/// so every rank learns of it at the same step. A diverged rank, which runs no backward pass,
/// posts the same allreduces in the same order with zero gradients (``postAllWithoutGradients()``),
/// so the collectives always match.
final class OverlappedGradientAverage {
  private struct Bucket {
    let layer: Int
    let parameters: [Parameter]
    let buffer: UnsafeMutableBufferPointer<Float>
    var request: Request?
  }

  private let communicator: Communicator
  private var buckets: [Bucket]
  /// Bucket index by layer index.
  private let bucketOfLayer: [Int: Int]
  private var flag: Float = 0
  private var firstError: (any Error)?

  /// Buckets for `network`'s nodes with trainable parameters, in the order backward finishes them.
  init(network: Network, communicator: Communicator) {
    self.communicator = communicator
    var buckets: [Bucket] = []
    for (index, node) in network.nodes.enumerated().reversed() {
      let trainable = node.operation.parameters.filter(\.isTrainable)
      guard !trainable.isEmpty else { continue }
      let count = trainable.reduce(1) { $0 + $1.gradient.count }
      let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
      buffer.initialize(repeating: 0)
      buckets.append(Bucket(layer: index, parameters: trainable, buffer: buffer, request: nil))
    }
    self.buckets = buckets
    bucketOfLayer = Dictionary(uniqueKeysWithValues: buckets.enumerated().map { ($1.layer, $0) })
  }

  deinit {
    for bucket in buckets { bucket.buffer.deallocate() }
  }

  /// The values one step's allreduces carry over all layers, flags included.
  var valuesPerStep: Int { buckets.reduce(0) { $0 + $1.buffer.count } }

  /// Sets the flag the next step's buffers carry.
  func begin(flag raised: Bool) {
    flag = raised ? 1 : 0
    firstError = nil
  }

  /// For `Network.backward(_:layerFinished:)`: starts the finished layer's allreduce, and lets
  /// the ones already started progress.
  func layerFinished(_ index: Int) {
    guard firstError == nil else { return }
    do {
      for bucket in buckets where bucket.request != nil { _ = try bucket.request!.test() }
      guard let position = bucketOfLayer[index] else { return }
      try start(position, zeros: false)
    } catch {
      firstError = error
    }
  }

  /// A diverged rank's part: the same allreduces, with zero gradients.
  func postAllWithoutGradients() throws {
    for position in buckets.indices where buckets[position].request == nil { try start(position, zeros: true) }
  }

  /// Waits for every allreduce, replaces each gradient by its mean over the ranks, and returns
  /// whether any rank raised the flag.
  func finish() throws -> Bool {
    if let firstError { throw firstError }
    for position in buckets.indices where buckets[position].request == nil { try start(position, zeros: false) }
    var raised = false
    let scale = 1 / Float(communicator.size)
    for position in buckets.indices {
      _ = try buckets[position].request!.wait()
      buckets[position].request = nil
      let buffer = buckets[position].buffer
      if buffer[buffer.count - 1] > 0 { raised = true }
      var offset = 0
      for parameter in buckets[position].parameters {
        parameter.gradient.data.withUnsafeMutableBufferPointer { gradient in
          for element in gradient.indices { gradient[element] = buffer[offset + element] * scale }
        }
        offset += parameter.gradient.count
      }
    }
    return raised
  }

  private func start(_ position: Int, zeros: Bool) throws {
    let buffer = buckets[position].buffer
    var offset = 0
    for parameter in buckets[position].parameters {
      let count = parameter.gradient.count
      if zeros {
        UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + count)]).update(repeating: 0)
      } else {
        parameter.gradient.data.withUnsafeBufferPointer { gradient in
          _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + count)]).update(fromContentsOf: gradient)
        }
      }
      offset += count
    }
    buffer[offset] = flag
    buckets[position].request = try communicator.immediateAllreduce(inPlace: buffer, operation: .sum)
  }
}
