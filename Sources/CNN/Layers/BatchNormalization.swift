/// Batch normalization over the channels of `[N, C, H, W]` inputs (statistics over N, H, W) or
/// the features of `[N, F]` inputs (statistics over N).
///
/// Training normalizes with the batch's mean and (biased) variance and updates the running
/// statistics with ``momentum`` as PyTorch does: `running = (1 − momentum) · running + momentum ·
/// batch`, the variance unbiased. Inference normalizes with the running statistics. The input
/// is kept for the backward pass (it is the previous layer's output anyway) rather than the
/// normalized values, which would cost one more activation per layer.
///
/// The ``Form`` says where ε goes: PyTorch's `(x − μ) / √(σ² + ε)` or darknet's `(x − μ) / (√σ² + ε)` (ε 1e-6),
/// which darknet's weights were trained with. Only the normalization differs; the statistics are PyTorch's in
/// both forms.
public final class BatchNormalization: Layer {
  /// Where ε enters the normalization.
  public enum Form: String, Sendable, CaseIterable, Codable {
    /// `(x − μ) / √(σ² + ε)`.
    case pytorch
    /// `(x − μ) / (√σ² + ε)`.
    case darknet
  }

  /// Channels (`[C, H, W]` samples) or features (`[F]` samples).
  public let features: Int
  /// The weight of a batch's statistics in the running ones (PyTorch's 0.1).
  public let momentum: Float
  /// Added to the variance before its square root (``Form/pytorch``) or to the standard deviation
  /// (``Form/darknet``).
  public let epsilon: Float
  /// Where ``epsilon`` goes.
  public let form: Form
  /// γ, `[features]`, initially 1, not decayed.
  public let gamma: Parameter
  /// β, `[features]`, initially 0, not decayed.
  public let beta: Parameter
  /// Not trainable; averaged across ranks with the weights.
  public let runningMean: Parameter
  /// Not trainable; averaged across ranks with the weights.
  public let runningVariance: Parameter

  /// Whether a ReLU follows inside this layer (set by a residual block for its first
  /// normalization): one pass and one activation less than a separate ReLU layer.
  var appliesReLU = false

  private var input = ForwardInput()
  private var output = Tensor.none
  /// Per channel: the statistics the last forward pass used.
  private var mean: [Float]
  private var inverseStd: [Float]
  /// Per channel: −2 · ∂inverseStd/∂variance / inverseStd, the factor of the backward pass's variance term
  /// (inverseStd² in PyTorch's form).
  private var varianceSlope: [Float]

  /// A normalization of `features` channels or features.
  public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, form: Form = .pytorch) {
    precondition(features > 0, "batch normalization needs at least one feature")
    (self.features, self.momentum, self.epsilon, self.form) = (features, momentum, epsilon, form)
    gamma = Parameter(name: "weight", value: Tensor(shape: [features], repeating: 1), decays: false)
    beta = Parameter(name: "bias", value: Tensor(shape: [features]), decays: false)
    runningMean = Parameter(
      name: "running_mean", value: Tensor(shape: [features]), isTrainable: false, decays: false)
    runningVariance = Parameter(
      name: "running_var", value: Tensor(shape: [features], repeating: 1), isTrainable: false, decays: false)
    mean = [Float](repeating: 0, count: features)
    inverseStd = [Float](repeating: 1, count: features)
    varianceSlope = [Float](repeating: 1, count: features)
  }

  public var summary: String { "batchnorm \(features)" + (form == .darknet ? " darknet" : "") }

  /// Channel `c`'s inverse standard deviation for `variance`, and its ``varianceSlope``.
  @inline(__always)
  private func setNormalization(_ c: Int, variance: Double) {
    let deviation = variance.squareRoot()
    switch form {
    case .pytorch:
      let inverse = 1 / (variance + Double(epsilon)).squareRoot()
      (inverseStd[c], varianceSlope[c]) = (Float(inverse), Float(inverse * inverse))
    case .darknet:
      let inverse = 1 / (deviation + Double(epsilon))
      (inverseStd[c], varianceSlope[c]) = (Float(inverse), deviation > 0 ? Float(inverse / deviation) : 0)
    }
  }

  public var parameters: [Parameter] { [gamma, beta, runningMean, runningVariance] }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(
      (inputShape.count == 3 || inputShape.count == 1) && inputShape[0] == features,
      "\(summary) expects [\(features), H, W] or [\(features)] samples, got \(inputShape)")
    return inputShape
  }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    forward(x, mode: mode, into: &output)
    return output
  }

  /// The forward pass into a buffer the caller owns (a residual block's output, which then
  /// receives the shortcut in place): one activation less per block than a workspace of its own.
  /// Not with ``appliesReLU``, whose backward pass reads this layer's own output.
  func forward(_ x: Tensor, mode: Mode, into output: inout Tensor) {
    _ = outputShape(for: x.sampleShape)
    let batch = x.batch
    let plane = x.sampleCount / features
    let reduced = batch * plane
    output.prepare(shape: x.shape)
    let relu = appliesReLU
    let training = mode == .training
    precondition(!training || reduced > 1, "\(summary) needs more than one value per channel in training")
    if !training { useRunningStatistics() }
    x.data.withBase { xp in
      gamma.value.data.withBase { gammas in
        beta.value.data.withBase { betas in
          output.data.withMutableBase { y in
            for c in 0..<features {
              // Statistics and normalization channel by channel: the channel's planes (128 KiB
              // for ResNet-20's first stage at batch 32) are still in the L2 cache for the second
              // pass, where a pass over all channels first had them evicted.
              if training { updateStatistics(xp, channel: c, batch: batch, plane: plane) }
              let a = gammas[c] * inverseStd[c]
              let b = betas[c] - mean[c] * a
              for n in 0..<batch {
                let offset = (n * features + c) * plane
                if relu {
                  scaleShiftReLU(xp + offset, scale: a, shift: b, into: y + offset, count: plane)
                } else {
                  scaleShift(xp + offset, scale: a, shift: b, into: y + offset, count: plane)
                }
              }
            }
          }
        }
      }
    }
    input.keep(x, mode: mode)
  }

  /// The running statistics into `mean` and `inverseStd`, for an inference pass.
  private func useRunningStatistics() {
    runningMean.value.data.withBase { rm in
      runningVariance.value.data.withBase { rv in
        for c in 0..<features {
          mean[c] = rm[c]
          // PyTorch's form in Float, as it always was (bit-identical outputs of saved models).
          if form == .pytorch {
            inverseStd[c] = 1 / (rv[c] + epsilon).squareRoot()
          } else {
            setNormalization(c, variance: Double(rv[c]))
          }
        }
      }
    }
  }

  /// The inference pass as one affine map per channel, `y = scale[c] · x + shift[c]` (then a ReLU with
  /// ``appliesReLU``): the same floats ``forward(_:mode:)`` computes, for a convolution to apply on the way
  /// out of its own pass (``ConvolutionEpilogue``).
  func inferenceScaleShift() -> (scale: [Float], shift: [Float]) {
    useRunningStatistics()
    var (scale, shift) = ([Float](repeating: 1, count: features), [Float](repeating: 0, count: features))
    gamma.value.data.withBase { gammas in
      beta.value.data.withBase { betas in
        for c in 0..<features {
          scale[c] = gammas[c] * inverseStd[c]
          shift[c] = betas[c] - mean[c] * scale[c]
        }
      }
    }
    return (scale, shift)
  }

  /// Channel `c`'s batch mean and inverse standard deviation into `mean` and `inverseStd`, and
  /// its running statistics.
  @inline(__always)
  private func updateStatistics(_ x: UnsafePointer<Float>, channel c: Int, batch: Int, plane: Int) {
    let reduced = Double(batch * plane)
    let keep = 1 - momentum
    // Moments about the channel's first element, which is near its mean.
    let pivot = x[c * plane]
    var (s1, s2) = (0.0, 0.0)
    for n in 0..<batch {
      let moments = shiftedMoments(x + (n * features + c) * plane, count: plane, shift: pivot)
      s1 += Double(moments.sum)
      s2 += Double(moments.squares)
    }
    let centered = s1 / reduced
    let variance = max(s2 / reduced - centered * centered, 0)
    mean[c] = pivot + Float(centered)
    setNormalization(c, variance: variance)
    let batchVariance = Float(variance * reduced / (reduced - 1))
    runningMean.value.data.withMutableBase { rm in
      runningVariance.value.data.withMutableBase { rv in
        rm[c] = keep * rm[c] + momentum * mean[c]
        rv[c] = keep * rv[c] + momentum * batchVariance
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    let x = input.take(for: summary)
    precondition(outputGradient.shape == x.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    let batch = x.batch
    let plane = x.sampleCount / features
    let reduced = Float(batch * plane)
    var inputGradient = Tensor.pooled(shape: x.shape)
    let relu = appliesReLU
    // With the fused ReLU, dy counts only where the output is positive.
    let mask = relu ? output : .none
    precondition(!relu || mask.shape == x.shape, "\(summary): fused ReLU without its output")
    mask.data.withBase { y in
      x.data.withBase { xp in
        outputGradient.data.withBase { dy in
          gamma.value.data.withBase { gammas in
            gamma.gradient.data.withMutableBase { dgamma in
              beta.gradient.data.withMutableBase { dbeta in
                inputGradient.data.withMutableBase { dx in
                  for c in 0..<features {
                    let (mu, istd) = (mean[c], inverseStd[c])
                    var (sumDy, sumDyX) = (0.0, 0.0)
                    for n in 0..<batch {
                      let offset = (n * features + c) * plane
                      let moments =
                        relu
                        ? gradientMoments(dy + offset, mask: y + offset, xp + offset, count: plane, mean: mu)
                        : gradientMoments(dy + offset, xp + offset, count: plane, mean: mu)
                      sumDy += Double(moments.sum)
                      sumDyX += Double(moments.dot)
                    }
                    dgamma[c] += Float(sumDyX) * istd
                    dbeta[c] += Float(sumDy)
                    // dx = γσ⁻¹ (dy − Σdy/M − x̂ Σdy·x̂/M), linear in dy and x (in darknet's form the
                    // variance term's factor is σ⁻¹/√σ² instead of σ⁻², kept in varianceSlope).
                    let a = gammas[c] * istd
                    // PyTorch's form keeps its Float expression, so that results stay bit for bit what they were.
                    let bx =
                      form == .pytorch
                      ? -a * istd * istd * Float(sumDyX) / reduced : -a * varianceSlope[c] * Float(sumDyX) / reduced
                    let constant = -a * Float(sumDy) / reduced - bx * mu
                    for n in 0..<batch {
                      let offset = (n * features + c) * plane
                      if relu {
                        linearCombination(
                          dy + offset, mask: y + offset, a, xp + offset, bx, plus: constant, into: dx + offset,
                          count: plane)
                      } else {
                        linearCombination(
                          dy + offset, a, xp + offset, bx, plus: constant, into: dx + offset, count: plane)
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return inputGradient
  }
}
