import ArgumentParser
import CNN
import Foundation

extension CNNSwift {
  struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the models with their parameters, FLOPs per image and the memory a rank needs.",
      discussion: """
        Examples:
          cnnswift models
          cnnswift models --batch 128 --layers 20,32,56,110
        """)

    @Option(help: "The per-rank batch the memory estimate is for.") var batch = 64
    @Option(help: ArgumentHelp("ResNet depths to list (6n+2), comma-separated.", valueName: "LIST"))
    var layers = "20,32,44,56,80,110"

    func validate() throws {
      try FlagCheck.count("--batch", batch, in: 1...InputLimits.batch, of: "images per step on each rank")
      for depth in layers.split(separator: ",") {
        guard let value = Int(depth) else {
          throw ValidationError("--layers: '\(depth)' is not 6n+2 (8, 14, 20, 26, 32, …)")
        }
        do { _ = try Architecture(name: "resnet", layers: value) } catch { throw ValidationError(error.message) }
      }
    }

    func run() throws {
      let models: [(Architecture, [Int])] =
        [(.lenet, [1, 28, 28]), (.mlp, [1, 28, 28])]
        + layers.split(separator: ",").map { (.resnet(layers: Int($0)!), [3, 32, 32]) }
      print(ModelCatalog.table(models, batch: batch))
    }
  }
}
