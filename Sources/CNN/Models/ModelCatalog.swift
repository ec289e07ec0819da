import Foundation

/// The table `cnnswift models` prints.
public enum ModelCatalog {
  /// One line per model: parameters, forward FLOPs per image, and the memory a rank needs at `batch`.
  public static func table(_ models: [(Architecture, [Int])], batch: Int) -> String {
    var lines = [
      "model      input      parameters  MFLOPs/image (forward)  memory per rank at batch \(batch)"
    ]
    for (architecture, shape) in models {
      let network = architecture.build(inputShape: shape, seed: 1)
      let estimate = MemoryEstimate(network: network, batch: batch)
      lines.append(
        architecture.description.padding(toLength: 11, withPad: " ", startingAt: 0)
          + shape.map(String.init).joined(separator: "×").padding(toLength: 11, withPad: " ", startingAt: 0)
          + String(
            format: "%10d  %22.2f  %8.0f MiB", network.parameterCount, Double(network.forwardFLOPs) / 1e6,
            Double(estimate.totalBytes) / 1_048_576))
    }
    lines.append(
      "memory: weights, gradients and momentum (12 bytes per parameter), every layer's output and its gradient for the "
        + "batch, and about 60 MiB of runtime, BLAS and MPI")
    return lines.joined(separator: "\n")
  }

  /// The description of the model `name` described by `graph` at `batch` (the graph is built, with seeded
  /// weights, to measure each layer); `path` names the model in errors, `inputShape` the `--input` it was given.
  public static func describe(name: String, graph: ModelGraph, path: String, inputShape: [Int]?, batch: Int)
    throws(ModelFileError) -> ModelDescription
  {
    let network: Network
    do {
      network = try graph.build(seed: 0)
    } catch {
      throw ModelFileError(
        path, inputShape.map { "for --input \(ModelFile.text($0)): \(error)" } ?? "its graph does not check: \(error)")
    }
    let title = ModelFile.summary(name: name, inputShape: graph.inputShape, outputShape: network.outputShape)
    return ModelDescription(network: network, graph: graph, title: title, batch: batch)
  }
}
