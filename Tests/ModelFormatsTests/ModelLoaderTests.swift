import CNN
import Foundation
import ModelFormats
import Testing

/// The loader behind every `--model-file`: the kind of file from its extension, and what goes with which kind.
@Suite struct ModelLoaderTests {
  @Test func theKindComesFromTheExtension() {
    #expect(ModelLoader.kind(of: "models/yolov2-tiny.cfg") == .darknet)
    #expect(ModelLoader.kind(of: "/tmp/a.b/net.ONNX") == .onnx)
    #expect(ModelLoader.kind(of: "lenet.cnn") == .cnnswift)
    #expect(ModelLoader.kind(of: "saved-model") == .cnnswift)
    #expect(ModelLoader.kind(of: "dir.cfg/model") == .cnnswift)
  }

  @Test func aModelFileLoadsAndRefusesDarknetWeights() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("loader-\(getpid()).cnn").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let network = Architecture.lenet.build(inputShape: [1, 28, 28], seed: 1)
    try ModelFile.write(network: network, architecture: .lenet, to: path)
    let file = try ModelLoader.load(path: path)
    #expect(file.architecture == .lenet && file.parameters.count == network.parameters.count)
    #expect(throws: ModelFileError(path, "--weights goes with a darknet .cfg, not a .cnn model")) {
      try ModelLoader.load(path: path, weights: "yolo.weights")
    }
  }
}
