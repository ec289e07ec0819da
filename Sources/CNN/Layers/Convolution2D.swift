import SIMDKernels

/// A 2-D convolution (cross-correlation, as in PyTorch) of NCHW images with square kernels, with stride,
/// padding, dilation and groups (a depthwise convolution has as many groups as input channels).
///
/// Forward and backward go through im2col and sgemm over as many images of the batch at once as
/// ``columnLimit`` allows, so that the BLAS gets large matrices (thousands of columns). The im2col matrix lives in a
/// per-thread scratch buffer shared by all convolutions and is rebuilt in the backward pass rather
/// than kept, which would cost one such matrix per layer.
///
/// A "same" convolution (stride 1, kernel 2 · padding + 1) computes its backward pass from the
/// im2col matrix of the output gradient alone (see ``backwardThroughOutputColumns(_:input:)``):
/// one column matrix per chunk instead of the input's im2col and a col2im, the two costliest
/// steps outside the BLAS.
public final class Convolution2D: Layer {
  /// C of the `[C, H, W]` input samples.
  public let inputChannels: Int
  /// K, the number of filters.
  public let outputChannels: Int
  /// The filters' side.
  public let kernelSize: Int
  /// The step between output positions, in input pixels.
  public let stride: Int
  /// Zeros before each input row and column (top, left).
  public let padding: Int
  /// Zeros after each input row and column (bottom, right): `padding` but for an asymmetric pad.
  public let trailingPadding: Int
  /// The distance between the input pixels a filter tap reads (1: adjacent).
  public let dilation: Int
  /// The input and output channels fall into this many groups, each convolved on its own (1: all with all).
  public let groups: Int
  /// `[outputChannels, inputChannels / groups, kernelSize, kernelSize]`, decayed.
  public let weight: Parameter
  /// `[outputChannels]`, not decayed; nil for a convolution without bias (before batch norm).
  public let bias: Parameter?
  /// Whether `backward` computes dLoss/dInput. A network turns it off for its first layer, whose
  /// input gradient nobody reads; `backward` then returns an empty tensor.
  public var computesInputGradient = true
  /// The most elements the im2col matrix of one sgemm may have (default 512 Ki, 2 MiB): the batch
  /// goes through in chunks of images that fit. Chunks that stay in the caches between im2col and
  /// sgemm beat one huge product: ResNet-20's 16-channel convolutions ran 1.8× faster with 2 MiB
  /// than with the whole batch of 32 (19 MiB) on OpenBLAS.
  public var columnLimit = 1 << 19

  /// Whether a "same" convolution may take the backward path through the output gradient's
  /// columns (tests turn it off to compare both paths).
  var allowsOutputColumnsBackward = true

  private var input = ForwardInput()
  private var output = Tensor.none
  /// The weights rearranged for the output-columns backward pass, `[C, K·k·k]`, and that pass's
  /// weight gradient in the same layout: kept from step to step so that no step allocates them.
  private var flippedWeights: [Float] = []
  private var flippedGradient: [Float] = []
  /// The weights in the channels-last pass's layout, and the weight version they were made from (see
  /// Convolution2D+ChannelsLast.swift).
  var channelsLastWeights: (version: Int, values: [Float], rowOffsets: [Int])?

  /// A convolution with weights drawn by `initializer` (fan-in C/groups·k·k, fan-out K·k·k, as PyTorch counts
  /// them) and zero bias. `trailingPadding` defaults to `padding`.
  public init(
    inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    trailingPadding: Int? = nil, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
    initializer: Initializer = .heNormal, generator: inout SeededGenerator
  ) {
    precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0, "convolution sizes must be positive")
    precondition(stride > 0 && padding >= 0, "convolution stride must be positive and padding not negative")
    precondition(dilation > 0 && (trailingPadding ?? 0) >= 0, "convolution dilation must be positive")
    precondition(
      groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
      "convolution groups must divide the input and output channels")
    (self.inputChannels, self.outputChannels, self.kernelSize) = (inputChannels, outputChannels, kernelSize)
    (self.stride, self.padding, self.trailingPadding) = (stride, padding, trailingPadding ?? padding)
    (self.dilation, self.groups) = (dilation, groups)
    let shape = [outputChannels, inputChannels / groups, kernelSize, kernelSize]
    let taps = kernelSize * kernelSize
    weight = Parameter(
      name: "weight",
      value: initializer.tensor(
        shape: shape, fanIn: inputChannels / groups * taps, fanOut: outputChannels * taps, generator: &generator))
    self.bias = bias ? Parameter(name: "bias", value: Tensor(shape: [outputChannels]), decays: false) : nil
  }

  public var summary: String {
    "conv \(outputChannels)@\(kernelSize)x\(kernelSize)"
      + Self.settingsText(
        stride: stride, padding: padding, trailingPadding: trailingPadding, dilation: dilation, groups: groups,
        hasBias: bias != nil)
  }

  /// A convolution's settings other than its default ones, as ``summary`` lists them (` stride 2 pad 3,4 no
  /// bias`); the 1-D convolution's too.
  static func settingsText(
    stride: Int, padding: Int, trailingPadding: Int, dilation: Int, groups: Int, hasBias: Bool
  ) -> String {
    var text = ""
    if stride != 1 { text += " stride \(stride)" }
    if padding != 0 || trailingPadding != 0 {
      text += " pad \(padding)" + (trailingPadding != padding ? ",\(trailingPadding)" : "")
    }
    if dilation != 1 { text += " dilation \(dilation)" }
    if groups != 1 { text += " groups \(groups)" }
    if !hasBias { text += " no bias" }
    return text
  }

  public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

  func geometry(for sampleShape: [Int]) -> WindowGeometry {
    precondition(
      sampleShape.count == 3 && sampleShape[0] == inputChannels,
      "\(summary) expects [\(inputChannels), H, W] samples, got \(sampleShape)")
    let g = WindowGeometry(
      channels: inputChannels, height: sampleShape[1], width: sampleShape[2], kernelHeight: kernelSize,
      kernelWidth: kernelSize, stride: stride, padding: padding, trailingPadding: trailingPadding, dilation: dilation)
    precondition(g.outputHeight > 0 && g.outputWidth > 0, "\(summary) does not fit a \(sampleShape) input")
    return g
  }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    let g = geometry(for: inputShape)
    return [outputChannels, g.outputHeight, g.outputWidth]
  }

  public func forwardFLOPs(for inputShape: [Int]) -> Int {
    let g = geometry(for: inputShape)
    return 2 * outputChannels * g.outputPlane * g.patchSize / groups
  }

  public func skipInputGradient() { computesInputGradient = false }

  /// Images per sgemm: as many as fit in ``columnLimit``, at least one.
  private func chunkSize(_ g: WindowGeometry, batch: Int) -> Int {
    max(1, min(batch, columnLimit / max(1, g.patchSize * g.outputPlane)))
  }

  /// Whether the layer is depthwise: one filter per channel (groups = input channels = output channels), which
  /// ``depthwiseForward(_:into:geometry:)`` computes directly rather than as one sgemm of a single row per group.
  var isDepthwise: Bool { groups > 1 && groups == inputChannels && outputChannels == inputChannels }

  /// Whether one image's input is already its column matrix (`[C, H·W]`): a 1×1 kernel of stride 1 without padding.
  var readsInputAsColumns: Bool { kernelSize == 1 && stride == 1 && padding == 0 && trailingPadding == 0 }

  public func releaseOutput() { output = .none }

  /// The vector kernels inference runs on (see ``VectorUnit``); nil: im2col and the BLAS, as training.
  var vectorKernels = VectorUnit.fastest

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    if mode == .inference { return inferenceForward(x, epilogue: .none) }
    let g = geometry(for: x.sampleShape)
    output.prepare(shape: [x.batch, outputChannels, g.outputHeight, g.outputWidth])
    if isDepthwise {
      depthwiseForward(x, into: &output, geometry: g, epilogue: .none)
    } else {
      blasForward(x, into: &output, geometry: g)
    }
    input.keep(x, mode: mode)
    return output
  }

  /// The inference pass, with `epilogue` applied to the output on the way out: through ``vectorKernels``
  /// where the CPU has them (see Convolution2D+VectorInference.swift), else through im2col and the BLAS.
  func inferenceForward(_ x: Tensor, epilogue: ConvolutionEpilogue) -> Tensor {
    let g = geometry(for: x.sampleShape)
    output.prepare(shape: [x.batch, outputChannels, g.outputHeight, g.outputWidth])
    input.keep(x, mode: .inference)
    if isDepthwise, let kernels = vectorKernels {
      vectorDepthwiseForward(x, into: &output, geometry: g, kernels: kernels, epilogue: epilogue)
    } else if isDepthwise {
      depthwiseForward(x, into: &output, geometry: g, epilogue: epilogue)
    } else if let kernels = vectorKernels, groups == 1 {
      vectorForward(x, into: &output, geometry: g, kernels: kernels, epilogue: epilogue)
    } else {
      blasForward(x, into: &output, geometry: g)
      if epilogue.residual != nil || epilogue.scale != nil || epilogue.slope != nil {
        applyInPlace(epilogue, to: &output)
      }
    }
    return output
  }

  /// `epilogue` applied to `y`, a whole output already holding the bias.
  private func applyInPlace(_ epilogue: ConvolutionEpilogue, to y: inout Tensor) {
    let (batch, plane) = (y.batch, y.sampleCount / outputChannels)
    let residual = epilogue.residual
    y.data.withMutableBase { yp in
      (residual?.data ?? []).withUnsafeBufferPointer { r in
        for n in 0..<batch {
          for c in 0..<outputChannels {
            let offset = (n * outputChannels + c) * plane
            epilogue.apply(
              yp + offset, rows: 1, count: plane, xStride: plane, bias: 0, channel: c, residualOffset: offset,
              residualBase: r.isEmpty ? nil : r.baseAddress, kernels: nil, into: yp + offset, yStride: plane)
          }
        }
      }
    }
  }

  /// The forward pass through im2col and sgemm (with the bias) into `output`, already of the output's shape.
  private func blasForward(_ x: Tensor, into output: inout Tensor, geometry g: WindowGeometry) {
    let batch = x.batch
    let (plane, patch, cout) = (g.outputPlane, g.patchSize, outputChannels)
    let chunk = chunkSize(g, batch: batch)
    // One image at a time: its column matrix in bands of output rows that fit ``columnLimit`` (tiny-YOLOv2's
    // first layers have 19 and 25 MiB ones), so that each band is still in the caches when sgemm reads it.
    let outW = g.outputWidth
    let bandRows = max(1, min(g.outputHeight, columnLimit / max(1, patch * outW)))
    let scratch = Scratch.current
    let columns = scratch.buffer(
      .columns, count: chunk > 1 ? patch * chunk * plane : readsInputAsColumns ? 0 : patch * bandRows * outW)
    let channelMajor = scratch.buffer(.channelMajor, count: chunk > 1 ? cout * chunk * plane : 0)
    let biasValues = bias?.value.data ?? []
    let (groupOutputs, groupPatch) = (cout / groups, patch / groups)
    x.data.withBase { xp in
      weight.value.data.withBase { w in
        biasValues.withUnsafeBufferPointer { biasBuffer in
          // (An empty array's buffer may have an address too.)
          let b = biasBuffer.isEmpty ? nil : biasBuffer.baseAddress
          output.data.withMutableBase { yp in
            for start in Swift.stride(from: 0, to: batch, by: chunk) {
              let images = min(chunk, batch - start)
              let width = images * plane
              let source = xp + start * g.inputCount
              let y = yp + start * cout * plane
              if images == 1 {
                // Straight into NCHW: each group's filters times its channels' rows of the band's column matrix
                // (a 1×1 convolution's input is that matrix already: no copy).
                let step = readsInputAsColumns ? g.outputHeight : bandRows
                for firstRow in Swift.stride(from: 0, to: g.outputHeight, by: step) {
                  let rows = firstRow..<min(firstRow + step, g.outputHeight)
                  let bandWidth = rows.count * outW
                  let matrix: UnsafePointer<Float>
                  if readsInputAsColumns {
                    matrix = source
                  } else {
                    let (band, inputRow) = g.band(rows)
                    im2col(source + inputRow * g.width, images: 1, geometry: band, into: columns)
                    matrix = UnsafePointer(columns)
                  }
                  for group in 0..<groups {
                    rowMajorGemm(
                      transposeA: false, transposeB: false, m: groupOutputs, n: bandWidth, k: groupPatch,
                      w + group * groupOutputs * groupPatch, lda: groupPatch, matrix + group * groupPatch * bandWidth,
                      ldb: bandWidth, beta: 0, y + group * groupOutputs * plane + firstRow * outW, ldc: plane)
                  }
                }
              } else {
                // Several images come out channel-major (CNHW).
                im2col(source, images: images, geometry: g, into: columns)
                for group in 0..<groups {
                  rowMajorGemm(
                    transposeA: false, transposeB: false, m: groupOutputs, n: width, k: groupPatch,
                    w + group * groupOutputs * groupPatch, lda: groupPatch, columns + group * groupPatch * width,
                    ldb: width, beta: 0, channelMajor + group * groupOutputs * width, ldc: width)
                }
              }
              if images > 1 {
                channelMajorToNCHW(channelMajor, images: images, channels: cout, plane: plane, bias: b, into: y)
              } else if let b {
                for c in 0..<cout {
                  scaleShift(y + c * plane, scale: 1, shift: b[c], into: y + c * plane, count: plane)
                }
              }
            }
          }
        }
      }
    }
  }

  /// The forward pass of a depthwise convolution (``isDepthwise``), channel by channel, straight into `output`
  /// (NCHW), in whole-plane passes rather than row by row (MobileNet's planes are 4 to 32 pixels wide).
  ///
  /// The padded input is first split into `stride²` phase planes, phase (a, b) holding padded pixel
  /// (r · stride + a, c · stride + b) at (r, c), so that the pixels each tap reads for consecutive outputs are
  /// consecutive: output (oh, ow) reads padded pixel (oh · s + ti, ow · s + tj), tap offsets ti = i · dilation and
  /// tj = j · dilation, which is phase (ti mod s, tj mod s) at (oh + ti / s, ow + tj / s). An accumulator of
  /// rows as wide as the phase planes then takes, per tap, one contiguous multiply-add over the whole plane (its
  /// extra columns are never copied out); its rows start as the bias. MobileNet's 3×3 depthwise layers ran through
  /// im2col (nine copies of each input plane) and one sgemm of a single row per channel before.
  /// `epilogue` is applied on the way out. (Inference on the CPU's vector kernels takes
  /// ``vectorDepthwiseForward(_:into:geometry:kernels:epilogue:)`` instead.)
  private func depthwiseForward(
    _ x: Tensor, into output: inout Tensor, geometry g: WindowGeometry, epilogue: ConvolutionEpilogue
  ) {
    let (outH, outW, plane) = (g.outputHeight, g.outputWidth, g.outputPlane)
    let (k, s, channels) = (kernelSize, stride, inputChannels)
    // The furthest a tap reads past its output position, in phase-plane rows and columns.
    let reach = (k - 1) * dilation / s
    // One row more than the taps reach: the last tap's contiguous run ends up to `reach` values past its rows.
    let (phaseH, phaseW) = (outH + reach + 1, outW + reach)
    let (phaseCount, accumulatorCount) = (phaseH * phaseW, outH * phaseW)
    let buffer = Scratch.current.buffer(.columns, count: s * s * phaseCount + accumulatorCount)
    let accumulator = buffer + s * s * phaseCount
    let biasValues = bias?.value.data ?? []
    let residual = epilogue.residual?.data ?? []
    let plain = epilogue.residual == nil && epilogue.scale == nil && epilogue.slope == nil
    x.data.withBase { xp in
      weight.value.data.withBase { w in
        output.data.withMutableBase { yp in
          residual.withUnsafeBufferPointer { r in
            for image in 0..<x.batch {
              for c in 0..<channels {
                let source = xp + (image * channels + c) * g.inputPlane
                for a in 0..<s {
                  let rows = g.validRange(offset: a - padding, inputSize: g.height, outputSize: phaseH)
                  for b in 0..<s {
                    let phase = buffer + (a * s + b) * phaseCount
                    let columns = g.validRange(offset: b - padding, inputSize: g.width, outputSize: phaseW)
                    fill(phase, with: 0, count: rows.lowerBound * phaseW)
                    for r in rows {
                      let (row, target) = (source + (r * s + a - padding) * g.width + b - padding, phase + r * phaseW)
                      fill(target, with: 0, count: columns.lowerBound)
                      if s == 1 {
                        copy(row + columns.lowerBound, into: target + columns.lowerBound, count: columns.count)
                      } else {
                        for column in columns { target[column] = row[s &* column] }
                      }
                      fill(target + columns.upperBound, with: 0, count: phaseW - columns.upperBound)
                    }
                    fill(phase + rows.upperBound * phaseW, with: 0, count: (phaseH - rows.upperBound) * phaseW)
                  }
                }
                fill(accumulator, with: biasValues.isEmpty ? 0 : biasValues[c], count: accumulatorCount)
                // The values tap (i, j) reads, from the accumulator's first position.
                func reads(_ i: Int, _ j: Int) -> UnsafeMutablePointer<Float> {
                  let (ti, tj) = (i * dilation, j * dilation)
                  return buffer + ((ti % s) * s + tj % s) * phaseCount + ti / s * phaseW + tj / s
                }
                for i in 0..<k {
                  let taps = w + (c * k + i) * k
                  var j = 0
                  // Three taps of a row per pass over the accumulator (a 3×3 kernel's whole row), then one at a time.
                  while j + 3 <= k {
                    let (p0, p1, p2) = (reads(i, j), reads(i, j + 1), reads(i, j + 2))
                    let (w0, w1, w2) = (taps[j], taps[j + 1], taps[j + 2])
                    for q in 0..<accumulatorCount { accumulator[q] += w0 * p0[q] + w1 * p1[q] + w2 * p2[q] }
                    j += 3
                  }
                  while j < k {
                    let (p0, w0) = (reads(i, j), taps[j])
                    for q in 0..<accumulatorCount { accumulator[q] += w0 * p0[q] }
                    j += 1
                  }
                }
                let offset = (image * channels + c) * plane
                if plain {
                  for oh in 0..<outH { copy(accumulator + oh * phaseW, into: yp + offset + oh * outW, count: outW) }
                } else {
                  epilogue.apply(
                    accumulator, rows: outH, count: outW, xStride: phaseW, bias: 0, channel: c, residualOffset: offset,
                    residualBase: r.isEmpty ? nil : r.baseAddress, kernels: nil, into: yp + offset, yStride: outW)
                }
              }
            }
          }
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    let x = input.take(for: summary)
    let g = geometry(for: x.sampleShape)
    let batch = x.batch
    let (plane, patch, cout) = (g.outputPlane, g.patchSize, outputChannels)
    precondition(
      outputGradient.shape == [batch, cout, g.outputHeight, g.outputWidth],
      "\(summary): gradient of shape \(outputGradient.shape) for output \([batch, cout, g.outputHeight, g.outputWidth])"
    )
    if let bias {
      outputGradient.data.withBase { dyp in
        bias.gradient.data.withMutableBase { db in
          for n in 0..<batch {
            for c in 0..<cout { db[c] += sum(dyp + (n * cout + c) * plane, count: plane) }
          }
        }
      }
    }
    // Through the output gradient's columns when they are no more than twice the input's: their
    // im2col replaces the input's im2col and the col2im (the first layer, with no input gradient,
    // keeps the input's columns, often far fewer).
    if computesInputGradient && allowsOutputColumnsBackward && groups == 1 && g.preservesSize
      && cout <= 2 * inputChannels
    {
      return backwardThroughOutputColumns(outputGradient, input: x)
    }
    let chunk = chunkSize(g, batch: batch)
    let scratch = Scratch.current
    let columns = scratch.buffer(.columns, count: patch * chunk * plane)
    let channelMajor = scratch.buffer(.channelMajor, count: chunk > 1 ? cout * chunk * plane : 0)
    var inputGradient = computesInputGradient ? Tensor.pooledZeros(shape: x.shape) : .none
    outputGradient.data.withBase { dyp in
      x.data.withBase { xp in
        weight.value.data.withBase { w in
          weight.gradient.data.withMutableBase { dw in
            inputGradient.data.withMutableBase { dxp in
              for start in Swift.stride(from: 0, to: batch, by: chunk) {
                let images = min(chunk, batch - start)
                let width = images * plane
                let dy: UnsafePointer<Float>
                if images == 1 {
                  dy = dyp + start * cout * plane
                } else {
                  nchwToChannelMajor(
                    dyp + start * cout * plane, images: images, channels: cout, plane: plane, into: channelMajor)
                  dy = UnsafePointer(channelMajor)
                }
                im2col(xp + start * g.inputCount, images: images, geometry: g, into: columns)
                let (groupOutputs, groupPatch) = (cout / groups, patch / groups)
                for group in 0..<groups {
                  let (dyGroup, columnsGroup) = (
                    dy + group * groupOutputs * width, columns + group * groupPatch * width
                  )
                  let weightsOffset = group * groupOutputs * groupPatch
                  // dW += dY · colᵀ
                  rowMajorGemm(
                    transposeA: false, transposeB: true, m: groupOutputs, n: groupPatch, k: width, dyGroup, lda: width,
                    columnsGroup, ldb: width, beta: 1, dw + weightsOffset, ldc: groupPatch)
                  guard computesInputGradient else { continue }
                  // dcol = Wᵀ · dY, into the same buffer now that dW has used it; then scattered back.
                  rowMajorGemm(
                    transposeA: true, transposeB: false, m: groupPatch, n: width, k: groupOutputs, w + weightsOffset,
                    lda: groupPatch, dyGroup, ldb: width, beta: 0, columnsGroup, ldc: width)
                }
                guard computesInputGradient else { continue }
                col2im(columns, images: images, geometry: g, addingInto: dxp + start * g.inputCount)
              }
            }
          }
        }
      }
    }
    return inputGradient
  }

  /// The backward pass of an ungrouped "same" convolution (stride 1, output planes as large as the input's)
  /// from the im2col matrix D of the output gradient, whose rows are (k, i, j) over the K output
  /// channels and the taps.
  ///
  /// With k·k taps and padding p = (k − 1) / 2, shifting the output gradient by tap (i, j) is
  /// shifting the input by the mirrored tap (k−1−i, k−1−j), so that
  /// `dW[o, c, i, j] = Σ_q x[c, q] · D[(o, k−1−i, k−1−j), q]` (an sgemm `X · Dᵀ`, X the input
  /// chunk in channel-major order) and `dX = W̃ · D` with `W̃[c, (o, i, j)] = W[o, c, k−1−i, k−1−j]`.
  private func backwardThroughOutputColumns(_ outputGradient: Tensor, input x: Tensor) -> Tensor {
    let g = geometry(for: x.sampleShape)
    let batch = x.batch
    let (plane, cin, cout, k) = (g.outputPlane, inputChannels, outputChannels, kernelSize)
    let taps = k * k
    let rows = cout * taps
    // The output gradient's window: the same sizes as the input's, over K channels.
    var gradientGeometry = g
    gradientGeometry.channels = cout
    let chunk = max(1, min(batch, columnLimit / max(1, rows * plane)))
    let scratch = Scratch.current
    let columns = scratch.buffer(.columns, count: rows * chunk * plane)
    let channelMajor = scratch.buffer(.channelMajor, count: chunk > 1 ? cin * chunk * plane : 0)
    flipWeights()
    var inputGradient = Tensor.pooled(shape: x.shape)
    outputGradient.data.withBase { dyp in
      x.data.withBase { xp in
        flippedWeights.withBase { wf in
          flippedGradient.withMutableBase { dwf in
            inputGradient.data.withMutableBase { dxp in
              for start in Swift.stride(from: 0, to: batch, by: chunk) {
                let images = min(chunk, batch - start)
                let width = images * plane
                im2col(dyp + start * cout * plane, images: images, geometry: gradientGeometry, into: columns)
                let xChunk: UnsafePointer<Float>
                if images == 1 {
                  xChunk = xp + start * g.inputCount
                } else {
                  nchwToChannelMajor(
                    xp + start * g.inputCount, images: images, channels: cin, plane: plane, into: channelMajor)
                  xChunk = UnsafePointer(channelMajor)
                }
                // W̃-shaped dW over the batch: X · Dᵀ, overwritten by the first chunk.
                rowMajorGemm(
                  transposeA: false, transposeB: true, m: cin, n: rows, k: width, xChunk, lda: width, columns,
                  ldb: width, beta: start == 0 ? 0 : 1, dwf, ldc: rows)
                // dX = W̃ · D, into the channel-major buffer once X is read (or straight into NCHW).
                let dx = dxp + start * g.inputCount
                rowMajorGemm(
                  transposeA: false, transposeB: false, m: cin, n: width, k: rows, wf, lda: rows, columns, ldb: width,
                  beta: 0, images == 1 ? dx : channelMajor, ldc: width)
                if images > 1 {
                  channelMajorToNCHW(channelMajor, images: images, channels: cin, plane: plane, bias: nil, into: dx)
                }
              }
            }
          }
        }
      }
    }
    addFlippedGradient()
    return inputGradient
  }

  /// W̃ of ``backwardThroughOutputColumns(_:input:)`` into ``flippedWeights``: `W̃[c, (o, i, j)] =
  /// W[o, c, k−1−i, k−1−j]` (made, with ``flippedGradient``, at the first call).
  private func flipWeights() {
    let (cin, cout, taps) = (inputChannels, outputChannels, kernelSize * kernelSize)
    let rows = cout * taps
    if flippedWeights.count != cin * rows {
      flippedWeights = [Float](repeating: 0, count: cin * rows)
      flippedGradient = [Float](repeating: 0, count: cin * rows)
    }
    weight.value.data.withBase { w in
      flippedWeights.withMutableBase { wf in
        for o in 0..<cout {
          for c in 0..<cin {
            let source = w + (o * cin + c) * taps
            let target = wf + c * rows + o * taps
            for t in 0..<taps { target[taps - 1 - t] = source[t] }
          }
        }
      }
    }
  }

  /// Adds ``flippedGradient``, the W̃-shaped weight gradient, into the weight's gradient, flipped back.
  private func addFlippedGradient() {
    let (cin, cout, taps) = (inputChannels, outputChannels, kernelSize * kernelSize)
    let rows = cout * taps
    weight.gradient.data.withMutableBase { dw in
      flippedGradient.withBase { dwf in
        for o in 0..<cout {
          for c in 0..<cin {
            let source = dwf + c * rows + o * taps
            let target = dw + (o * cin + c) * taps
            for t in 0..<taps { target[t] += source[taps - 1 - t] }
          }
        }
      }
    }
  }
}
