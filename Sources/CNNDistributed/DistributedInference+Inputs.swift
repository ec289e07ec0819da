import CNN
import Files
import Foundation
import MPI
import ModelFormats

/// Reading the inputs on rank 0 and scattering them to the ranks.
extension DistributedInference {
  /// Rank 0: the inputs and their description (nil and "" elsewhere); any problem stops every rank.
  func openInputsOnRankZero(for file: ModelFile, network: Network) throws -> (InferenceSamples?, String) {
    var opened: (InferenceSamples, String)? = nil
    var problem = ""
    if world.rank == 0 {
      do {
        opened = options.dataIsArray ? try openArray(for: file) : try openData(for: file)
        try checkOutputsFit(count: opened!.0.count, network: network)
      } catch { problem = "\(error)" }
    }
    try agree(on: problem)
    return (opened?.0, opened?.1 ?? "")
  }

  /// This rank's share of rank 0's inputs (`all`), by one scatter of ``blocks(count:batch:ranks:)``: a data set's
  /// images (8-bit, as stored) with their labels, shapes and normalization, or an array's values.
  func shareInputs(_ all: InferenceSamples?) throws -> InferenceSamples {
    let isArray = try world.broadcast(options.dataIsArray ? 1 : 0, root: 0) == 1
    guard isArray else {
      var split: DataSplit? = nil
      if case .images(let images) = all { split = images }
      return .images(try shareImages(split))
    }
    let count = try world.broadcast(all?.count ?? 0, root: 0)
    let sampleShape = try world.broadcastArray((all?.sampleShape ?? []).map { Int64($0) }, root: 0).map { Int($0) }
    let ranges = Self.blocks(count: count, batch: options.batch, ranks: world.size)
    let size = sampleShape.reduce(1, *)
    var values: [Float] = []
    if case .values(let held, _, _) = all { values = held }
    let share = try world.scatterv(values, counts: ranges.map { $0.count * size }, root: 0)
    return .values(share, sampleShape: sampleShape, globalRange: ranges[world.rank])
  }

  /// A data set's images: count, shapes and normalization by broadcast, images and labels by scatter.
  private func shareImages(_ all: DataSplit?) throws -> DataSplit {
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
    let sampleSize = storedShape.reduce(1, *)
    let labels = try world.scatterv(all?.labels ?? [], counts: ranges.map(\.count), root: 0)
    // A time series' values go as they are.
    if try world.broadcast(all?.values == nil ? 0 : 1, root: 0) == 1 {
      let values = try world.scatterv(all?.values ?? [], counts: ranges.map { $0.count * sampleSize }, root: 0)
      return DataSplit(values: values, labels: labels, shape: storedShape, globalRange: ranges[world.rank])
    }
    let pixels = try world.scatterv(all?.pixels ?? [], counts: ranges.map { $0.count * sampleSize }, root: 0)
    let share = DataSplit(
      pixels: pixels, labels: labels, storedShape: storedShape, normalization: normalization,
      globalRange: ranges[world.rank])
    return sampleShape != storedShape ? share.padded(toSide: sampleShape[1]) : share
  }

  /// Rank 0: the partition to classify, checked against the model's input, and its description.
  private func openData(for file: ModelFile) throws -> (InferenceSamples, String) {
    let source = try DataSource(spec: options.data)
    let shape = file.inputShape
    // As in training: synthetic images take the model's shape, 28×28 images are padded for a 32×32 model.
    let dataset = try Dataset(
      source, syntheticShape: shape, classes: file.classes ?? 10,
      padTo32: shape.count == 3 && shape[1...] == [32, 32], timeSeries: options.timeSeries)
    guard dataset.sampleShape == shape else {
      throw InferenceInputError(
        message: "--data \(source): its images are \(ModelFile.text(dataset.sampleShape)), but "
          + "\(options.modelPath) holds \(file.summary): expected \(ModelFile.text(shape)) images")
    }
    // Rank 0 holds the whole partition before scattering it.
    let images = dataset.count(options.partition)
    if let shortage = MemoryCheck.problem(
      images * dataset.storedShape.reduce(1, *) * dataset.storedBytesPerValue,
      for: "--data \(source): \(images) images", each: "on rank 0")
    {
      throw InferenceInputError(message: shortage + "; use a smaller data set")
    }
    let split = try dataset.load(options.partition)
    classNames = dataset.classNames
    return (.images(split), "\(options.partition) set of \(dataset.summary)")
  }

  /// Rank 0: the `.npy` array of `--data`, its shape checked against the model's input (`N × input shape`).
  private func openArray(for file: ModelFile) throws -> (InferenceSamples, String) {
    let path = options.data!
    // Refused before reading when the file alone would not fit (the array needs its size once more).
    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int,
      let shortage = MemoryCheck.problem(size, for: "--data \(path)", each: "on rank 0")
    {
      throw InferenceInputError(message: shortage)
    }
    let array: NPYArray
    do { array = try NPYArray.read(path: path) } catch { throw InferenceInputError(message: "--data \(error)") }
    let shape = file.inputShape
    guard array.shape.count == shape.count + 1, Array(array.shape.dropFirst()) == shape else {
      throw InferenceInputError(
        message: "--data \(path): an array of shape \(ModelFile.text(array.shape)), but \(options.modelPath) holds "
          + "\(file.summary): expected N×\(ModelFile.text(shape)) (N inputs of the model's input shape)")
    }
    return (
      .values(array.values, sampleShape: shape, globalRange: 0..<array.shape[0]),
      "\(array.shape[0]) inputs of \(path), used as given (no normalization)"
    )
  }

  /// Rank 0: refuses `--outputs` for more inputs than this node can hold the outputs of.
  private func checkOutputsFit(count: Int, network: Network) throws {
    guard options.outputsPath != nil else { return }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: Self.outputValues(of: network) * 4)
    if let shortage = MemoryCheck.problem(
      overflow ? Int.max : bytes, for: "--outputs for \(count) inputs", each: "on rank 0")
    {
      throw InferenceInputError(message: shortage + "; use fewer inputs")
    }
  }
}
