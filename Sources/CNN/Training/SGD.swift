/// Stochastic gradient descent with momentum and weight decay, as PyTorch's `torch.optim.SGD`
/// (dampening 0, not Nesterov): for each trainable parameter,
/// `g = gradient + weightDecay · value` (decay only where `decays`), `v = momentum · v + g`,
/// `value −= learningRate · v`. The velocities start at zero.
public final class SGD: Optimizer {
  /// The velocity's decay per step (0 for plain SGD).
  public var momentum: Float
  /// The L2 penalty's coefficient, applied to parameters whose `decays` is true.
  public var weightDecay: Float
  public var steps = 0
  public var stateValuesPerValue: Int { OptimizerKind.sgd.stateValuesPerValue }

  /// Each parameter's velocity.
  private var velocities = ParameterStates(valuesPerValue: OptimizerKind.sgd.stateValuesPerValue)

  /// An optimizer with no velocities yet.
  public init(momentum: Float = 0.9, weightDecay: Float = 0) {
    (self.momentum, self.weightDecay) = (momentum, weightDecay)
  }

  public func step(parameters: [Parameter], learningRate: Float) {
    steps += 1
    for parameter in parameters where parameter.isTrainable {
      precondition(
        parameter.gradient.count == parameter.value.count, "\(parameter.name): gradient and value differ in size")
      let decay = parameter.decays ? weightDecay : 0
      let mu = momentum
      let count = parameter.value.count
      velocities.update(parameter) { v in
        parameter.gradient.data.withBase { g in
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

  /// The velocity of `parameter` (zeros before its first step).
  public func state(of parameter: Parameter) -> [Float] { velocities.state(of: parameter) }

  public func setState(_ state: ArraySlice<Float>, of parameter: Parameter) {
    velocities.setState(state, of: parameter)
  }
}
