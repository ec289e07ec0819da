#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Softmax followed by cross-entropy against integer labels, averaged over the batch: the loss
/// of every classifier here. Not a layer: it ends the forward pass and starts the backward one.
public struct SoftmaxCrossEntropy: Sendable {
  /// The loss (it has no state).
  public init() {}

  /// The mean loss of `[N, K]` logits against `labels` (N values in 0..<K), its gradient with
  /// respect to the logits (`(softmax − one-hot) / N`), and how many argmaxes equal their label.
  ///
  /// Computed as `logsumexp(z) − z[label]` with the row's maximum subtracted first, so that large
  /// logits neither overflow nor lose the loss to rounding.
  public func loss(logits: Tensor, labels: [Int]) -> (loss: Float, gradient: Tensor, correct: Int) {
    precondition(logits.shape.count == 2, "softmax cross-entropy expects [N, classes] logits, got \(logits.shape)")
    let (batch, classes) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == batch, "\(labels.count) labels for a batch of \(batch)")
    precondition(labels.allSatisfy { (0..<classes).contains($0) }, "a label is outside 0..<\(classes)")
    var gradient = Tensor(uninitializedShape: logits.shape)
    var total = 0.0
    var correct = 0
    let inverseBatch = 1 / Float(max(batch, 1))
    logits.data.withBase { z in
      gradient.data.withMutableBase { g in
        for n in 0..<batch {
          let row = z + n * classes
          let gRow = g + n * classes
          let best = argmax(row, count: classes)
          let largest = row[best]
          var denominator: Float = 0
          for k in 0..<classes {
            let e = expf(row[k] - largest)
            gRow[k] = e
            denominator += e
          }
          let label = labels[n]
          total += Double(logf(denominator) - (row[label] - largest))
          let normalizer = inverseBatch / denominator
          for k in 0..<classes { gRow[k] *= normalizer }
          gRow[label] -= inverseBatch
          if best == label { correct += 1 }
        }
      }
    }
    return (Float(total / Double(max(batch, 1))), gradient, correct)
  }
}
