/// A learning rate lowered when the loss stops improving, as PyTorch's `ReduceLROnPlateau` (mode min, relative
/// threshold, no cooldown): after each epoch the epoch's loss is observed; a loss below `best · (1 − threshold)`
/// is the new best, any other is a bad epoch, and after more than `patience` bad epochs in a row the rate is
/// multiplied by `factor` (never below `minimumRate`) and the count starts again.
public struct PlateauSchedule: Sendable, Hashable {
  /// How the rate falls: the time-series papers' (Wang et al. 2017) by default, half after 50 epochs without a
  /// better training loss, to at least 0.0001.
  public struct Settings: Sendable, Hashable, CustomStringConvertible {
    public var factor: Float
    public var patience: Int
    public var minimumRate: Float
    /// The relative improvement that counts as better.
    public var threshold: Double

    public init(factor: Float = 0.5, patience: Int = 50, minimumRate: Float = 1e-4, threshold: Double = 1e-4) {
      (self.factor, self.patience, self.minimumRate, self.threshold) = (factor, patience, minimumRate, threshold)
    }

    /// `factor 0.5, patience 50, min 0.0001`: what a checkpoint records.
    public var description: String { "factor \(factor), patience \(patience), min \(minimumRate)" }
  }

  /// The rate of the next epoch, the lowest loss so far and the bad epochs since: what a checkpoint keeps.
  public struct Progress: Sendable, Hashable {
    public var rate: Float
    /// The lowest loss seen, +∞ before the first epoch.
    public var best: Double
    /// Epochs since the last new best.
    public var badEpochs: Int

    public init(rate: Float, best: Double = .infinity, badEpochs: Int = 0) {
      (self.rate, self.best, self.badEpochs) = (rate, best, badEpochs)
    }
  }

  public var settings: Settings
  public var progress: Progress

  /// A schedule at `initialRate` that has seen no epoch.
  public init(initialRate: Float, settings: Settings = Settings()) {
    (self.settings, progress) = (settings, Progress(rate: initialRate))
  }

  /// The rate of the next epoch.
  public var rate: Float { progress.rate }

  /// Takes the loss of the epoch just ended into account, lowering ``rate`` if it is time.
  public mutating func observe(loss: Double) {
    if loss < progress.best * (1 - settings.threshold) {
      (progress.best, progress.badEpochs) = (loss, 0)
    } else {
      progress.badEpochs += 1
    }
    guard progress.badEpochs > settings.patience else { return }
    let lowered = max(progress.rate * settings.factor, settings.minimumRate)
    // PyTorch's eps: a change smaller than 1e-8 is no change.
    if progress.rate - lowered > 1e-8 { progress.rate = lowered }
    progress.badEpochs = 0
  }
}
