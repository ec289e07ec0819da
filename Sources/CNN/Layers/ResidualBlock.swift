/// The basic block of He et al.'s CIFAR ResNets: conv3x3 → BN → ReLU → conv3x3 → BN, plus the
/// shortcut, then ReLU.
///
/// The shortcut is the identity when the shape is kept, and otherwise the parameter-free
/// "option A": the input subsampled by the stride and its channels zero-padded evenly on both
/// sides (as `F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, p, p))` in the common PyTorch code).
///
/// The block keeps four activations per sample, as PyTorch does: the first normalization applies
/// the ReLU in place, and the second writes into the block's output, which then receives the
/// shortcut and the last ReLU in place.
public final class ResidualBlock: Layer {
  /// Channels of the input samples.
  public let inputChannels: Int
  /// Channels of the output samples (as many or more).
  public let outputChannels: Int
  /// The first convolution's stride, which the shortcut subsamples by.
  public let stride: Int
  /// 3x3, with the block's stride, no bias.
  public let conv1: Convolution2D
  /// Applies the block's first ReLU too.
  public let bn1: BatchNormalization
  /// 3x3, stride 1, no bias.
  public let conv2: Convolution2D
  /// Normalizes the second convolution's output, before the shortcut is added.
  public let bn2: BatchNormalization

  private var output = Tensor.none
  private var inputShape: [Int] = []

  /// A block from `inputChannels` to `outputChannels` (at least as many), subsampling by `stride`;
  /// convolutions without bias (batch norm follows them), weights He-normal.
  public init(inputChannels: Int, outputChannels: Int, stride: Int = 1, generator: inout SeededGenerator) {
    precondition(outputChannels >= inputChannels, "a residual block cannot reduce channels (option A shortcut)")
    (self.inputChannels, self.outputChannels, self.stride) = (inputChannels, outputChannels, stride)
    conv1 = Convolution2D(
      inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 3, stride: stride, padding: 1,
      bias: false, generator: &generator)
    bn1 = BatchNormalization(features: outputChannels)
    bn1.appliesReLU = true
    conv2 = Convolution2D(
      inputChannels: outputChannels, outputChannels: outputChannels, kernelSize: 3, padding: 1, bias: false,
      generator: &generator)
    bn2 = BatchNormalization(features: outputChannels)
    for (prefix, layer) in [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] as [(String, any Layer)] {
      for parameter in layer.parameters { parameter.name = "\(prefix).\(parameter.name)" }
    }
  }

  /// Whether the shortcut subsamples and pads (the shape changes) rather than passing the input.
  public var hasProjection: Bool { stride != 1 || inputChannels != outputChannels }

  public var summary: String {
    "residual \(inputChannels)->\(outputChannels)" + (stride != 1 ? " stride \(stride)" : "")
  }

  public var parameters: [Parameter] { conv1.parameters + bn1.parameters + conv2.parameters + bn2.parameters }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    conv2.outputShape(for: conv1.outputShape(for: inputShape))
  }

  public func forwardFLOPs(for inputShape: [Int]) -> Int {
    conv1.forwardFLOPs(for: inputShape) + conv2.forwardFLOPs(for: conv1.outputShape(for: inputShape))
  }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let hidden = conv2.forward(bn1.forward(conv1.forward(x, mode: mode), mode: mode), mode: mode)
    bn2.forward(hidden, mode: mode, into: &output)
    inputShape = x.shape
    let count = output.count
    let shape = output.shape
    x.data.withBase { xp in
      output.data.withMutableBase { y in
        if !hasProjection {
          addReLU(y, xp, into: y, count: count)
        } else {
          shortcutForward(input: xp, outputShape: shape, into: y)
        }
      }
    }
    return output
  }

  /// `y = relu(y + shortcut(x))` with the subsampled, channel-padded shortcut.
  private func shortcutForward(
    input x: UnsafePointer<Float>, outputShape shape: [Int], into y: UnsafeMutablePointer<Float>
  ) {
    let (height, width) = (inputShape[2], inputShape[3])
    let (outH, outW) = (shape[2], shape[3])
    let plane = outH * outW
    let padding = (outputChannels - inputChannels) / 2
    for n in 0..<shape[0] {
      for c in 0..<outputChannels {
        let offset = (n * outputChannels + c) * plane
        let source = c - padding
        guard source >= 0 && source < inputChannels else {
          reluForward(y + offset, into: y + offset, count: plane)
          continue
        }
        let xPlane = x + (n * inputChannels + source) * height * width
        for oh in 0..<outH {
          let xRow = xPlane + oh * stride * width
          let yRow = y + offset + oh * outW
          for ow in 0..<outW {
            let v = yRow[ow] + xRow[ow * stride]
            yRow[ow] = v > 0 ? v : 0
          }
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    // Through the final ReLU; this gradient feeds both the main path and the shortcut.
    var gradient = Tensor.pooled(shape: output.shape)
    output.data.withBase { y in
      outputGradient.data.withBase { dy in
        gradient.data.withMutableBase { g in reluBackward(output: y, gradient: dy, into: g, count: outputGradient.count)
        }
      }
    }
    let scratch = Scratch.current
    var d2 = bn2.backward(gradient)
    var d1 = conv2.backward(d2)
    scratch.recycle(&d2)
    var r1 = bn1.backward(d1)
    scratch.recycle(&d1)
    var inputGradient = conv1.backward(r1)
    scratch.recycle(&r1)
    gradient.data.withBase { g in
      inputGradient.data.withMutableBase { dx in
        if !hasProjection {
          add(dx, g, into: dx, count: outputGradient.count)
        } else {
          shortcutBackward(g, into: dx)
        }
      }
    }
    scratch.recycle(&gradient)
    return inputGradient
  }

  /// Adds the shortcut's gradient: each kept input element receives its output's gradient.
  private func shortcutBackward(_ g: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
    let (height, width) = (inputShape[2], inputShape[3])
    let (outH, outW) = (output.shape[2], output.shape[3])
    let plane = outH * outW
    let padding = (outputChannels - inputChannels) / 2
    for n in 0..<inputShape[0] {
      for source in 0..<inputChannels {
        let gPlane = g + (n * outputChannels + source + padding) * plane
        let dxPlane = dx + (n * inputChannels + source) * height * width
        for oh in 0..<outH {
          let dxRow = dxPlane + oh * stride * width
          let gRow = gPlane + oh * outW
          for ow in 0..<outW { dxRow[ow * stride] += gRow[ow] }
        }
      }
    }
  }
}
