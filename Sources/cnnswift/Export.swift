import ArgumentParser
import CNN
import Foundation
import ModelFormats

extension CNNSwift {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a model as ONNX (for onnxruntime and other tools), as a .cnn file, or as darknet weights.",
      discussion: """
        Reads the model as --model-file reads it everywhere (a .cnn model file, an .onnx model, a darknet \
        .cfg with its --weights) or takes a built-in model with weights drawn from --seed, and writes it \
        to --onnx as an ONNX model of operator set 13: the input `input` of shape [N, C, H, W] (N \
        symbolic), one output per model output, the weights as initializers named as the model file \
        names them. Every cnnswift layer is exported, and `--model-file out.onnx` reads the file back \
        to the same graph. --cnn writes the model as a cnnswift model file (every weight bit for bit, \
        so .cnn → ONNX → .cnn gives the same weights), and --darknet-weights writes a .cfg model's \
        weights as a darknet .weights file (version 0.2.0, 64-bit seen of 0), the cfg's weights in cfg \
        order, which darknet itself reads: with seeded weights, the same random model for both. Give \
        one or more of --onnx, --cnn and --darknet-weights. Files are written atomically; their \
        folders must exist.

        Examples:
          cnnswift export --model-file lenet.cnn --onnx lenet.onnx
          cnnswift export --model resnet20 --seed 1 --onnx resnet20.onnx
          cnnswift export --model lenet --input 3x32x32 --classes 100 \\
            --onnx lenet-cifar100.onnx
          cnnswift export --model-file lenet.onnx --cnn lenet.cnn
          cnnswift export --model-file yolov2-tiny.cfg --seed 3 \\
            --darknet-weights yolov2-tiny-seed3.weights
        """)

    @Option(help: ArgumentHelp("The model to export: a .cnn, .onnx or darknet .cfg file.", valueName: "FILE"))
    var modelFile: String?
    @Option(help: ArgumentHelp("With a darknet .cfg: its .weights file (default: seeded weights).", valueName: "FILE"))
    var weights: String?
    @Option(help: ArgumentHelp("A built-in model to export instead: lenet, mlp, resnet20, …", valueName: "NAME"))
    var model: String?
    @Option(
      help: ArgumentHelp(
        "With --model: the input shape, CxHxW (default 1x28x28, a ResNet's 3x32x32).", valueName: "SHAPE"))
    var input: String?
    @Option(help: "With --model: the classes (its last layer's outputs).") var classes = 10
    @Option(help: "With --model (or a .cfg without --weights): the seed of the weights.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("The ONNX file to write.", valueName: "FILE")) var onnx: String?
    @Option(help: ArgumentHelp("The cnnswift model file to write.", valueName: "FILE")) var cnn: String?
    @Option(help: ArgumentHelp("With a darknet .cfg: the .weights file to write.", valueName: "FILE"))
    var darknetWeights: String?

    func validate() throws {
      guard (modelFile == nil) != (model == nil) else {
        throw ValidationError("give one of --model-file FILE and --model NAME")
      }
      if model == nil, input != nil || classes != 10 {
        throw ValidationError("--input and --classes go with --model")
      }
      guard onnx != nil || cnn != nil || darknetWeights != nil else {
        throw ValidationError("give the file to write: --onnx FILE, --cnn FILE or --darknet-weights FILE")
      }
      if darknetWeights != nil, ModelLoader.kind(of: modelFile ?? "") != .darknet {
        throw ValidationError("--darknet-weights goes with --model-file NET.cfg, a darknet model")
      }
      if let input { _ = try FlagCheck.shape("--input", input) }
      try FlagCheck.count("--classes", classes, in: 2...InputLimits.classes, of: "classes of a classifier")
    }

    func run() throws {
      do {
        let file = try loadModel()
        if let onnx {
          try ONNXExporter.write(file, to: onnx)
          print("wrote \(onnx)")
        }
        if let cnn {
          try file.write(to: cnn)
          print("wrote \(cnn)")
        }
        if let darknetWeights, let modelFile {
          try DarknetWeights.write(file, config: modelFile, to: darknetWeights)
          print("wrote \(darknetWeights)")
        }
      } catch let error as ModelFileError {
        FileHandle.standardError.write(Data("cnnswift: export: \(error)\n".utf8))
        throw ExitCode.failure
      }
    }

    /// The model file named, or the built-in model with weights from --seed.
    private func loadModel() throws -> ModelFile {
      if let modelFile { return try ModelLoader.load(path: modelFile, weights: weights, seed: seed) }
      guard Architecture.preset(named: model!) != nil else {
        throw ValidationError("--model \(model!): not a built-in model (lenet, mlp, resnet20, …); use --model-file")
      }
      let shape = try input.map { try FlagCheck.shape("--input", $0) }
      let described = try ModelLoader.graph(describing: model!, inputShape: shape, classes: classes)
      let network = try described.graph.build(seed: seed)
      return ModelFile(network: network, graph: described.graph, name: described.name)
    }
  }
}
