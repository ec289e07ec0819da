// The engine's micro-benchmark, built by scripts/bench-cnn-layers.sh in a scratch package (release,
// with -enable-testing so that the kernels themselves can be timed). Times are the best of
// repeated runs: the machine is shared, and the minimum is what the code costs.
import BLAS
import Foundation

@testable import CNN

func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The best time of `body` over `seconds`, in seconds.
func best(_ seconds: Double, _ body: () -> Void) -> Double {
  body()
  var fastest = Double.infinity
  let start = now()
  while now() - start < seconds {
    let t = now()
    body()
    fastest = min(fastest, now() - t)
  }
  return fastest
}

func random(_ shape: [Int], seed: UInt64) -> Tensor {
  var g = SeededGenerator(seed: seed)
  return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in g.nextNormal() })
}

func leNet(_ g: inout SeededGenerator) -> Network {
  Network(
    layers: Sequential([
      Convolution2D(inputChannels: 1, outputChannels: 6, kernelSize: 5, padding: 2, generator: &g), ReLU(),
      MaxPool2D(kernelSize: 2),
      Convolution2D(inputChannels: 6, outputChannels: 16, kernelSize: 5, generator: &g), ReLU(),
      MaxPool2D(kernelSize: 2), Flatten(),
      Dense(inputs: 400, outputs: 120, generator: &g), ReLU(),
      Dense(inputs: 120, outputs: 84, generator: &g), ReLU(),
      Dense(inputs: 84, outputs: 10, generator: &g),
    ]), inputShape: [1, 28, 28])
}

func resNet(depth: Int, _ g: inout SeededGenerator) -> Network {
  var layers: [any Layer] = [
    Convolution2D(inputChannels: 3, outputChannels: 16, kernelSize: 3, padding: 1, bias: false, generator: &g),
    BatchNormalization(features: 16), ReLU(),
  ]
  var channels = 16
  for (stage, width) in [16, 32, 64].enumerated() {
    for block in 0..<(depth - 2) / 6 {
      let stride = stage > 0 && block == 0 ? 2 : 1
      layers.append(ResidualBlock(inputChannels: channels, outputChannels: width, stride: stride, generator: &g))
      channels = width
    }
  }
  layers += [GlobalAveragePool(), Dense(inputs: 64, outputs: 10, generator: &g)]
  return Network(layers: Sequential(layers), inputShape: [3, 32, 32])
}

/// Training steps (forward, loss, backward, SGD) on random data; with `breakdown`, each top-level
/// layer's forward and backward times.
func train(_ name: String, _ network: Network, batch: Int, seconds: Double, sgemm: Double, breakdown: Bool) {
  let x = random([batch] + network.inputShape, seed: 1)
  var g = SeededGenerator(seed: 2)
  let labels = (0..<batch).map { _ in Int(g.next() % 10) }
  let sgd = SGD(momentum: 0.9, weightDecay: 1e-4)
  let loss = SoftmaxCrossEntropy()
  let step = best(seconds) {
    network.zeroGradients()
    network.backward(loss.loss(logits: network.forward(x, mode: .training), labels: labels).gradient)
    sgd.step(parameters: network.parameters, learningRate: 0.01)
  }
  let gflops = Double(network.forwardFLOPs) * 3 * Double(batch) / step / 1e9
  print(
    String(
      format: "%@ batch %d training: %.2f ms/step, %.0f images/s, %.1f GFLOP/s (3 × forward), %.2f of sgemm", name,
      batch, step * 1000, Double(batch) / step, gflops, gflops / sgemm))
  guard breakdown else { return }
  let layers = network.layers.layers
  var y = x
  for layer in layers {
    let input = y
    let forward = best(seconds / 10) { y = layer.forward(input, mode: .training) }
    let gradient = random(y.shape, seed: 3)
    let backward = best(seconds / 10) {
      _ = layer.forward(input, mode: .training)
      var d = layer.backward(gradient)
      Scratch.current.recycle(&d)
    }
    print(
      String(
        format: "  %-28@ forward %7.3f ms  backward %7.3f ms", layer.summary, forward * 1000,
        (backward - forward) * 1000))
  }
}

func inference(_ name: String, _ network: Network, batch: Int) {
  let x = random([batch] + network.inputShape, seed: 3)
  let time = best(1) { _ = network.forward(x, mode: .inference) }
  print(
    String(
      format: "%@ batch %d inference: %.3f ms, %.0f images/s", name, batch, time * 1000, Double(batch) / time))
}

/// A convolution's parts: im2col, the three sgemms, col2im, in the layer's chunks.
func convolutionParts(batch: Int, channels: Int, outputs: Int, size: Int, kernel: Int, padding: Int) {
  var g = SeededGenerator(seed: 5)
  let conv = Convolution2D(
    inputChannels: channels, outputChannels: outputs, kernelSize: kernel, padding: padding, bias: false, generator: &g)
  let geometry = conv.geometry(for: [channels, size, size])
  let x = random([batch, channels, size, size], seed: 1)
  let dy = random([batch, outputs, geometry.outputHeight, geometry.outputWidth], seed: 2)
  let chunk = max(1, min(batch, conv.columnLimit / (geometry.patchSize * geometry.outputPlane)))
  let (patch, width) = (geometry.patchSize, chunk * geometry.outputPlane)
  var columns = [Float](repeating: 0, count: patch * width)
  var product = [Float](repeating: 0, count: outputs * width)
  var dx = [Float](repeating: 0, count: x.count)
  let chunks = Double(batch) / Double(chunk)
  let flops = 2 * Double(outputs * patch * width)
  func line(_ what: String, _ time: Double, flops: Double = 0) {
    let rate = flops > 0 ? String(format: "  %.1f GFLOP/s", flops / time / 1e9) : ""
    print(String(format: "  %-18@ %7.3f ms", what, time * 1000) + rate)
  }
  print(
    "conv \(channels)->\(outputs) \(kernel)x\(kernel) pad \(padding) on \(size)x\(size), batch \(batch), \(chunk) images per sgemm:"
  )
  let forward = best(1) { _ = conv.forward(x, mode: .training) }
  line("layer forward", forward, flops: flops * chunks)
  line(
    "layer backward",
    best(1) {
      _ = conv.forward(x, mode: .training)
      var d = conv.backward(dy)
      Scratch.current.recycle(&d)
    } - forward, flops: 2 * flops * chunks)
  x.data.withBase { xp in
    columns.withMutableBase { c in
      line("im2col", chunks * best(0.5) { im2col(xp, images: chunk, geometry: geometry, into: c) })
    }
  }
  columns.withMutableBase { c in
    dx.withMutableBase { d in
      line("col2im", chunks * best(0.5) { col2im(c, images: chunk, geometry: geometry, addingInto: d) })
    }
  }
  conv.weight.value.data.withBase { w in
    columns.withMutableBase { c in
      product.withMutableBase { y in
        line(
          "sgemm forward",
          chunks
            * best(0.5) {
              rowMajorGemm(
                transposeA: false, transposeB: false, m: outputs, n: width, k: patch, w, lda: patch, c, ldb: width,
                beta: 0, y, ldc: width)
            }, flops: flops * chunks)
        line(
          "sgemm dW",
          chunks
            * best(0.5) {
              rowMajorGemm(
                transposeA: false, transposeB: true, m: outputs, n: patch, k: width, y, lda: width, c, ldb: width,
                beta: 1, conv.weight.gradient.data.withMutableBase { $0 }, ldc: patch)
            }, flops: flops * chunks)
        line(
          "sgemm dcol",
          chunks
            * best(0.5) {
              rowMajorGemm(
                transposeA: true, transposeB: false, m: patch, n: width, k: outputs, w, lda: patch, y, ldb: width,
                beta: 0, c, ldc: width)
            }, flops: flops * chunks)
      }
    }
  }
}

func peakResidentMiB() -> Int {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return usage.ru_maxrss / 1024
}

let arguments = Set(CommandLine.arguments.dropFirst())
let seconds = Double(ProcessInfo.processInfo.environment["SECONDS_PER_CASE"] ?? "3") ?? 3
let breakdown = arguments.contains("--breakdown")
print("BLAS: \(BLASLibrary.loaded().summary)")
let sgemm = SgemmRate.measure()
print(String(format: "sgemm 1024x1024x1024: %.1f GFLOP/s", sgemm))
var generator = SeededGenerator(seed: 1)
if arguments.contains("--lenet") {
  let lenet = leNet(&generator)
  train("LeNet-5", lenet, batch: 64, seconds: seconds, sgemm: sgemm, breakdown: breakdown)
  inference("LeNet-5", lenet, batch: 1)
  inference("LeNet-5", lenet, batch: 256)
  if breakdown {
    convolutionParts(batch: 64, channels: 1, outputs: 6, size: 28, kernel: 5, padding: 2)
    convolutionParts(batch: 64, channels: 6, outputs: 16, size: 14, kernel: 5, padding: 0)
  }
}
if arguments.contains("--resnet") {
  train("ResNet-20", resNet(depth: 20, &generator), batch: 32, seconds: seconds, sgemm: sgemm, breakdown: breakdown)
  if breakdown {
    for (channels, size) in [(16, 32), (32, 16), (64, 8)] {
      convolutionParts(batch: 32, channels: channels, outputs: channels, size: size, kernel: 3, padding: 1)
    }
  }
}
if arguments.contains("--memory") {
  // Last, since the peak resident size only grows: the largest of the paper's configurations.
  _ = {
    let network = resNet(depth: 110, &generator)
    train("ResNet-110", network, batch: 128, seconds: 1, sgemm: sgemm, breakdown: false)
  }()
  print("peak resident memory (ResNet-110 batch 128 training): \(peakResidentMiB()) MiB")
}
