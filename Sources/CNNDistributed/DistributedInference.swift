import CNN
import CSVFiles
import ClusterRun
import Files
import Foundation
import MPI
import ModelFormats

/// What `cnnswift infer` is asked to do.
public struct InferenceOptions: Sendable {
  /// `--model-file`: a model file written by `cnnswift train --save`.
  public var modelPath: String
  /// `--data`: a folder, `synthetic:N`, or nil for Debian's Fashion-MNIST.
  public var data: String?
  /// Which part of the data set to classify (the test set by default).
  public var partition: Partition
  /// Images per forward pass on each rank, for the throughput (`--batch`).
  public var batch: Int
  /// `--predictions`: the CSV file rank 0 writes; nil for none.
  public var predictionsPath: String?
  /// Single-image forward passes rank 0 times for the latency percentiles; 0 skips them.
  public var latencyImages: Int
  /// Times each rank classifies its share for the throughput (predictions come from the first).
  public var passes: Int
  /// `--model`: refuse a file of any other model; nil accepts any.
  public var expectedArchitecture: Architecture?

  public init(
    modelPath: String, data: String? = nil, partition: Partition = .test, batch: Int = 256,
    predictionsPath: String? = nil, latencyImages: Int = 300, passes: Int = 1, expectedArchitecture: Architecture? = nil
  ) {
    (self.modelPath, self.data, self.partition, self.batch) = (modelPath, data, partition, batch)
    (self.predictionsPath, self.latencyImages, self.passes) = (predictionsPath, latencyImages, passes)
    self.expectedArchitecture = expectedArchitecture
  }
}

/// The class a model gives one input image.
public struct Prediction: Sendable, Equatable {
  /// The image's position in the data set's partition.
  public var index: Int
  /// Its label in the data set.
  public var label: Int
  /// The class with the largest output.
  public var predicted: Int
  /// The softmax probability of that class, 0–1.
  public var confidence: Float

  public init(index: Int, label: Int, predicted: Int, confidence: Float) {
    (self.index, self.label, self.predicted, self.confidence) = (index, label, predicted, confidence)
  }

  /// The header of the predictions CSV.
  public static let csvHeader = "index,label,predicted,confidence"

  /// `17,3,3,0.981234`.
  public var csvLine: String { "\(index),\(label),\(predicted),\(String(format: "%.6f", confidence))" }
}

/// What an inference run measured; complete on rank 0 (the other ranks get no predictions).
public struct InferenceReport: Sendable {
  /// The model file's architecture, input shape and classes.
  public var model: String
  /// Images classified.
  public var images: Int
  /// Images whose predicted class is their label.
  public var correct: Int
  /// Median and 99th percentile of rank 0's single-image forward passes, seconds (nil when not measured).
  public var latencyP50: Double?
  public var latencyP99: Double?
  /// Images classified per second over all ranks: every image of every pass / the slowest rank's forward time
  /// (batch assembly, scatter and gather excluded).
  public var imagesPerSecond: Double
  /// Wall time from reading the inputs to having every prediction on rank 0, seconds (the latency
  /// measurement left out).
  public var endToEndSeconds: Double
  /// In input order, on rank 0.
  public var predictions: [Prediction]

  /// `correct / images`, nil without images.
  public var accuracy: Double? { images > 0 ? Double(correct) / Double(images) : nil }
}

/// A problem with `cnnswift infer`'s input (model file, data, output file); every rank sees the same one.
public struct InferenceInputError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// Classification of a data set by a trained model over MPI ranks.
///
/// Rank 0 reads the model file and the inputs; the model goes to every rank by broadcast and the
/// images (8-bit, as stored) by one scatter of contiguous blocks of whole batches, so only rank 0
/// needs the files and each image's result does not depend on the number of ranks.
/// Each rank classifies its block in inference mode (running statistics, no dropout) and the
/// predictions return by gather in rank order, which is input order. Any rank's problem (a
/// corrupt model file, a model of another architecture, missing data) stops every rank with one
/// message, through a collective agreement, before the next collective could leave one waiting.
public final class DistributedInference {
  public let options: InferenceOptions
  let world: Communicator

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
    // Rank 0's whole partition, dropped (`all = nil`) once scattered and timed.
    var all: DataSplit?
    let summary: String
    (all, summary) = try openDataOnRankZero(for: file)
    let count = all?.count ?? 0
    let share = try shareInputs(all)
    if isRoot {
      say(
        "cnnswift: \(file.summary) (\(network.parameterCount) parameters) from \(options.modelPath); "
          + "\(summary); \(count) images on \(world.size) rank\(world.size == 1 ? "" : "s"), batch \(options.batch)")
    }
    // Latency: rank 0 alone, one image at a time, while the others wait.
    let latencyStart = MPIEnvironment.wallTime()
    let latencies = isRoot && count > 0 && options.latencyImages > 0 ? measureLatency(network, on: all!) : []
    let latencySeconds = MPIEnvironment.wallTime() - latencyStart
    let inputLabels = all?.intLabels ?? []
    all = nil
    try world.barrier()
    // Throughput: every rank classifies its share in batches; the slowest rank's time counts.
    let (local, forwardSeconds) = classify(share, with: network)
    let slowest = try world.allreduce(forwardSeconds, operation: .max)
    let predictions = try gatherPredictions(local, labels: inputLabels)
    let endToEnd = MPIEnvironment.wallTime() - start - latencySeconds
    var report: InferenceReport? = nil
    var problem = ""
    if isRoot, let predictions {
      let sorted = latencies.sorted()
      report = InferenceReport(
        model: file.summary, images: count, correct: predictions.count { $0.label == $0.predicted },
        latencyP50: Self.percentile(sorted, 0.50), latencyP99: Self.percentile(sorted, 0.99),
        imagesPerSecond: slowest > 0 ? Double(count * options.passes) / slowest : 0, endToEndSeconds: endToEnd,
        predictions: predictions)
      problem = writePredictions(predictions)
    }
    try agree(on: problem)
    return report
  }

  /// The model on every rank: rank 0 reads and checks the file, every rank decodes rank 0's bytes.
  private func shareModel() throws -> (ModelFile, Network) {
    var bytes: [UInt8] = []
    var problem = ""
    if world.rank == 0 {
      do {
        bytes = try readModel()
      } catch let error as ModelFileError {
        problem = "--model-file: \(error)"
      } catch {
        problem = "\(error)"
      }
    }
    try agree(on: problem)
    let count = try world.broadcast(bytes.count, root: 0)
    if world.rank != 0 { bytes = [UInt8](repeating: 0, count: count) }
    try world.broadcast(&bytes, root: 0)
    let file = try ModelFile(bytes: bytes, path: options.modelPath)
    return (file, try file.build())
  }

  /// Rank 0: the bytes of the model file, read and checked against `--model` (and built once), after
  /// checking that `--predictions` can be written: found out now rather than after the whole run.
  private func readModel() throws -> [UInt8] {
    let file = try ModelLoader.load(path: options.modelPath)
    try file.expect(architecture: options.expectedArchitecture)
    guard file.classes != nil else {
      throw InferenceInputError(
        message: "--model-file \(options.modelPath): holds \(file.summary); `infer` classifies, so it needs a model "
          + "whose output is one score per class")
    }
    _ = try file.build()
    if let path = options.predictionsPath, let problem = OutputCheck.problemWritingFile(at: path) {
      throw InferenceInputError(message: "--predictions \(path): \(problem)")
    }
    return file.encoded()
  }

  /// Rank 0: the inputs and their description (nil and "" elsewhere); any problem stops every rank.
  private func openDataOnRankZero(for file: ModelFile) throws -> (DataSplit?, String) {
    var opened: (DataSplit, String)? = nil
    var problem = ""
    if world.rank == 0 {
      do { opened = try openData(for: file) } catch { problem = "\(error)" }
    }
    try agree(on: problem)
    return (opened?.0, opened?.1 ?? "")
  }

  /// This rank's share of rank 0's inputs (`all`): their count, shapes and normalization by broadcast, the
  /// images (8-bit, as stored) and labels by one scatter of ``blocks(count:batch:ranks:)``.
  private func shareInputs(_ all: DataSplit?) throws -> DataSplit {
    let count = try world.broadcast(all?.count ?? 0, root: 0)
    var shapes = (all.map { $0.storedShape + $0.sampleShape } ?? [Int](repeating: 0, count: 6)).map { Int64($0) }
    try world.broadcast(&shapes, root: 0)
    let (storedShape, sampleShape) = (shapes[0..<3].map { Int($0) }, shapes[3..<6].map { Int($0) })
    var statistics = all.map { $0.normalization.mean + $0.normalization.std } ?? []
    if world.rank != 0 { statistics = [Float](repeating: 0, count: 2 * storedShape[0]) }
    try world.broadcast(&statistics, root: 0)
    let normalization = Normalization(
      mean: Array(statistics[..<storedShape[0]]), std: Array(statistics[storedShape[0]...]))
    let ranges = Self.blocks(count: count, batch: options.batch, ranks: world.size)
    let sampleBytes = storedShape.reduce(1, *)
    let pixels = try world.scatterv(all?.pixels ?? [], counts: ranges.map { $0.count * sampleBytes }, root: 0)
    let labels = try world.scatterv(all?.labels ?? [], counts: ranges.map(\.count), root: 0)
    let share = DataSplit(
      pixels: pixels, labels: labels, storedShape: storedShape, normalization: normalization,
      globalRange: ranges[world.rank])
    return sampleShape != storedShape ? share.padded(toSide: sampleShape[1]) : share
  }

  /// Every rank's predictions on rank 0, in input order, with their `labels` (nil elsewhere). Collective.
  private func gatherPredictions(_ local: [Prediction], labels: [Int]) throws -> [Prediction]? {
    let localClasses: [Int32] = local.map { Int32($0.predicted) }
    let localConfidences: [Float] = local.map(\.confidence)
    let predicted = try world.gatherv(localClasses, root: 0)
    let confidences = try world.gatherv(localConfidences, root: 0)
    guard let predicted, let confidences else { return nil }
    return predicted.indices.map {
      Prediction(index: $0, label: labels[$0], predicted: Int(predicted[$0]), confidence: confidences[$0])
    }
  }

  /// Rank 0: writes `--predictions`, when asked; the problem, or "".
  private func writePredictions(_ predictions: [Prediction]) -> String {
    guard let path = options.predictionsPath else { return "" }
    let text = ([Prediction.csvHeader] + predictions.map(\.csvLine)).joined(separator: "\n") + "\n"
    // As a model file: flushed to disk, into a folder that must exist.
    do { try AtomicFile.write(text, to: path, durable: true, createsFolder: false) } catch {
      return "--predictions: \(error)"
    }
    return ""
  }

  /// Rank 0: the partition to classify, checked against the model's input, and its description.
  private func openData(for file: ModelFile) throws -> (DataSplit, String) {
    let source = try DataSource(spec: options.data)
    let shape = file.inputShape
    // As in training: synthetic images take the model's shape, 28×28 images are padded for a 32×32 model.
    let dataset = try Dataset(
      source, syntheticShape: shape, classes: file.classes ?? 0, padTo32: shape.count == 3 && shape[1...] == [32, 32])
    guard dataset.sampleShape == shape else {
      throw InferenceInputError(
        message: "--data \(source): its images are \(ModelFile.text(dataset.sampleShape)), but "
          + "\(options.modelPath) holds \(file.summary): expected \(ModelFile.text(shape)) images")
    }
    // Rank 0 holds the whole partition before scattering it.
    let images = dataset.count(options.partition)
    if let shortage = MemoryCheck.problem(
      images * dataset.storedShape.reduce(1, *), for: "--data \(source): \(images) images", each: "on rank 0")
    {
      throw InferenceInputError(message: shortage + "; use a smaller data set")
    }
    let split = try dataset.load(options.partition)
    return (split, "\(options.partition) set of \(dataset.summary)")
  }

  /// Seconds of `options.latencyImages` single-image forward passes (after a few unmeasured ones), cycling
  /// through the images.
  private func measureLatency(_ network: Network, on split: DataSplit) -> [Double] {
    var latencies: [Double] = []
    latencies.reserveCapacity(options.latencyImages)
    var image = Tensor(shape: [1] + split.sampleShape)
    var label: [Int] = []
    for index in -10..<options.latencyImages {
      let position = (index + 10) % split.count
      split.fillBatch(position..<position + 1, images: &image, labels: &label)
      let start = MPIEnvironment.wallTime()
      let output = network.forward(image, mode: .inference)
      _ = Self.best(output.data[...])
      if index >= 0 { latencies.append(MPIEnvironment.wallTime() - start) }
    }
    return latencies
  }

  /// This rank's predictions and the seconds its forward passes took (every pass; batch assembly excluded).
  private func classify(_ share: DataSplit, with network: Network) -> ([Prediction], Double) {
    var predictions: [Prediction] = []
    predictions.reserveCapacity(share.count)
    var images = Tensor(shape: [0] + share.sampleShape)
    var labels: [Int] = []
    // One unmeasured pass of one batch, so that the scratch buffers exist before timing.
    if share.count > 0 {
      share.fillBatch(0..<min(options.batch, share.count), images: &images, labels: &labels)
      _ = network.forward(images, mode: .inference)
    }
    var seconds = 0.0
    for pass in 0..<options.passes {
      for start in stride(from: 0, to: share.count, by: options.batch) {
        let end = min(start + options.batch, share.count)
        share.fillBatch(start..<end, images: &images, labels: &labels)
        let began = MPIEnvironment.wallTime()
        let output = network.forward(images, mode: .inference)
        seconds += MPIEnvironment.wallTime() - began
        guard pass == 0 else { continue }
        let classes = output.sampleCount
        for row in 0..<(end - start) {
          let (predicted, confidence) = Self.best(output.data[(row * classes)..<((row + 1) * classes)])
          predictions.append(
            Prediction(
              index: share.globalRange.lowerBound + start + row, label: labels[row], predicted: predicted,
              confidence: confidence))
        }
      }
    }
    return (predictions, seconds)
  }

  /// The images of each rank: contiguous runs of whole batches (the batches of one rank classifying everything,
  /// shared out as the training shards are), so that every image goes through the same sgemm calls whatever
  /// the number of ranks, and its prediction and confidence are bit for bit the same.
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

  private func agree(on problem: String) throws {
    if let problem = try world.firstProblem(problem) { throw InferenceInputError(message: problem) }
  }
}
