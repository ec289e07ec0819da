import CNN
import MPI
import ModelFormats

/// The model a run trains: a preset built from the seed, or a model file rank 0 reads and shares.
extension DataParallelTrainer {
  /// With `--model-file`: the model file on every rank (rank 0 reads and checks it, every rank decodes rank 0's
  /// bytes, so only rank 0 needs the file); nil for a preset. Collective for a model file.
  func shareModelFile() throws -> ModelFile? {
    guard case .file(let path, let weights) = options.model else { return nil }
    var bytes: [UInt8] = []
    var problem = ""
    if world.rank == 0 {
      do {
        let file = try ModelLoader.load(path: path, weights: weights, seed: options.seed)
        guard file.classes != nil, file.inputShape.count == 3 else {
          throw TrainingInputError(
            message: "--model-file \(path): holds \(file.summary); `train` trains classifiers of C×H×W images, "
              + "whose output is one score per class")
        }
        _ = try file.build()
        bytes = file.encoded()
      } catch let error as ModelFileError {
        problem = "\(error.path == weights ? "--weights" : "--model-file"): \(error)"
      } catch {
        problem = "\(error)"
      }
    }
    if let problem = try world.firstProblem(problem) { throw TrainingInputError(message: problem) }
    bytes = try world.broadcastArray(bytes, root: 0)
    do { return try ModelFile(bytes: bytes, path: path) } catch {
      throw TrainingInputError(message: "--model-file: \(error)")
    }
  }

  /// The network to train, with the model file's weights or a preset's drawn from the seed, and what its files
  /// record.
  func buildModel(_ file: ModelFile?, for dataset: Dataset) throws -> (Network, TrainedModel) {
    if let file {
      do {
        let network = try file.build()
        return (network, TrainedModel(graph: file.graph, name: file.name, summary: "\(file.summary) from \(file.path)"))
      } catch { throw TrainingInputError(message: "--model-file: \(error)") }
    }
    guard case .preset(let architecture) = options.model else { preconditionFailure("a model file was not read") }
    let network = architecture.build(inputShape: dataset.sampleShape, classes: dataset.classes, seed: options.seed)
    let graph = Self.presetGraph(options.model, for: dataset)
    return (network, TrainedModel(graph: graph, name: architecture.description, summary: architecture.description))
  }

  /// The data set of `source` as the model takes it. Synthetic images take the model's own input shape (3×32×32
  /// for the ResNets, as the PyTorch baseline's random input; 1×1×150 series, GunPoint's length, for the
  /// time-series models) and classes; real 28×28 images are padded to 32×32 for a model of 32×32 inputs; a
  /// time-series set is prepared by `timeSeries`.
  static func dataset(
    _ source: DataSource, for file: ModelFile?, model: TrainingModel, timeSeries: TimeSeriesPreparation
  ) throws(DataError) -> Dataset {
    if let file {
      let shape = file.inputShape
      return try Dataset(
        source, syntheticShape: shape, classes: file.classes ?? 10, padTo32: shape[1...] == [32, 32],
        timeSeries: timeSeries)
    }
    var architecture = Architecture.lenet
    if case .preset(let preset) = model { architecture = preset }
    return try Dataset(
      source, syntheticShape: architecture.usualInputShape, padTo32: architecture.blocksPerStage != nil,
      timeSeries: timeSeries)
  }

  /// Why the images of `dataset` do not suit the model, or nil.
  static func inputProblem(of dataset: Dataset, for file: ModelFile?, model: TrainingModel) -> String? {
    guard let file else {
      guard case .preset(let architecture) = model, let problem = architecture.inputProblem(dataset.sampleShape)
      else { return nil }
      return "--model \(architecture): the images of --data \(dataset.source) are \(problem)"
    }
    if dataset.sampleShape != file.inputShape {
      return "--data \(dataset.source): its images are \(ModelFile.text(dataset.sampleShape)), but "
        + "\(file.path) holds \(file.summary): expected \(ModelFile.text(file.inputShape)) images"
    }
    if dataset.classes != file.classes {
      return "--data \(dataset.source): \(dataset.classes) classes, but \(file.path) holds \(file.summary)"
    }
    return nil
  }

  /// A preset's graph for the images and classes of `dataset`.
  static func presetGraph(_ model: TrainingModel, for dataset: Dataset) -> ModelGraph {
    guard case .preset(let architecture) = model else { preconditionFailure("not a preset: \(model)") }
    return architecture.graph(inputShape: dataset.sampleShape, classes: dataset.classes)
  }
}
