/// A 1-D convolution over series, which the engine holds as `[N, C, 1, L]` (a channel per dimension, a row of
/// `L` values) so that every other layer (batch normalization, activations, additions, global average pooling,
/// dense) takes them unchanged: `y[n, o, 0, t] = b[o] + Σ_c Σ_j w[o, c, j] · x[n, c, 0, t · stride − padding +
/// j · dilation]`, zero where that position is outside the series. PyTorch's `Conv1d`; Keras' `padding="same"`
/// of an even kernel is `padding = (k − 1) / 2` and `trailingPadding = k / 2` (8 → 3 and 4, as in Wang et
/// al.'s FCN).
///
/// Both passes work on the series' own column matrix (`C · k` rows of `L'` values) and sgemm, with none of the
/// padding rows or kernel rows a 2-D layer of height 1 would carry: per image, `Y = W · cols` forward, and
/// `dW += dY · colsᵀ`, `dcols = Wᵀ · dY` (added back into the input's positions) backward.
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

  /// The output length for series of `length` values (at least 1 for the layer to fit).
  func outputLength(for length: Int) -> Int {
    (length + padding + trailingPadding - dilation * (kernelSize - 1) - 1) / stride + 1
  }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(
      inputShape.count == 3 && inputShape[0] == inputChannels && inputShape[1] == 1,
      "\(summary) expects [\(inputChannels), 1, L] series, got \(inputShape)")
    let length = outputLength(for: inputShape[2])
    precondition(length > 0, "\(summary) does not fit series of \(inputShape[2]) values")
    return [outputChannels, 1, length]
  }

  public func forwardFLOPs(for inputShape: [Int]) -> Int {
    2 * outputChannels * outputShape(for: inputShape)[2] * inputChannels * kernelSize
  }

  public func skipInputGradient() { computesInputGradient = false }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let (length, outLength) = (x.shape[3], outputShape(for: x.sampleShape)[2])
    output.prepare(shape: [x.batch, outputChannels, 1, outLength])
    let (patch, cout) = (inputChannels * kernelSize, outputChannels)
    let columns = Scratch.current.buffer(.columns, count: patch * outLength)
    let biasValues = bias?.value.data ?? []
    x.data.withBase { xp in
      weight.value.data.withBase { w in
        output.data.withMutableBase { yp in
          for image in 0..<x.batch {
            let y = yp + image * cout * outLength
            seriesColumns(xp + image * inputChannels * length, length: length, outLength: outLength, into: columns)
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
    let (length, outLength) = (x.shape[3], outputLength(for: x.shape[3]))
    let (patch, cout) = (inputChannels * kernelSize, outputChannels)
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
              seriesColumns(xp + image * inputChannels * length, length: length, outLength: outLength, into: columns)
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
                addSeriesColumns(
                  columnGradient, length: length, outLength: outLength, into: dx + image * inputChannels * length)
              }
            }
          }
        }
      }
    }
    return inputGradient
  }

  /// The input positions of output `t` for tap `j` that fall inside a series of `length` values: the outputs
  /// `t` whose position `t · stride − padding + j · dilation` is in `0 ..< length`.
  private func validOutputs(tap j: Int, length: Int, outLength: Int) -> Range<Int> {
    let offset = j * dilation - padding
    // The first t with t · stride + offset ≥ 0, and one past the last with t · stride + offset < length.
    let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
    let end = length - offset > 0 ? min(outLength, (length - offset - 1) / stride + 1) : 0
    return first..<max(first, end)
  }

  /// One series' column matrix: row `c · k + j` holds, for each output `t`, input `c` at `t · stride − padding +
  /// j · dilation` (zero outside the series).
  private func seriesColumns(
    _ x: UnsafePointer<Float>, length: Int, outLength: Int, into columns: UnsafeMutablePointer<Float>
  ) {
    for c in 0..<inputChannels {
      for j in 0..<kernelSize {
        let row = columns + (c * kernelSize + j) * outLength
        let valid = validOutputs(tap: j, length: length, outLength: outLength)
        let source = x + c * length + j * dilation - padding
        fill(row, with: 0, count: valid.lowerBound)
        if stride == 1 {
          copy(source + valid.lowerBound, into: row + valid.lowerBound, count: valid.count)
        } else {
          for t in valid { row[t] = source[t &* stride] }
        }
        fill(row + valid.upperBound, with: 0, count: outLength - valid.upperBound)
      }
    }
  }

  /// The inverse of ``seriesColumns(_:length:outLength:into:)`` for gradients: each column value added into the
  /// input position it was read from.
  private func addSeriesColumns(
    _ columns: UnsafePointer<Float>, length: Int, outLength: Int, into dx: UnsafeMutablePointer<Float>
  ) {
    for c in 0..<inputChannels {
      for j in 0..<kernelSize {
        let row = columns + (c * kernelSize + j) * outLength
        let target = dx + c * length + j * dilation - padding
        for t in validOutputs(tap: j, length: length, outLength: outLength) { target[t &* stride] += row[t] }
      }
    }
  }
}
