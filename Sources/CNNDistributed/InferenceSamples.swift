import CNN

/// The inputs of an inference run that one rank holds: images of a data set (8-bit, normalized as batches are
/// assembled, with labels) or rows of a float32 `.npy` array (used as given, without labels).
enum InferenceSamples {
  case images(DataSplit)
  /// `values` holds `count` samples of `sampleShape`, which sit at `globalRange` in the whole array.
  case values([Float], sampleShape: [Int], globalRange: Range<Int>)

  /// The number of samples.
  var count: Int {
    switch self {
    case .images(let split): split.count
    case .values(_, _, let range): range.count
    }
  }

  /// The shape of one sample, `[C, H, W]` (or whatever the model takes).
  var sampleShape: [Int] {
    switch self {
    case .images(let split): split.sampleShape
    case .values(_, let shape, _): shape
    }
  }

  /// Where these samples sit in the whole input.
  var globalRange: Range<Int> {
    switch self {
    case .images(let split): split.globalRange
    case .values(_, _, let range): range
    }
  }

  /// The labels, for a data set; nil for an array.
  var labels: [Int]? {
    if case .images(let split) = self { split.intLabels } else { nil }
  }

  /// Samples `range` (positions in these samples) as a batch `[B] + sampleShape`, reusing `images`.
  func fillBatch(_ range: Range<Int>, images: inout Tensor) {
    switch self {
    case .images(let split):
      var labels: [Int] = []
      split.fillBatch(range, images: &images, labels: &labels)
    case .values(let values, let shape, _):
      let size = shape.reduce(1, *)
      let batchShape = [range.count] + shape
      if images.shape != batchShape { images = Tensor(shape: batchShape) }
      guard !range.isEmpty else { return }
      images.data.withUnsafeMutableBufferPointer { batch in
        values.withUnsafeBufferPointer { all in
          batch.baseAddress!.update(from: all.baseAddress! + range.lowerBound * size, count: range.count * size)
        }
      }
    }
  }
}
