/// A 1-D convolution over series, which the engine holds as `[N, C, 1, L]` (a channel per dimension, a row of
/// `L` values) so that every other layer (batch normalization, activations, additions, global average pooling,
/// dense) takes them unchanged: `y[n, o, 0, t] = b[o] + Σ_c Σ_j w[o, c, j] · x[n, c, 0, t · stride − padding +
/// j · dilation]`, zero where that position is outside the series. PyTorch's `Conv1d`; Keras' `padding="same"`
/// of an even kernel is `padding = (k − 1) / 2` and `trailingPadding = k / 2` (8 → 3 and 4, as in Wang et
/// al.'s FCN).
///
/// Both passes work on the series' own column matrix (`C · k` rows of `L'` values, im2col's of a 1 × k window
/// padded along the row alone) and sgemm, with none of the padding rows or kernel rows a square 2-D layer of
/// height 1 would carry: per image, `Y = W · cols` forward, and `dW += dY · colsᵀ`, `dcols = Wᵀ · dY` (added
/// back into the input's positions by col2im) backward.
public final class Convolution1D: Layer {
  public let inputChannels: Int
  public let outputChannels: Int
  /// Taps of the kernel along the series.
  public let kernelSize: Int
  public let stride: Int
  /// Zeros before the series and after it.
  public let padding: Int
  public let trailingPadding: Int
  public let dilation: Int
  /// `[outputChannels, inputChannels, kernelSize]`.
  public let weight: Parameter
  /// `[outputChannels]`, or nil.
  public let bias: Parameter?
  /// Whether `backward` computes the input gradient (see ``Layer/skipInputGradient()``).
  public private(set) var computesInputGradient = true

  private var input = ForwardInput()
  private var output = Tensor.none

  /// A convolution with weights drawn by `initializer` (fan-in C·k, fan-out K·k, as PyTorch counts them) and
  /// zero bias. `trailingPadding` defaults to `padding`.
  public init(
    inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    trailingPadding: Int? = nil, dilation: Int = 1, bias: Bool = true, initializer: Initializer = .heNormal,
    generator: inout SeededGenerator
  ) {
    precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0, "convolution sizes must be positive")
    precondition(stride > 0 && dilation > 0, "convolution stride and dilation must be positive")
    precondition(padding >= 0 && (trailingPadding ?? 0) >= 0, "convolution padding must not be negative")
    (self.inputChannels, self.outputChannels, self.kernelSize) = (inputChannels, outputChannels, kernelSize)
    (self.stride, self.padding, self.trailingPadding) = (stride, padding, trailingPadding ?? padding)
    self.dilation = dilation
    weight = Parameter(
      name: "weight",
      value: initializer.tensor(
        shape: [outputChannels, inputChannels, kernelSize], fanIn: inputChannels * kernelSize,
        fanOut: outputChannels * kernelSize, generator: &generator))
    self.bias = bias ? Parameter(name: "bias", value: Tensor(shape: [outputChannels]), decays: false) : nil
  }

  public var summary: String {
    "conv1d \(outputChannels)@\(kernelSize)"
      + Convolution2D.settingsText(
        stride: stride, padding: padding, trailingPadding: trailingPadding, dilation: dilation, groups: 1,
        hasBias: bias != nil)
  }

  public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

  /// The window of series of `length` values: 1 × `kernelSize` over a plane one row high, padded along the row
  /// alone, so that im2col and col2im make and undo the series' column matrix (`C · k` rows of `L'`).
  func geometry(length: Int) -> WindowGeometry {
    var g = WindowGeometry(
      channels: inputChannels, height: 1, width: length, kernelHeight: 1, kernelWidth: kernelSize, stride: stride,
      padding: padding, trailingPadding: trailingPadding, dilation: dilation)
    (g.topPadding, g.bottomPadding) = (0, 0)
    return g
  }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(
      inputShape.count == 3 && inputShape[0] == inputChannels && inputShape[1] == 1,
      "\(summary) expects [\(inputChannels), 1, L] series, got \(inputShape)")
    let g = geometry(length: inputShape[2])
    precondition(
      g.extentWidth <= inputShape[2] + padding + trailingPadding,
      "\(summary) does not fit series of \(inputShape[2]) values")
    return [outputChannels, 1, g.outputWidth]
  }

  public func forwardFLOPs(for inputShape: [Int]) -> Int {
    2 * outputChannels * outputShape(for: inputShape)[2] * inputChannels * kernelSize
  }

  public func skipInputGradient() { computesInputGradient = false }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let outLength = outputShape(for: x.sampleShape)[2]
    let g = geometry(length: x.shape[3])
    output.prepare(shape: [x.batch, outputChannels, 1, outLength])
    let (patch, cout) = (g.patchSize, outputChannels)
    let columns = Scratch.current.buffer(.columns, count: patch * outLength)
    let biasValues = bias?.value.data ?? []
    x.data.withBase { xp in
      weight.value.data.withBase { w in
        output.data.withMutableBase { yp in
          for image in 0..<x.batch {
            let y = yp + image * cout * outLength
            im2col(xp + image * g.inputCount, images: 1, geometry: g, into: columns)
            rowMajorGemm(
              transposeA: false, transposeB: false, m: cout, n: outLength, k: patch, w, lda: patch, columns,
              ldb: outLength, beta: 0, y, ldc: outLength)
            if biasValues.isEmpty { continue }
            for o in 0..<cout {
              scaleShift(y + o * outLength, scale: 1, shift: biasValues[o], into: y + o * outLength, count: outLength)
            }
          }
        }
      }
    }
    input.keep(x, mode: mode)
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    let x = input.take(for: summary)
    let g = geometry(length: x.shape[3])
    let (outLength, patch, cout) = (g.outputWidth, g.patchSize, outputChannels)
    precondition(
      outputGradient.shape == [x.batch, cout, 1, outLength], "\(summary): gradient of shape \(outputGradient.shape)")
    var inputGradient = computesInputGradient ? Tensor.pooledZeros(shape: x.shape) : .none
    let columns = Scratch.current.buffer(.columns, count: 2 * patch * outLength)
    let columnGradient = columns + patch * outLength
    outputGradient.data.withBase { dyp in
      x.data.withBase { xp in
        weight.value.data.withBase { w in
          weight.gradient.data.withMutableBase { dw in
            for image in 0..<x.batch {
              let dy = dyp + image * cout * outLength
              if let bias {
                bias.gradient.data.withMutableBase { db in
                  for o in 0..<cout { db[o] += sum(dy + o * outLength, count: outLength) }
                }
              }
              im2col(xp + image * g.inputCount, images: 1, geometry: g, into: columns)
              // dW += dY · colsᵀ
              rowMajorGemm(
                transposeA: false, transposeB: true, m: cout, n: patch, k: outLength, dy, lda: outLength, columns,
                ldb: outLength, beta: 1, dw, ldc: patch)
              guard computesInputGradient else { continue }
              // dcols = Wᵀ · dY, then each column value back to the input position it came from.
              rowMajorGemm(
                transposeA: true, transposeB: false, m: patch, n: outLength, k: cout, w, lda: patch, dy,
                ldb: outLength, beta: 0, columnGradient, ldc: outLength)
              inputGradient.data.withMutableBase { dx in
                col2im(columnGradient, images: 1, geometry: g, addingInto: dx + image * g.inputCount)
              }
            }
          }
        }
      }
    }
    return inputGradient
  }
}
