/// A step learning-rate schedule (PyTorch's `MultiStepLR`): the initial rate, multiplied by
/// `gamma` once for each milestone reached. Epochs count from 0, so with milestones [100, 150]
/// epochs 0–99 use the initial rate and epoch 100 the first decayed one.
public struct StepSchedule: Sendable, Hashable {
  /// The learning rate before the first milestone.
  public var initialRate: Float
  /// The factor applied at each milestone.
  public var gamma: Float
  /// The epochs (0-based) from which one more factor of `gamma` applies.
  public var milestones: [Int]

  /// A schedule starting at `initialRate`.
  public init(initialRate: Float, gamma: Float = 0.1, milestones: [Int] = []) {
    (self.initialRate, self.gamma, self.milestones) = (initialRate, gamma, milestones)
  }

  /// The learning rate of `epoch` (0-based).
  public func learningRate(epoch: Int) -> Float {
    milestones.filter { $0 <= epoch }.reduce(initialRate) { rate, _ in rate * gamma }
  }
}
