import Foundation

/// Adam (Kingma and Ba 2015) as PyTorch's `torch.optim.Adam` (not AMSGrad, weight decay as an L2 term in the
/// gradient): for each trainable parameter at step t,
/// `g = gradient + weightDecay · value` (decay only where `decays`), `m = β₁ m + (1 − β₁) g`,
/// `v = β₂ v + (1 − β₂) g²`, `value −= lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)`. The moments start at zero.
///
/// The time-series papers this engine follows (Wang et al. 2017, Ismail Fawaz et al. 2019) train with it at
/// lr 0.001, β 0.9 and 0.999.
public final class Adam: Optimizer {
  // Doubles, as PyTorch's Python floats: its kernels take 1 − β in double and round it to Float once, and so
  // does `step`.
  public var beta1: Double
  public var beta2: Double
  public var epsilon: Double
  /// The L2 penalty's coefficient, applied to parameters whose `decays` is true.
  public var weightDecay: Float
  public var steps = 0
  public var stateValuesPerValue: Int { OptimizerKind.adam.stateValuesPerValue }

  /// Each parameter's first moment, then its second.
  private var moments = ParameterStates(valuesPerValue: OptimizerKind.adam.stateValuesPerValue)

  /// An optimizer with PyTorch's defaults and no moments yet.
  public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Float = 0) {
    (self.beta1, self.beta2, self.epsilon, self.weightDecay) = (beta1, beta2, epsilon, weightDecay)
  }

  public func step(parameters: [Parameter], learningRate: Float) {
    steps += 1
    // The corrections in Double, as PyTorch computes them in Python floats: β₂ᵗ is far from 1 only after
    // thousands of steps, and 1 − β₂ᵗ in Float loses digits long before.
    let correction1 = 1 - pow(beta1, Double(steps))
    let correction2 = 1 - pow(beta2, Double(steps))
    let stepSize = Float(Double(learningRate) / correction1)
    let rootCorrection2 = Float(correction2.squareRoot())
    let (rate1, b2, rate2, eps) = (Float(1 - beta1), Float(beta2), Float(1 - beta2), Float(epsilon))
    for parameter in parameters where parameter.isTrainable {
      precondition(
        parameter.gradient.count == parameter.value.count, "\(parameter.name): gradient and value differ in size")
      let decay = parameter.decays ? weightDecay : 0
      let count = parameter.value.count
      moments.update(parameter) { state in
        parameter.gradient.data.withBase { g in
          parameter.value.data.withMutableBase { w in
            for i in 0..<count {
              let gradient = g[i] + decay * w[i]
              // PyTorch's forms: m.lerp_(g, 1 − β₁), v.mul_(β₂).addcmul_(g, g, 1 − β₂).
              let m = state[i] + rate1 * (gradient - state[i])
              let v = b2 * state[count + i] + rate2 * gradient * gradient
              state[i] = m
              state[count + i] = v
              w[i] -= stepSize * m / (v.squareRoot() / rootCorrection2 + eps)
            }
          }
        }
      }
    }
  }

  /// The first moment of `parameter`, then its second (zeros before its first step).
  public func state(of parameter: Parameter) -> [Float] { moments.state(of: parameter) }

  public func setState(_ state: ArraySlice<Float>, of parameter: Parameter) {
    moments.setState(state, of: parameter)
  }
}
