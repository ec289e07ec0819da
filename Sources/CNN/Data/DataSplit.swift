/// The samples of a data set one process holds: a rank's shard of the training set, or (part of) the test set.
///
/// Images are kept as the files' 8-bit pixels and normalized (and padded) while a batch is assembled: a quarter of
/// the memory of Float32 (47 MB instead of 188 MB for Fashion-MNIST's training set, 150 MB instead of 600 MB for
/// CIFAR-10's), which matters on 1 GiB nodes, for a table lookup per pixel that is nothing next to a forward pass.
/// Time series are kept as the values they were prepared into (``TimeSeriesPreparation``) and copied as they are.
public struct DataSplit: Sendable {
  /// The raw pixels, sample after sample, each `storedShape` (CHW); empty for samples of ``values``.
  public let pixels: [UInt8]
  /// The samples' values, used as they are (time series), or nil for 8-bit pixels.
  public let values: [Float]?
  /// The label of each sample.
  public let labels: [UInt8]
  /// The shape of one sample as stored, `[C, H, W]`.
  public let storedShape: [Int]
  /// The shape of one sample as delivered, `[C, H, W]`: `storedShape`, or larger when padded.
  public let sampleShape: [Int]
  /// The normalization applied as samples are delivered.
  public let normalization: Normalization
  /// The positions of these samples in the whole training or test set (a shard's samples are contiguous).
  public let globalRange: Range<Int>
  /// `normalization.lookupTable()`, kept so that batch assembly does not rebuild it.
  private let table: [Float]

  /// Samples of `storedShape` with their labels; `globalRange` says where they sit in the whole set.
  public init(
    pixels: [UInt8], labels: [UInt8], storedShape: [Int], normalization: Normalization, globalRange: Range<Int>? = nil
  ) {
    precondition(storedShape.count == 3, "sample shape \(storedShape) is not [C, H, W]")
    precondition(pixels.count == labels.count * storedShape.reduce(1, *), "\(pixels.count) pixels")
    precondition(normalization.channels == storedShape[0], "normalization of \(normalization.channels) channels")
    self.init(
      pixels: pixels, values: nil, labels: labels, storedShape: storedShape, sampleShape: storedShape,
      normalization: normalization, globalRange: globalRange ?? 0..<labels.count)
  }

  /// Samples of `shape` given as their values (used as they are), with their labels.
  public init(values: [Float], labels: [UInt8], shape: [Int], globalRange: Range<Int>? = nil) {
    precondition(shape.count == 3, "sample shape \(shape) is not [C, H, W]")
    precondition(values.count == labels.count * shape.reduce(1, *), "\(values.count) values")
    self.init(
      pixels: [], values: values, labels: labels, storedShape: shape, sampleShape: shape,
      normalization: .identity(channels: shape[0]), globalRange: globalRange ?? 0..<labels.count)
  }

  private init(
    pixels: [UInt8], values: [Float]?, labels: [UInt8], storedShape: [Int], sampleShape: [Int],
    normalization: Normalization, globalRange: Range<Int>
  ) {
    precondition(globalRange.count == labels.count, "\(labels.count) samples for positions \(globalRange)")
    self.pixels = pixels
    self.values = values
    self.labels = labels
    self.storedShape = storedShape
    self.sampleShape = sampleShape
    self.normalization = normalization
    self.globalRange = globalRange
    table = normalization.lookupTable()
  }

  /// The number of samples.
  public var count: Int { labels.count }

  /// The same samples delivered as 32 × 32 (28 × 28 images centered, 2 pixels each side), as the CIFAR ResNets
  /// expect; unchanged if already 32 × 32. Padding is black (pixel value 0, normalized like any other pixel), the
  /// images' own background, as torchvision's `Pad` before `Normalize` does. No pixel is copied.
  public func paddedTo32() -> DataSplit {
    padded(toSide: 32)
  }

  /// The same samples delivered as `side` × `side`, centered (an odd margin puts the extra pixel after).
  public func padded(toSide side: Int) -> DataSplit {
    precondition(storedShape[1] <= side && storedShape[2] <= side, "cannot pad \(storedShape) to \(side)×\(side)")
    precondition(values == nil, "only images are padded")
    return DataSplit(
      pixels: pixels, values: nil, labels: labels, storedShape: storedShape, sampleShape: [storedShape[0], side, side],
      normalization: normalization, globalRange: globalRange)
  }

  /// The order in which to visit this split's samples in `epoch`: a permutation of `0..<count` from `seed` and
  /// `epoch` (Fisher–Yates on a SplitMix stream), the same on every machine and toolchain. It does not depend on
  /// the rank, so equal shards are visited in the same pattern, which lets a test compose K ranks' batches into
  /// one rank's.
  public func epochOrder(epoch: Int, seed: UInt64) -> [Int] {
    var generator = SeededGenerator(
      seed: SeededGenerator.mix(SeededGenerator.mix(seed, 0x0045_504F_4348), UInt64(epoch)))
    var order = Array(0..<count)
    for i in stride(from: count - 1, to: 0, by: -1) {
      order.swapAt(i, generator.nextIndex(below: i + 1))
    }
    return order
  }

  /// Samples `indices` (positions in this split) as a normalized tensor `[B, C, H, W]` and their labels.
  public func batch(_ indices: some Collection<Int>) -> (images: Tensor, labels: [Int]) {
    var images = Tensor(shape: [indices.count] + sampleShape)
    var labels: [Int] = []
    fillBatch(indices, images: &images, labels: &labels)
    return (images, labels)
  }

  /// Like `batch`, reusing `images` (reshaped to `[B, C, H, W]` if needed) and `labels`, so that a training loop
  /// allocates nothing per batch.
  public func fillBatch(_ indices: some Collection<Int>, images: inout Tensor, labels: inout [Int]) {
    let shape = [indices.count] + sampleShape
    if images.shape != shape { images = Tensor(shape: shape) }
    labels.removeAll(keepingCapacity: true)
    let (channels, height, width) = (storedShape[0], storedShape[1], storedShape[2])
    let (outHeight, outWidth) = (sampleShape[1], sampleShape[2])
    let (top, left) = ((outHeight - height) / 2, (outWidth - width) / 2)
    let padded = outHeight != height || outWidth != width
    let storedSize = channels * height * width
    let outSize = channels * outHeight * outWidth
    if let values {
      values.withUnsafeBufferPointer { values in
        images.data.withUnsafeMutableBufferPointer { output in
          for (slot, index) in indices.enumerated() {
            precondition(index >= 0 && index < count, "sample \(index) of \(count)")
            labels.append(Int(self.labels[index]))
            (output.baseAddress! + slot * outSize).update(
              from: values.baseAddress! + index * storedSize, count: outSize)
          }
        }
      }
      return
    }
    pixels.withUnsafeBufferPointer { pixels in
      table.withUnsafeBufferPointer { table in
        images.data.withUnsafeMutableBufferPointer { output in
          for (slot, index) in indices.enumerated() {
            precondition(index >= 0 && index < count, "sample \(index) of \(count)")
            labels.append(Int(self.labels[index]))
            for channel in 0..<channels {
              let lookup = table.baseAddress! + channel * 256
              let source = pixels.baseAddress! + index * storedSize + channel * height * width
              let destination = output.baseAddress! + slot * outSize + channel * outHeight * outWidth
              if padded { destination.update(repeating: lookup[0], count: outHeight * outWidth) }
              for y in 0..<height {
                let row = destination + (top + y) * outWidth + left
                let sourceRow = source + y * width
                for x in 0..<width { row[x] = lookup[Int(sourceRow[x])] }
              }
            }
          }
        }
      }
    }
  }

  /// Every sample normalized, `[count, C, H, W]` flattened, in order (for evaluation or export; training goes
  /// through batches to keep memory at 8 bits per pixel).
  public func normalizedImages() -> [Float] {
    batch(0..<count).images.data
  }

  /// The labels as Ints.
  public var intLabels: [Int] { labels.map(Int.init) }
}
