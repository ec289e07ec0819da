/// Darknet's `reorg` layer (YOLOv2's passthrough): a `[C, H, W]` map becomes `[C·s², H/s, W/s]`, every
/// element kept, none computed. A pure permutation, so its backward pass is the inverse permutation.
///
/// Darknet's order is not ONNX's SpaceToDepth. Read as flat arrays, output element
/// `i + W·(j + H·k)` (k < C, j < H, i < W) is input element `w₂ + W·s·(h₂ + H·s·c₂)` of the input read as
/// `[C/s², H·s, W·s]`, with `c₂ = k mod C/s²`, `o = k div C/s²`, `w₂ = i·s + o mod s`, `h₂ = j·s + o div s`
/// (darknet's `reorg_cpu` with `forward = 0`, which its `reorg` layer runs). So C must be a multiple of s², and
/// H and W of s. Weights trained by darknet expect exactly this order.
public final class Reorg: Layer {
  /// s, the side of the blocks folded into channels.
  public let stride: Int

  private var inputShape: [Int] = []
  private var output = Tensor.none
  /// Per output element of one sample, the input element it copies (made for one sample shape).
  private var sources: [Int32] = []
  private var sourcesShape: [Int] = []

  /// A reorg of `stride`² blocks.
  public init(stride: Int) {
    precondition(stride > 0, "a reorg's stride must be positive")
    self.stride = stride
  }

  public var summary: String { "reorg \(stride)" }

  /// Why samples of `shape` cannot be reorganized (nil: they can).
  public func problem(with shape: [Int]) -> String? {
    guard shape.count == 3 else { return "reorg expects [C, H, W] samples, got \(shape)" }
    let (c, h, w) = (shape[0], shape[1], shape[2])
    if c % (stride * stride) != 0 { return "reorg \(stride) needs channels divisible by \(stride * stride), got \(c)" }
    if h % stride != 0 || w % stride != 0 { return "reorg \(stride) needs a map divisible by \(stride), got \(h)×\(w)" }
    return nil
  }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    if let problem = problem(with: inputShape) { preconditionFailure(problem) }
    return [inputShape[0] * stride * stride, inputShape[1] / stride, inputShape[2] / stride]
  }

  private func prepareSources(for shape: [Int]) {
    guard shape != sourcesShape else { return }
    let (c, h, w, s) = (shape[0], shape[1], shape[2], stride)
    let blockChannels = c / (s * s)
    sources = [Int32](repeating: 0, count: c * h * w)
    for k in 0..<c {
      let (c2, offset) = (k % blockChannels, k / blockChannels)
      for j in 0..<h {
        for i in 0..<w {
          let (w2, h2) = (i * s + offset % s, j * s + offset / s)
          sources[i + w * (j + h * k)] = Int32(w2 + w * s * (h2 + h * s * c2))
        }
      }
    }
    sourcesShape = shape
  }

  public func releaseOutput() { output = .none }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    let shape = outputShape(for: x.sampleShape)
    prepareSources(for: x.sampleShape)
    inputShape = x.shape
    output.prepare(shape: [x.batch] + shape)
    let count = x.sampleCount
    x.data.withBase { xp in
      output.data.withMutableBase { y in
        sources.withUnsafeBufferPointer { source in
          for n in 0..<x.batch {
            for p in 0..<count { y[n * count + p] = xp[n * count + Int(source[p])] }
          }
        }
      }
    }
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(outputGradient.shape == output.shape, "\(summary): gradient of shape \(outputGradient.shape)")
    var inputGradient = Tensor.pooled(shape: inputShape)
    let count = outputGradient.sampleCount
    outputGradient.data.withBase { dy in
      inputGradient.data.withMutableBase { dx in
        sources.withUnsafeBufferPointer { source in
          for n in 0..<outputGradient.batch {
            for p in 0..<count { dx[n * count + Int(source[p])] = dy[n * count + p] }
          }
        }
      }
    }
    return inputGradient
  }
}
