/// Per-channel normalization of 8-bit pixels: `(pixel / 255 − mean[c]) / std[c]`, computed in Float32 in that
/// order, as PyTorch's `ToTensor` and `Normalize` do, so inputs match the PyTorch baseline bit for bit.
public struct Normalization: Sendable, Equatable {
  /// The mean of `pixel / 255` per channel.
  public var mean: [Float]
  /// The standard deviation of `pixel / 255` per channel.
  public var std: [Float]

  /// A normalization with one mean and standard deviation per channel.
  public init(mean: [Float], std: [Float]) {
    precondition(mean.count == std.count && !mean.isEmpty, "\(mean.count) means for \(std.count) deviations")
    precondition(std.allSatisfy { $0 > 0 }, "standard deviations must be positive: \(std)")
    self.mean = mean
    self.std = std
  }

  /// Fashion-MNIST's training-set statistics (those of the PyTorch baseline).
  public static let fashionMNIST = Normalization(mean: [0.2860], std: [0.3530])
  /// MNIST's training-set statistics.
  public static let mnist = Normalization(mean: [0.1307], std: [0.3081])
  /// CIFAR-10's training-set statistics, red, green, blue.
  public static let cifar10 = Normalization(mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616])

  /// The synthetic set's statistics for `channels` channels (the same for each; measured on the generator).
  public static func synthetic(channels: Int) -> Normalization {
    Normalization(
      mean: Array(repeating: SyntheticData.pixelMean, count: channels),
      std: Array(repeating: SyntheticData.pixelStd, count: channels))
  }

  /// What samples given as values carry (mean 0, deviation 1 per channel: `pixel / 255` unchanged); they are
  /// never looked up in it.
  public static func identity(channels: Int) -> Normalization {
    Normalization(mean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
  }

  /// The number of channels.
  public var channels: Int { mean.count }

  /// The normalized value of `pixel` in `channel`.
  @inlinable
  public func normalize(_ pixel: UInt8, channel: Int) -> Float {
    (Float(pixel) / 255 - mean[channel]) / std[channel]
  }

  /// The normalized value of every pixel value of every channel: 256 per channel, channel after channel. Batch
  /// assembly looks values up here instead of dividing per pixel.
  public func lookupTable() -> [Float] {
    (0..<channels).flatMap { channel in (0...255).map { normalize(UInt8($0), channel: channel) } }
  }
}
