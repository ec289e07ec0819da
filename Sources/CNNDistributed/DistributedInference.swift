import CNN
import CSVFiles
import ClusterRun
import Files
import Foundation
import MPI
import ModelFormats

/// What `cnnswift infer` is asked to do.
public struct InferenceOptions: Sendable {
  /// `--model-file`: a `.cnn` (from `cnnswift train --save`), `.onnx` or darknet `.cfg` model file.
  public var modelPath: String
  /// `--weights`: a darknet `.weights` file for a `.cfg`; nil draws a cfg's weights from `seed`.
  public var weightsPath: String?
  /// `--seed`: the seed of a cfg's weights when no weights file is given.
  public var seed: UInt64
  /// `--data`: a folder, `synthetic:N`, a float32 `.npy` array `N × input shape` (used as given), or nil for
  /// Debian's Fashion-MNIST.
  public var data: String?
  /// Which part of the data set to classify (the test set by default).
  public var partition: Partition
  /// Images per forward pass on each rank, for the throughput (`--batch`).
  public var batch: Int
  /// `--predictions`: the CSV file rank 0 writes; nil for none.
  public var predictionsPath: String?
  /// `--outputs`: the `.npy` file of every input's output values (`N × outputs`, float32) rank 0 writes; nil for none.
  public var outputsPath: String?
  /// Single-image forward passes rank 0 times for the latency percentiles; 0 skips them.
  public var latencyImages: Int
  /// Times each rank classifies its share for the throughput (predictions come from the first).
  public var passes: Int
  /// `--model`: refuse a file of any other model; nil accepts any.
  public var expectedArchitecture: Architecture?
  /// How a time-series data set's cases become samples (`--pad-series`, `--impute-missing`, `--no-znorm`).
  public var timeSeries: TimeSeriesPreparation

  public init(
    modelPath: String, weightsPath: String? = nil, seed: UInt64 = 1, data: String? = nil, partition: Partition = .test,
    batch: Int = 256, predictionsPath: String? = nil, outputsPath: String? = nil, latencyImages: Int = 300,
    passes: Int = 1, expectedArchitecture: Architecture? = nil, timeSeries: TimeSeriesPreparation = .init()
  ) {
    (self.modelPath, self.weightsPath, self.seed) = (modelPath, weightsPath, seed)
    (self.data, self.partition, self.batch) = (data, partition, batch)
    (self.predictionsPath, self.outputsPath) = (predictionsPath, outputsPath)
    (self.latencyImages, self.passes) = (latencyImages, passes)
    (self.expectedArchitecture, self.timeSeries) = (expectedArchitecture, timeSeries)
  }

  /// Whether `--data` names a `.npy` array rather than a data set.
  public var dataIsArray: Bool { data?.hasSuffix(".npy") ?? false }
}

/// The class a model gives one input image.
public struct Prediction: Sendable, Equatable {
  /// The image's position in the data set's partition.
  public var index: Int
  /// Its label in the data set; nil for an input of a `.npy` array.
  public var label: Int?
  /// The class with the largest output.
  public var predicted: Int
  /// The softmax probability of that class, 0–1.
  public var confidence: Float

  public init(index: Int, label: Int?, predicted: Int, confidence: Float) {
    (self.index, self.label, self.predicted, self.confidence) = (index, label, predicted, confidence)
  }

  /// The header of the predictions CSV.
  public static let csvHeader = "index,label,predicted,confidence,label_name,predicted_name"

  /// `17,3,3,0.981234,,` (`17,,3,0.981234,,` without a label); with the data set's class names
  /// (`classNames[label]`, `classNames[predicted]`), `17,1,0,0.981234,Running,Standing`.
  public func csvLine(classNames: [String]? = nil) -> String {
    func name(_ index: Int?) -> String {
      guard let index, let classNames, classNames.indices.contains(index) else { return "" }
      return CSVFile.quoted(classNames[index])
    }
    return "\(index),\(label.map(String.init) ?? ""),\(predicted),\(String(format: "%.6f", confidence)),"
      + "\(name(label)),\(name(predicted))"
  }
}

/// What an inference run measured; complete on rank 0 (the other ranks get no predictions).
public struct InferenceReport: Sendable {
  /// The model file's architecture, input shape and classes.
  public var model: String
  /// Inputs run.
  public var images: Int
  /// Inputs whose predicted class is their label (0 without labels or classes).
  public var correct: Int
  /// Whether the inputs have labels and the model gives class scores, so that ``accuracy`` means something.
  public var scored: Bool
  /// Median and 99th percentile of rank 0's single-image forward passes, seconds (nil when not measured).
  public var latencyP50: Double?
  public var latencyP99: Double?
  /// Images classified per second over all ranks: every image of every pass / the slowest rank's forward time
  /// (batch assembly, scatter and gather excluded).
  public var imagesPerSecond: Double
  /// Wall time from reading the inputs to having every prediction on rank 0, seconds (the latency
  /// measurement left out).
  public var endToEndSeconds: Double
  /// In input order, on rank 0; empty for a model without class scores.
  public var predictions: [Prediction]

  /// `correct / images`, nil without images, labels or class scores.
  public var accuracy: Double? { scored && images > 0 ? Double(correct) / Double(images) : nil }
}

/// A problem with `cnnswift infer`'s input (model file, data, output file); every rank sees the same one.
public struct InferenceInputError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// Inference of a data set or an array by a model over MPI ranks.
///
/// Rank 0 reads the model file and the inputs; the model goes to every rank by broadcast and the
/// inputs (a data set's images 8-bit, as stored; an array's float32 values) by one scatter of contiguous
/// blocks of whole batches, so only rank 0 needs the files and each input's result does not depend on the
/// number of ranks. Each rank runs its block in inference mode (running statistics, no dropout) and the
/// predictions and outputs return by gather in rank order, which is input order. Any rank's problem (a
/// corrupt model file, a model of another architecture, missing data) stops every rank with one
/// message, through a collective agreement, before the next collective could leave one waiting.
public final class DistributedInference {
  public let options: InferenceOptions
  let world: Communicator
  /// Rank 0: the classes' names of the data set being classified, when its files give them (a `.ts` file's).
  var classNames: [String]?

  public init(options: InferenceOptions, communicator: Communicator = .world) {
    (self.options, self.world) = (options, communicator)
  }

  /// Runs the inference; `say` receives rank 0's progress lines, `warn` its warnings (oversubscribed nodes).
  /// Returns the report on rank 0 and nil elsewhere.
  public func run(say: (String) -> Void, warn: (String) -> Void = { _ in }) throws -> InferenceReport? {
    let isRoot = world.rank == 0
    let nodes = try NodeGroups.gather(on: world)
    if isRoot, let warning = nodes.oversubscriptionWarning { warn("cnnswift: \(warning)") }
    let (file, network) = try shareModel()
    let start = MPIEnvironment.wallTime()
    // Rank 0's whole input, dropped (`all = nil`) once scattered and timed.
    var (all, summary) = try openInputsOnRankZero(for: file, network: network)
    let count = all?.count ?? 0
    let share = try shareInputs(all)
    if isRoot {
      say(
        "cnnswift: \(file.summary) (\(network.parameterCount) parameters) from \(options.modelPath); "
          + "\(summary); \(count) \(options.dataIsArray ? "inputs" : "images") on \(world.size) rank\(world.size == 1 ? "" : "s"), batch \(options.batch)"
      )
    }
    // Latency: rank 0 alone, one input at a time, while the others wait.
    let latencyStart = MPIEnvironment.wallTime()
    let latencies = isRoot && count > 0 && options.latencyImages > 0 ? measureLatency(network, on: all!) : []
    let latencySeconds = MPIEnvironment.wallTime() - latencyStart
    let inputLabels = all?.labels
    all = nil
    try world.barrier()
    // Throughput: every rank runs its share in batches; the slowest rank's time counts.
    let classifies = file.classes != nil
    let local = run(share, with: network, classifies: classifies)
    let slowest = try world.allreduce(local.seconds, operation: .max)
    let predictions = classifies ? try gatherPredictions(local.predictions, labels: inputLabels) : []
    let outputs = options.outputsPath != nil ? try world.gatherv(local.outputs, root: 0) : nil
    let endToEnd = MPIEnvironment.wallTime() - start - latencySeconds
    var report: InferenceReport? = nil
    var problem = ""
    if isRoot, let predictions {
      let sorted = latencies.sorted()
      report = InferenceReport(
        model: file.summary, images: count, correct: predictions.count { $0.label == $0.predicted },
        scored: classifies && inputLabels != nil, latencyP50: Self.percentile(sorted, 0.50),
        latencyP99: Self.percentile(sorted, 0.99),
        imagesPerSecond: slowest > 0 ? Double(count * options.passes) / slowest : 0, endToEndSeconds: endToEnd,
        predictions: predictions)
      problem = writePredictions(predictions)
      if problem.isEmpty, let outputs { problem = writeOutputs(outputs, count: count, network: network) }
    }
    try agree(on: problem)
    return report
  }

  /// The model on every rank: rank 0 reads, checks and builds it, and keeps what it built; every other rank decodes
  /// rank 0's bytes (on a single rank none are made: they would only be another copy of the weights, 43 MiB for
  /// tiny-YOLOv2).
  private func shareModel() throws -> (ModelFile, Network) {
    var loaded: (file: ModelFile, network: Network)? = nil
    var problem = ""
    if world.rank == 0 {
      do {
        loaded = try readModel()
      } catch let error as ModelFileError {
        problem = "\(error.path == options.weightsPath ? "--weights" : "--model-file"): \(error)"
      } catch {
        problem = "\(error)"
      }
    }
    try agree(on: problem)
    if world.size == 1, let loaded { return loaded }
    var bytes = try world.broadcastArray(loaded?.file.encoded() ?? [], root: 0)
    if let loaded { return loaded }
    let file = try ModelFile(bytes: bytes, path: options.modelPath)
    bytes = []  // let go before the network is built: the file's weights are as large
    return (file, try file.build())
  }

  /// Rank 0: the model file, read and checked against `--model` (and built once), after checking that
  /// `--predictions` and `--outputs` can be written: found out now rather than after the whole run.
  private func readModel() throws -> (ModelFile, Network) {
    let file = try ModelLoader.load(path: options.modelPath, weights: options.weightsPath, seed: options.seed)
    try file.expect(architecture: options.expectedArchitecture)
    guard file.classes != nil || options.outputsPath != nil else {
      throw InferenceInputError(
        message: "--model-file \(options.modelPath): holds \(file.summary), whose output is not one score per "
          + "class: run it with --outputs FILE.npy, which keeps every output value")
    }
    if file.classes == nil, let path = options.predictionsPath {
      throw InferenceInputError(
        message: "--predictions \(path): \(file.summary) gives no class scores to predict from; use --outputs")
    }
    let network = try file.build()
    for (flag, path) in [("--predictions", options.predictionsPath), ("--outputs", options.outputsPath)] {
      if let path, let problem = OutputCheck.problemWritingFile(at: path) {
        throw InferenceInputError(message: "\(flag) \(path): \(problem)")
      }
    }
    return (file, network)
  }

  /// Every rank's predictions on rank 0, in input order, with their `labels` (nil elsewhere). Collective.
  private func gatherPredictions(_ local: [Prediction], labels: [Int]?) throws -> [Prediction]? {
    let localClasses: [Int32] = local.map { Int32($0.predicted) }
    let localConfidences: [Float] = local.map(\.confidence)
    let predicted = try world.gatherv(localClasses, root: 0)
    let confidences = try world.gatherv(localConfidences, root: 0)
    guard let predicted, let confidences else { return nil }
    return predicted.indices.map {
      Prediction(index: $0, label: labels?[$0], predicted: Int(predicted[$0]), confidence: confidences[$0])
    }
  }

  /// Rank 0: writes `--predictions`, when asked; the problem, or "".
  private func writePredictions(_ predictions: [Prediction]) -> String {
    guard let path = options.predictionsPath else { return "" }
    let lines = predictions.map { $0.csvLine(classNames: classNames) }
    let text = ([Prediction.csvHeader] + lines).joined(separator: "\n") + "\n"
    // As a model file: flushed to disk, into a folder that must exist.
    do { try AtomicFile.write(text, to: path, durable: true, createsFolder: false) } catch {
      return "--predictions: \(error)"
    }
    return ""
  }

  /// Rank 0: writes `--outputs` as a `count × values per input` array; the problem, or "".
  private func writeOutputs(_ outputs: [Float], count: Int, network: Network) -> String {
    guard let path = options.outputsPath else { return "" }
    do { try NPYArray(shape: [count, Self.outputValues(of: network)], values: outputs).write(to: path) } catch {
      return "--outputs: \(error)"
    }
    return ""
  }

  /// The values one input gives: every output of the network, flattened, one after the other.
  static func outputValues(of network: Network) -> Int {
    network.outputShapes.reduce(0) { $0 + $1.reduce(1, *) }
  }

  /// Seconds of `options.latencyImages` single-input forward passes (after a few unmeasured ones), cycling
  /// through the inputs.
  private func measureLatency(_ network: Network, on samples: InferenceSamples) -> [Double] {
    var latencies: [Double] = []
    latencies.reserveCapacity(options.latencyImages)
    var image = Tensor(shape: [1] + samples.sampleShape)
    for index in -10..<options.latencyImages {
      let position = (index + 10) % samples.count
      samples.fillBatch(position..<position + 1, images: &image)
      let start = MPIEnvironment.wallTime()
      let outputs = network.forwardOutputs(image, mode: .inference)
      _ = Self.best(outputs[0].data[...])
      if index >= 0 { latencies.append(MPIEnvironment.wallTime() - start) }
    }
    return latencies
  }

  /// What one rank's share gave: its predictions (when the model classifies), its output values (when
  /// `--outputs` asks for them) and the seconds its forward passes took.
  private struct LocalResults {
    var predictions: [Prediction] = []
    var outputs: [Float] = []
    var seconds = 0.0
  }

  /// Runs this rank's share `options.passes` times (batch assembly excluded from the time); predictions and
  /// outputs come from the first pass.
  private func run(_ share: InferenceSamples, with network: Network, classifies: Bool) -> LocalResults {
    var results = LocalResults()
    let keepsOutputs = options.outputsPath != nil
    if classifies { results.predictions.reserveCapacity(share.count) }
    if keepsOutputs { results.outputs.reserveCapacity(share.count * Self.outputValues(of: network)) }
    let labels = share.labels
    var images = Tensor(shape: [0] + share.sampleShape)
    // One unmeasured pass of one batch, so that the scratch buffers exist before timing.
    if share.count > 0 {
      share.fillBatch(0..<min(options.batch, share.count), images: &images)
      _ = network.forwardOutputs(images, mode: .inference)
    }
    for pass in 0..<options.passes {
      for start in stride(from: 0, to: share.count, by: options.batch) {
        let end = min(start + options.batch, share.count)
        share.fillBatch(start..<end, images: &images)
        let began = MPIEnvironment.wallTime()
        let outputs = network.forwardOutputs(images, mode: .inference)
        results.seconds += MPIEnvironment.wallTime() - began
        guard pass == 0 else { continue }
        for row in 0..<(end - start) {
          if classifies {
            let classes = outputs[0].sampleCount
            let (predicted, confidence) = Self.best(outputs[0].data[(row * classes)..<((row + 1) * classes)])
            results.predictions.append(
              Prediction(
                index: share.globalRange.lowerBound + start + row, label: labels?[start + row], predicted: predicted,
                confidence: confidence))
          }
          if keepsOutputs {
            for output in outputs {
              results.outputs += output.data[(row * output.sampleCount)..<((row + 1) * output.sampleCount)]
            }
          }
        }
      }
    }
    return results
  }

  /// The inputs of each rank: contiguous runs of whole batches (the batches of one rank running everything,
  /// shared out as the training shards are), so that every input goes through the same sgemm calls whatever
  /// the number of ranks, and its outputs, prediction and confidence are bit for bit the same.
  static func blocks(count: Int, batch: Int, ranks: Int) -> [Range<Int>] {
    let batches = (count + batch - 1) / batch
    return (0..<ranks).map { rank in
      let range = Dataset.shardRange(rank: rank, of: ranks, count: batches)
      return min(range.lowerBound * batch, count)..<min(range.upperBound * batch, count)
    }
  }

  /// The class with the largest logit and its softmax probability.
  static func best(_ logits: ArraySlice<Float>) -> (Int, Float) {
    guard let largest = logits.indices.max(by: { logits[$0] < logits[$1] }) else { return (0, 0) }
    let top = logits[largest]
    let denominator = logits.reduce(Float(0)) { $0 + exp($1 - top) }
    return (largest - logits.startIndex, 1 / denominator)
  }

  /// The `fraction` percentile of sorted values by the nearest-rank method; nil when there are none.
  static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
    guard !sorted.isEmpty else { return nil }
    let rank = Int((fraction * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
  }

  func agree(on problem: String) throws {
    if let problem = try world.firstProblem(problem) { throw InferenceInputError(message: problem) }
  }
}
