import CNN

/// Everything `cnnswift train` is asked to do.
public struct TrainingOptions: Sendable {
  public var architecture: Architecture
  /// `--data`: a folder, `synthetic:N`, or nil for Debian's Fashion-MNIST.
  public var data: String?
  /// Images per step on each rank (`--batch`).
  public var batchPerRank: Int
  public var epochs: Int
  public var sync: SyncMode
  public var learningRate: Float
  public var momentum: Float
  public var weightDecay: Float
  /// Epochs after which the learning rate is multiplied by 0.1.
  public var milestones: [Int]
  public var seed: UInt64
  /// Train at most this many steps per epoch (benchmarks); nil for whole epochs.
  public var stepsPerEpoch: Int?
  public var resultsPath: String
  /// `--telemetry` interval, seconds.
  public var telemetryInterval: Double?

  public init(
    architecture: Architecture, data: String? = nil, batchPerRank: Int = 64, epochs: Int = 1, sync: SyncMode = .batch,
    learningRate: Float = 0.01, momentum: Float = 0.9, weightDecay: Float = 0, milestones: [Int] = [],
    seed: UInt64 = 1, stepsPerEpoch: Int? = nil, resultsPath: String = TrainingRecord.defaultPath,
    telemetryInterval: Double? = nil
  ) {
    (self.architecture, self.data, self.batchPerRank, self.epochs, self.sync) = (
      architecture, data, batchPerRank, epochs, sync
    )
    (self.learningRate, self.momentum, self.weightDecay, self.milestones, self.seed) = (
      learningRate, momentum, weightDecay, milestones, seed
    )
    (self.stepsPerEpoch, self.resultsPath, self.telemetryInterval) = (stepsPerEpoch, resultsPath, telemetryInterval)
  }
}

/// A problem with the input that stops training before it starts; every rank sees the same one.
public struct TrainingInputError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}
