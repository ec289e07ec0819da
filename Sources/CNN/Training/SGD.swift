/// Stochastic gradient descent with momentum and weight decay, as PyTorch's `torch.optim.SGD`
/// (dampening 0, not Nesterov): for each trainable parameter,
/// `g = gradient + weightDecay · value` (decay only where `decays`), `v = momentum · v + g`,
/// `value −= learningRate · v`. The velocities start at zero.
public final class SGD {
  /// The velocity's decay per step (0 for plain SGD).
  public var momentum: Float
  /// The L2 penalty's coefficient, applied to parameters whose `decays` is true.
  public var weightDecay: Float

  /// The velocity of each parameter seen, by identity; the parameters are retained so that an
  /// identity is never reused by another object.
  private var slots: [ObjectIdentifier: Int] = [:]
  private var owners: [Parameter] = []
  private var velocities: [Tensor] = []

  /// An optimizer with no velocities yet.
  public init(momentum: Float = 0.9, weightDecay: Float = 0) {
    (self.momentum, self.weightDecay) = (momentum, weightDecay)
  }

  /// One update of every trainable parameter from its accumulated gradient (which it leaves as is).
  public func step(parameters: [Parameter], learningRate: Float) {
    for parameter in parameters where parameter.isTrainable {
      precondition(
        parameter.gradient.count == parameter.value.count, "\(parameter.name): gradient and value differ in size")
      let slot = self.slot(for: parameter)
      let decay = parameter.decays ? weightDecay : 0
      let mu = momentum
      let count = parameter.value.count
      parameter.gradient.data.withBase { g in
        velocities[slot].data.withMutableBase { v in
          parameter.value.data.withMutableBase { w in
            for i in 0..<count {
              let velocity = mu * v[i] + g[i] + decay * w[i]
              v[i] = velocity
              w[i] -= learningRate * velocity
            }
          }
        }
      }
    }
  }

  /// The velocity of `parameter` (zeros before its first step), for checkpoints.
  public func velocity(of parameter: Parameter) -> Tensor {
    slots[ObjectIdentifier(parameter)].map { velocities[$0] } ?? Tensor(shape: parameter.value.shape)
  }

  /// Replaces the velocity of `parameter` (same shape as its value), when resuming from a checkpoint.
  public func setVelocity(_ velocity: Tensor, of parameter: Parameter) {
    precondition(velocity.shape == parameter.value.shape, "\(parameter.name): velocity of shape \(velocity.shape)")
    velocities[slot(for: parameter)] = velocity
  }

  /// Forgets every velocity.
  public func reset() {
    (slots, owners, velocities) = ([:], [], [])
  }

  private func slot(for parameter: Parameter) -> Int {
    if let slot = slots[ObjectIdentifier(parameter)] { return slot }
    slots[ObjectIdentifier(parameter)] = velocities.count
    owners.append(parameter)
    velocities.append(Tensor(shape: parameter.value.shape))
    return velocities.count - 1
  }
}

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
