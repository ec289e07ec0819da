import CNN
import Foundation
import ModelFormats
import Testing

/// The cnnswift side of `scripts/check-onnx-interop.sh`, which sets `CNNSWIFT_ONNX_INTEROP_DIR` (the test is
/// skipped otherwise): writes cnnswift's models as ONNX with their inputs and outputs for onnxruntime to check,
/// and runs the ONNX models PyTorch exported there through the importer. Files are raw little-endian float32.
@Suite struct ONNXInteropFiles {
  static let folder = ProcessInfo.processInfo.environment["CNNSWIFT_ONNX_INTEROP_DIR"]

  static func write(_ tensor: Tensor, _ path: String) throws {
    var bytes = Data(capacity: 4 * tensor.count)
    for value in tensor.data { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    try bytes.write(to: URL(fileURLWithPath: path))
  }

  static func read(_ path: String, sampleShape: [Int]) throws -> Tensor {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let values = bytes.withUnsafeBytes { raw in
      (0..<bytes.count / 4).map {
        Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
      }
    }
    let sample = sampleShape.reduce(1, *)
    try #require(values.count % sample == 0 && !values.isEmpty, "\(path): \(values.count) values")
    return Tensor(shape: [values.count / sample] + sampleShape, data: values)
  }

  @Test(.enabled(if: folder != nil)) func writeCNNSwiftModelsAndRunPyTorchOnes() throws {
    let folder = Self.folder!
    let models = [
      ("lenet", Architecture.lenet.graph(inputShape: [1, 28, 28])),
      ("resnet8", Architecture.resnet(layers: 8).graph(inputShape: [3, 32, 32])),
      ("branching", ONNXRoundTripTests.branchingGraph()),
      ("fcn", Architecture.fcn.graph(inputShape: [1, 1, 30], classes: 3)),
      ("resnet1d", Architecture.resnet1d.graph(inputShape: [2, 1, 20], classes: 4)),
    ]
    for (name, graph) in models {
      let stem = "\(folder)/cnnswift-\(name)"
      let network = try ONNXRoundTripTests.network(graph, seed: 3)
      let file = ModelFile(network: network, graph: graph, name: name)
      try file.write(to: stem + ".cnn")
      try ONNXExporter.write(file, to: stem + ".onnx")
      let x = Tensor(
        shape: [4] + graph.inputShape, data: ONNXBuilder.values(4 * graph.inputShape.reduce(1, *), seed: 5))
      try Self.write(x, stem + ".input.f32")
      for (index, output) in network.forwardOutputs(x, mode: .inference).enumerated() {
        try Self.write(output, stem + ".out\(index).cnnswift.f32")
      }
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: folder)
    for name in names.sorted() where name.hasPrefix("torch-") && name.hasSuffix(".onnx") {
      let stem = "\(folder)/\(name.dropLast(5))"
      let file = try ModelLoader.load(path: "\(folder)/\(name)")
      let x = try Self.read(stem + ".input.f32", sampleShape: file.inputShape)
      let outputs = try file.build().forwardOutputs(x, mode: .inference)
      for (index, output) in outputs.enumerated() { try Self.write(output, stem + ".out\(index).cnnswift.f32") }
      let layers = file.graph.nodes.map { "\($0.layer)".prefix { $0 != "(" } }
      print("\(name): imported as \(layers.joined(separator: ", "))")
    }
  }
}
