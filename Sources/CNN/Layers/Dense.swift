/// A fully connected layer, `y = x · Wᵀ + b`, through sgemm over the whole batch.
///
/// Samples of any shape with ``inputFeatures`` elements are taken as flattened (row-major), so a
/// dense layer may follow a convolution or pooling layer directly.
public final class Dense: Layer {
  /// Elements of one input sample.
  public let inputFeatures: Int
  /// Elements of one output sample.
  public let outputFeatures: Int
  /// `[outputFeatures, inputFeatures]` (PyTorch's layout), decayed.
  public let weight: Parameter
  /// `[outputFeatures]`, not decayed; nil without bias.
  public let bias: Parameter?
  /// Whether `backward` computes dLoss/dInput (off for a network's first layer; `backward` then
  /// returns an empty tensor).
  public var computesInputGradient = true

  private var input = ForwardInput()
  private var output = Tensor.none

  /// A dense layer with weights drawn by `initializer` (fan-in `inputs`, fan-out `outputs`) and zero bias.
  public init(
    inputs: Int, outputs: Int, bias: Bool = true, initializer: Initializer = .glorotUniform,
    generator: inout SeededGenerator
  ) {
    precondition(inputs > 0 && outputs > 0, "dense sizes must be positive")
    (inputFeatures, outputFeatures) = (inputs, outputs)
    weight = Parameter(
      name: "weight",
      value: initializer.tensor(shape: [outputs, inputs], fanIn: inputs, fanOut: outputs, generator: &generator))
    self.bias = bias ? Parameter(name: "bias", value: Tensor(shape: [outputs]), decays: false) : nil
  }

  public var summary: String { "dense \(outputFeatures)" + (bias == nil ? " no bias" : "") }

  public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(
      inputShape.reduce(1, *) == inputFeatures,
      "\(summary) expects samples of \(inputFeatures) elements, got \(inputShape)")
    return [outputFeatures]
  }

  public func forwardFLOPs(for inputShape: [Int]) -> Int { 2 * inputFeatures * outputFeatures }

  public func skipInputGradient() { computesInputGradient = false }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    precondition(
      x.shape.count >= 1 && x.sampleCount == inputFeatures,
      "\(summary) expects samples of \(inputFeatures) elements, got \(x.shape)")
    let batch = x.batch
    let (fin, fout) = (inputFeatures, outputFeatures)
    output.prepare(shape: [batch, fout])
    let biasValues = bias?.value.data
    x.data.withBase { xp in
      weight.value.data.withBase { w in
        output.data.withMutableBase { y in
          // The bias rows go in first and sgemm adds to them (beta 1), saving a pass.
          if let biasValues {
            biasValues.withBase { b in
              for n in 0..<batch { copy(b, into: y + n * fout, count: fout) }
            }
          }
          rowMajorGemm(
            transposeA: false, transposeB: true, m: batch, n: fout, k: fin, xp, lda: fin, w, ldb: fin,
            beta: biasValues == nil ? 0 : 1, y, ldc: fout)
        }
      }
    }
    input.keep(x, mode: mode)
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    let x = input.take(for: summary)
    let batch = x.batch
    let (fin, fout) = (inputFeatures, outputFeatures)
    precondition(outputGradient.shape == [batch, fout], "\(summary): gradient of shape \(outputGradient.shape)")
    var inputGradient = computesInputGradient ? Tensor.pooled(shape: x.shape) : .none
    outputGradient.data.withBase { dy in
      if let bias {
        bias.gradient.data.withMutableBase { db in
          for n in 0..<batch { add(db, dy + n * fout, into: db, count: fout) }
        }
      }
      x.data.withBase { xp in
        weight.gradient.data.withMutableBase { dw in
          // dW += dYᵀ · X
          rowMajorGemm(
            transposeA: true, transposeB: false, m: fout, n: fin, k: batch, dy, lda: fout, xp, ldb: fin, beta: 1, dw,
            ldc: fin)
        }
      }
      guard computesInputGradient else { return }
      weight.value.data.withBase { w in
        inputGradient.data.withMutableBase { dx in
          // dX = dY · W
          rowMajorGemm(
            transposeA: false, transposeB: false, m: batch, n: fin, k: fout, dy, lda: fout, w, ldb: fin, beta: 0, dx,
            ldc: fin)
        }
      }
    }
    return inputGradient
  }
}
