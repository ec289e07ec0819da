import SIMDKernels

/// Max pooling over square windows of each channel of NCHW images.
public final class MaxPool2D: PoolingLayer {
  /// The windows: side, stride and padding.
  public let window: PoolingWindow

  private var output = Tensor.none
  /// Where each output's maximum came from, within its input plane (for `backward`).
  private var indices: [Int32] = []
  private var inputShape: [Int] = []

  public init(window: PoolingWindow) { self.window = window }

  /// The vector kernels inference runs 2×2 windows of stride 2 and 1 on (see ``VectorUnit``); nil: the portable
  /// loop.
  var vectorKernels = VectorUnit.fastest

  public var summary: String { window.summary("maxpool") }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let g = geometry(for: x.sampleShape)
    let planes = x.batch * g.channels
    output.prepare(shape: [x.batch, g.channels, g.outputHeight, g.outputWidth])
    // Inference has no backward pass to tell where each maximum came from.
    let training = mode == .training
    if !training {
      indices = []
    } else if indices.count != output.count {
      indices = [Int32](repeating: 0, count: output.count)
    }
    x.data.withBase { xp in
      output.data.withMutableBase { yp in
        if !training, let kernels = vectorKernels, g.isTwoByTwoOfStrideTwoInside {
          kernels.maxPool2x2(
            xp, planes: planes, height: g.height, width: g.width, outputHeight: g.outputHeight,
            outputWidth: g.outputWidth, into: yp)
          return
        }
        if !training, let kernels = vectorKernels, g.isTwoByTwoOfStrideOne {
          kernels.maxPool2x2StrideOne(
            xp, planes: planes, height: g.height, width: g.width, outputHeight: g.outputHeight,
            outputWidth: g.outputWidth, into: yp)
          return
        }
        indices.withUnsafeMutableBufferPointer { index in
          maxPoolForward(xp, planes: planes, geometry: g, into: yp, indices: training ? index.baseAddress! : nil)
        }
      }
    }
    inputShape = x.shape
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(indices.count == outputGradient.count, "\(summary): backward without a training forward pass")
    return backward(outputGradient, output: output, inputShape: inputShape) { dy, dx, planes, g in
      indices.withUnsafeBufferPointer { index in
        maxPoolBackward(dy, indices: index.baseAddress!, planes: planes, geometry: g, into: dx)
      }
    }
  }
}
