import ArgumentParser
import CNN
import Foundation
import ModelFormats

extension CNNSwift {
  struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the built-in models, or describe one model layer by layer.",
      discussion: """
        Without --describe: the built-in models with their parameters, FLOPs per image and the memory a rank \
        needs. With --describe: one model's layer table (each node's layer, the values it reads, output \
        shape, parameters, forward FLOPs and output memory at --batch), its totals and the memory it needs \
        to infer and to train. The model is a built-in one (lenet, mlp, resnet20, …) or a model file.

        Examples:
          cnnswift models
          cnnswift models --batch 128 --layers 20,32,56,110
          cnnswift models --describe lenet
          cnnswift models --describe resnet20 --input 3x32x32 --classes 100 --batch 128
        """)

    @Option(help: "The per-rank batch the memory figures are for.") var batch = 64
    @Option(help: ArgumentHelp("ResNet depths to list (6n+2), comma-separated.", valueName: "LIST"))
    var layers = "20,32,44,56,80,110"
    @Option(
      help: ArgumentHelp(
        "Describe one model: a built-in one (lenet, mlp, resnet20, …) or a model file (.cnn).",
        valueName: "FILE|PRESET"))
    var describe: String?
    @Option(
      help: ArgumentHelp(
        "The input shape to describe the model for, CxHxW or F (default: the model's own; a built-in model's "
          + "is 1x28x28, a ResNet's 3x32x32).", valueName: "SHAPE"))
    var input: String?
    @Option(help: "The classes of a built-in model described (its last layer's outputs).") var classes = 10

    func validate() throws {
      try FlagCheck.count("--batch", batch, in: 1...InputLimits.batch, of: "images per step on each rank")
      if describe == nil {
        for flag in [("--input", input != nil), ("--classes", classes != 10)] where flag.1 {
          throw ValidationError("\(flag.0) applies to --describe only")
        }
      }
      if let input { _ = try FlagCheck.shape("--input", input) }
      try FlagCheck.count("--classes", classes, in: 2...InputLimits.classes, of: "classes of a classifier")
      for depth in layers.split(separator: ",") {
        guard let value = Int(depth) else {
          throw ValidationError("--layers: '\(depth)' is not 6n+2 (8, 14, 20, 26, 32, …)")
        }
        do { _ = try Architecture(name: "resnet", layers: value) } catch { throw ValidationError(error.message) }
      }
    }

    func run() throws {
      guard let describe else {
        let models: [(Architecture, [Int])] =
          ([.lenet, .mlp] + layers.split(separator: ",").map { .resnet(layers: Int($0)!) } + [.fcn, .resnet1d]).map {
            ($0, $0.usualInputShape)
          }
        print(ModelCatalog.table(models, batch: batch))
        return
      }
      let shape = try input.map { try FlagCheck.shape("--input", $0) }
      do {
        let model = try ModelLoader.graph(describing: describe, inputShape: shape, classes: classes)
        let description = try ModelCatalog.describe(
          name: model.name, graph: model.graph, path: describe, inputShape: shape, batch: batch)
        print(description.lines.joined(separator: "\n"))
      } catch {
        FileHandle.standardError.write(Data("cnnswift: --describe: \(error)\n".utf8))
        throw ExitCode.failure
      }
    }
  }
}
