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

  /// The description of `model` (a preset's name such as `resnet20`, else a model file's path) for samples of
  /// `inputShape` (nil: the model's own; a preset's default) at `batch`. A preset gets `classes` outputs.
  public static func describe(_ model: String, inputShape: [Int]?, classes: Int, batch: Int) throws(ModelFileError)
    -> ModelDescription
  {
    var name = model
    var graph: ModelGraph
    if let architecture = Architecture.preset(named: model) {
      let shape = inputShape ?? (architecture.layers == nil ? [1, 28, 28] : [3, 32, 32])
      if let problem = architecture.inputProblem(shape) { throw ModelFileError(model, "--input \(problem)") }
      graph = architecture.graph(inputShape: shape, classes: classes)
    } else {
      let file = try ModelFile.read(path: model)
      (name, graph) = (file.name, file.graph)
      if let inputShape { graph.inputShape = inputShape }
    }
    let network: Network
    do {
      network = try graph.build(seed: 0)
    } catch {
      throw ModelFileError(
        model,
        inputShape == nil
          ? "its graph does not check: \(error)" : "for --input \(ModelFile.text(inputShape!)): \(error)")
    }
    let title = ModelFile.summary(name: name, inputShape: graph.inputShape, outputShape: network.outputShape)
    return ModelDescription(network: network, graph: graph, title: title, batch: batch)
  }
}
