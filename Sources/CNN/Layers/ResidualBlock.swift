/// The basic block of He et al.'s CIFAR ResNets: conv3x3 → BN → ReLU → conv3x3 → BN, plus the
/// shortcut, then ReLU.
///
/// The shortcut is the identity when the shape is kept, and otherwise the parameter-free
/// "option A": the input subsampled by the stride and its channels zero-padded evenly on both
/// sides (as `F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, p, p))` in the common PyTorch code).
public final class ResidualBlock: Layer {
  public let inputChannels: Int
  public let outputChannels: Int
  public let stride: Int
  public let conv1: Convolution2D
  public let bn1: BatchNormalization
  public let conv2: Convolution2D
  public let bn2: BatchNormalization
  private let main: Sequential

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
    conv2 = Convolution2D(
      inputChannels: outputChannels, outputChannels: outputChannels, kernelSize: 3, padding: 1, bias: false,
      generator: &generator)
    bn2 = BatchNormalization(features: outputChannels)
    main = Sequential([conv1, bn1, ReLU(), conv2, bn2])
    for (prefix, layer) in [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] as [(String, any Layer)] {
      for parameter in layer.parameters { parameter.name = "\(prefix).\(parameter.name)" }
    }
  }

  /// Whether the shortcut subsamples and pads (the shape changes) rather than passing the input.
  public var hasProjection: Bool { stride != 1 || inputChannels != outputChannels }

  public var summary: String {
    "residual \(inputChannels)->\(outputChannels)" + (stride != 1 ? " stride \(stride)" : "")
  }

  public var parameters: [Parameter] { main.parameters }

  public func outputShape(for inputShape: [Int]) -> [Int] { main.outputShape(for: inputShape) }

  public func forwardFLOPs(for inputShape: [Int]) -> Int { main.forwardFLOPs(for: inputShape) }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let residual = main.forward(x, mode: mode)
    output.prepare(shape: residual.shape)
    inputShape = x.shape
    let count = residual.count
    residual.data.withBase { r in
      x.data.withBase { xp in
        output.data.withMutableBase { y in
          if !hasProjection {
            addReLU(r, xp, into: y, count: count)
          } else {
            shortcutForward(residual: r, input: xp, outputShape: residual.shape, into: y)
          }
        }
      }
    }
    return output
  }

  /// `y = relu(residual + shortcut(x))` with the subsampled, channel-padded shortcut.
  private func shortcutForward(
    residual r: UnsafePointer<Float>, input x: UnsafePointer<Float>, outputShape shape: [Int],
    into y: UnsafeMutablePointer<Float>
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
          reluForward(r + offset, into: y + offset, count: plane)
          continue
        }
        let xPlane = x + (n * inputChannels + source) * height * width
        for oh in 0..<outH {
          let xRow = xPlane + oh * stride * width
          let (rRow, yRow) = (r + offset + oh * outW, y + offset + oh * outW)
          for ow in 0..<outW {
            let v = rRow[ow] + xRow[ow * stride]
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
    var inputGradient = main.backward(gradient)
    gradient.data.withBase { g in
      inputGradient.data.withMutableBase { dx in
        if !hasProjection {
          add(dx, g, into: dx, count: outputGradient.count)
        } else {
          shortcutBackward(g, into: dx)
        }
      }
    }
    Scratch.current.recycle(&gradient)
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
