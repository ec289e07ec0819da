import CNN
import Foundation
import ModelFormats
import Testing

/// The cnnswift side of the training check in `scripts/check-onnx-interop.sh` (enabled by
/// `CNNSWIFT_ONNX_INTEROP_DIR`, whose `training` folder holds the files): trains each model PyTorch exported for training (`torch-train-*.onnx`) as
/// `scripts/reference/onnx_training.py` trains it in PyTorch (the same batches, SGD with lr 0.05 and momentum
/// 0.9, mean cross-entropy), and writes each step's loss, the trained model's outputs in inference mode, and the
/// trained model as ONNX, for the script to compare with PyTorch's.
@Suite struct ONNXTrainingFiles {
  static let steps = 3
  static let batch = 16

  @Test(.enabled(if: ONNXInteropFiles.folder != nil)) func trainPyTorchsExportsAsPyTorchDoes() throws {
    let folder = ONNXInteropFiles.folder! + "/training"
    let names = try FileManager.default.contentsOfDirectory(atPath: folder)
    for name in names.sorted() where name.hasPrefix("torch-train-") && name.hasSuffix(".onnx") {
      guard !name.hasSuffix(".trained.onnx") else { continue }
      let stem = "\(folder)/\(name.dropLast(5))"
      let file = try ModelLoader.load(path: "\(folder)/\(name)")
      let network = try file.build()
      let inputs = try ONNXInteropFiles.read(stem + ".input.f32", sampleShape: file.inputShape)
      let labels = try ONNXInteropFiles.read(stem + ".labels.f32", sampleShape: []).data.map { Int($0) }
      try #require(inputs.shape[0] == Self.steps * Self.batch && labels.count == inputs.shape[0])
      let sample = file.inputShape.reduce(1, *)
      let optimizer = SGD(momentum: 0.9, weightDecay: 0)
      var losses: [Float] = []
      for step in 0..<Self.steps {
        let window = (step * Self.batch)..<((step + 1) * Self.batch)
        let batch = Tensor(
          shape: [Self.batch] + file.inputShape,
          data: Array(inputs.data[(window.lowerBound * sample)..<(window.upperBound * sample)]))
        network.zeroGradients()
        let result = SoftmaxCrossEntropy().loss(
          logits: network.forward(batch, mode: .training), labels: Array(labels[window]))
        network.backward(result.gradient)
        optimizer.step(parameters: network.trainableParameters, learningRate: 0.05)
        losses.append(result.loss)
      }
      try ONNXInteropFiles.write(Tensor(shape: [losses.count], data: losses), stem + ".losses.cnnswift.f32")
      let tests = try ONNXInteropFiles.read(stem + ".test.f32", sampleShape: file.inputShape)
      try ONNXInteropFiles.write(network.forward(tests, mode: .inference), stem + ".eval.cnnswift.f32")
      try ONNXExporter.write(
        ModelFile(network: network, graph: file.graph, name: file.name), to: stem + ".trained.onnx")
      print("\(name): trained \(Self.steps) steps, losses \(losses.map { String(format: "%.6f", $0) })")
    }
  }
}
