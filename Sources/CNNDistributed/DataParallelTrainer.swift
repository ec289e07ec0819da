import BLAS
import CNN
import CSVFiles
import ClusterRun
import Files
import Foundation
import MPI
import SuiteCore
import Telemetry

/// Data-parallel training over MPI: every rank holds the whole model and its own shard of the
/// training set; the sync mode decides when the copies agree (see ``SyncMode``).
///
/// Rank 0 draws the initial weights and broadcasts them. Every rank takes the same number of steps
/// per epoch (the smallest shard decides), so the collectives of `--sync batch` always match.
/// Each epoch ends with the test accuracy over the whole test set (each rank evaluates its part),
/// one row of results/train.csv and a line on standard output (rank 0).
///
/// With a checkpoint folder, every epoch ends with a checkpoint of every rank's state (see
/// ``TrainingCheckpoint``), taken before the averaging that ends training; `--resume` restores it
/// and continues with the next epoch, whose shuffle `epochOrder(epoch:seed:)` reproduces, so the
/// weights are those of an uninterrupted run. A loss that stops being finite on any rank stops
/// every rank at the same step (the flag rides in the next collective), before the epoch's
/// checkpoint, so the last good one stays.
public final class DataParallelTrainer {
  public let options: TrainingOptions
  let world: Communicator

  public init(options: TrainingOptions, communicator: Communicator = .world) {
    (self.options, self.world) = (options, communicator)
  }

  /// Runs the training; `say` receives rank 0's lines for standard output (one per epoch, and
  /// the run's start and end), `warn` rank 0's warnings (oversubscribed nodes), and `progress`
  /// rank 0's progress inside an epoch, at most once per ``TrainingOptions/progressInterval``
  /// (nil: none). Throws ``TrainingInputError`` (the same on every rank) for bad input.
  public func run(
    say: (String) -> Void, warn: (String) -> Void = { _ in }, progress: ((EpochProgress) -> Void)? = nil
  ) throws {
    let isRoot = world.rank == 0
    // Open the data on every rank; any rank's failure stops all of them with its message.
    var opened: (dataset: Dataset, train: DataSplit, test: DataSplit?)? = nil
    var problem = ""
    do { opened = try openData() } catch { problem = "\(error)" }
    try agree(on: problem)
    let (dataset, train, test) = opened!

    let inputShape = dataset.sampleShape
    let network = options.architecture.build(inputShape: inputShape, classes: dataset.classes, seed: options.seed)
    var sync = ParameterSync(communicator: world)
    try sync.broadcastValues(network.parameters)
    let estimate = MemoryEstimate(network: network, batch: options.batchPerRank)
    if let shortage = MemoryCheck.problem(
      estimate.totalBytes, for: "--batch \(options.batchPerRank): \(options.architecture)", each: "per rank")
    {
      problem = shortage + "; use a smaller batch or fewer ranks per node"
    }
    try agree(on: problem)
    // Output folders are checked before training, not found missing after hours of it.
    if isRoot { problem = Self.prepareOutputs(options) }
    try agree(on: problem)

    // With --emulate-ranks K, this single rank holds the K shards a K-rank run would have.
    var emulatedShards: [DataSplit] = []
    if let k = options.emulatedRanks {
      if world.size != 1 { problem = "--emulate-ranks runs on one rank (mpiexec -n 1), not \(world.size)" }
      if k > dataset.count(.train) { problem = "--emulate-ranks \(k): more ranks than training images" }
      try agree(on: problem)
      do { emulatedShards = try (0..<k).map { rank throws(DataError) in try dataset.shard(rank: rank, of: k) } } catch {
        problem = "\(error)"
      }
      try agree(on: problem)
    }
    let shardCounts = emulatedShards.isEmpty ? [train.count] : emulatedShards.map(\.count)
    let stepsAvailable = try world.allreduce(shardCounts.min()! / options.batchPerRank, operation: .min)
    let steps = min(stepsAvailable, options.stepsPerEpoch ?? Int.max)
    guard steps >= 1 else {
      throw TrainingInputError(
        message: "--batch \(options.batchPerRank): larger than a rank's shard (\(train.count) images)")
    }
    let context = try beginRun()
    let (nodes, runID, blas) = (context.nodes, context.runID, context.blas)
    if isRoot, let warning = nodes.oversubscriptionWarning { warn("cnnswift: \(warning)") }
    try startTelemetry(context)
    let telemetry = context.telemetry
    if isRoot {
      say(
        "cnnswift: \(options.architecture) on \(dataset.summary); \(world.size) rank\(world.size == 1 ? "" : "s"), "
          + "batch \(options.batchPerRank) per rank = global batch \(options.batchPerRank * world.size), "
          + "sync \(options.sync), \(steps) steps per epoch; \(network.parameterCount) parameters; run \(runID)")
    }

    let optimizer = SGD(momentum: options.momentum, weightDecay: options.weightDecay)
    let checkpoint = options.checkpointPath.map { TrainingCheckpoint(world: world, path: $0) }
    let checkpointOptions = options.checkpointOptions(ranks: world.size)
    var globalStep = 0
    var firstEpoch = 1
    /// The epoch of the checkpoint in place, for the message of a diverging loss.
    var lastCheckpoint: Int? = nil
    if options.resume, let checkpoint,
      let resumed = try checkpoint.restore(
        network: network, optimizer: optimizer, architecture: options.architecture, options: checkpointOptions,
        say: say)
    {
      guard resumed.steps == resumed.epoch * steps else {
        throw TrainingInputError(
          message: "--resume: \(checkpoint.path): \(resumed.steps) steps after \(resumed.epoch) epochs, but this run "
            + "takes \(steps) steps per epoch")
      }
      (firstEpoch, globalStep, lastCheckpoint) = (resumed.epoch + 1, resumed.steps, resumed.epoch)
      if isRoot {
        say(
          "cnnswift: resuming after epoch \(resumed.epoch) from \(checkpoint.path)"
            + (firstEpoch > options.epochs ? " (--epochs \(options.epochs): nothing left to train)" : ""))
      }
    }

    let schedule = StepSchedule(initialRate: options.learningRate, gamma: 0.1, milestones: options.milestones)
    let loss = SoftmaxCrossEntropy()
    var images = Tensor(shape: [options.batchPerRank] + inputShape)
    var labels = [Int](repeating: 0, count: options.batchPerRank)
    let trainable = network.trainableParameters
    // With --sync batch the gradients of each finished layer travel while earlier layers still
    // back-propagate (see OverlappedGradientAverage); --no-overlap averages them after backward.
    let overlap =
      options.sync == .batch && world.size > 1 && options.overlapCommunication
      ? OverlappedGradientAverage(network: network, communicator: world) : nil
    /// Every mode ends with one model: average what periodic averaging left apart. Returns the seconds it took.
    func finishSync() throws -> Double {
      let start = MPIEnvironment.wallTime()
      switch options.sync {
      case .end: try sync.averageValues(network.parameters)
      case .every(let n) where globalStep % n != 0: try sync.averageValues(network.parameters)
      case .batch:
        // The weights agree at every step, but each rank's batch-norm running statistics follow its
        // own batches: average them so the ranks end with one model (DDP would keep rank 0's).
        let statistics = network.parameters.filter { !$0.isTrainable }
        if !statistics.isEmpty { try sync.averageValues(statistics) }
      default: break
      }
      return MPIEnvironment.wallTime() - start
    }
    // Rank 0's failure to append an epoch's row, agreed by every rank before the next epoch.
    var writeProblem = ""
    for epoch in stride(from: firstEpoch, through: options.epochs, by: 1) {
      if !writeProblem.isEmpty { writeProblem += "; training was stopped so that no more results are lost" }
      try agree(on: writeProblem)
      // Milestones count epochs done (StepSchedule counts from 0): `--milestones 2` decays from the third epoch.
      let rate = schedule.learningRate(epoch: epoch - 1)
      let order = train.epochOrder(epoch: epoch, seed: options.seed)
      let emulatedOrders = emulatedShards.map { $0.epochOrder(epoch: epoch, seed: options.seed) }
      var lossSum = 0.0
      var correct = 0
      var computeSeconds = 0.0
      var syncSeconds = 0.0
      /// This rank's first non-finite loss; from then on it computes nothing, only joins the collectives.
      var diverged: String? = nil
      let (averagesBefore, averagedBefore) = (sync.averages, sync.averagedValues)
      var overlappedSteps = 0
      let epochStart = MPIEnvironment.wallTime()
      var lastProgress = epochStart
      for step in 0..<steps {
        if isRoot, let progress, step > 0, MPIEnvironment.wallTime() - lastProgress >= options.progressInterval {
          lastProgress = MPIEnvironment.wallTime()
          progress(
            EpochProgress(
              epoch: epoch, epochs: options.epochs, step: step, steps: steps, seconds: lastProgress - epochStart,
              imagesPerStep: options.batchPerRank * max(world.size, options.emulatedRanks ?? 1)))
        }
        let computeStart = MPIEnvironment.wallTime()
        if diverged == nil {
          let window = (step * options.batchPerRank)..<((step + 1) * options.batchPerRank)
          if emulatedShards.isEmpty {
            train.fillBatch(order[window], images: &images, labels: &labels)
          } else {
            (images, labels) = Self.combinedBatch(emulatedShards, orders: emulatedOrders, window: window)
          }
          network.zeroGradients()
          let logits = network.forward(images, mode: .training)
          let result = loss.loss(logits: logits, labels: labels)
          if result.loss.isFinite {
            lossSum += Double(result.loss)
            correct += result.correct
            if let overlap {
              overlap.begin(flag: false)
              network.backward(result.gradient) { overlap.layerFinished($0) }
            } else {
              network.backward(result.gradient)
            }
          } else {
            let value = result.loss.isNaN ? "NaN" : "\(result.loss)"
            diverged =
              "the loss became \(value) at epoch \(epoch), step \(step + 1) on rank \(world.rank); "
              + "lower --lr (now \(options.learningRate))"
              + (checkpoint.flatMap { checkpoint in
                lastCheckpoint.map { "; the checkpoint of epoch \($0) stays in \(checkpoint.path)" }
              } ?? "")
          }
        }
        var syncTime = 0.0
        if options.sync == .batch {
          let syncStart = MPIEnvironment.wallTime()
          let anyDiverged: Bool
          if let overlap {
            if diverged != nil {
              overlap.begin(flag: true)
              try overlap.postAllWithoutGradients()
            }
            anyDiverged = try overlap.finish()
            overlappedSteps += 1
          } else {
            anyDiverged = try sync.averageGradients(trainable, flag: diverged != nil)
          }
          syncTime = MPIEnvironment.wallTime() - syncStart
          if anyDiverged { break }
        }
        if diverged == nil { optimizer.step(parameters: trainable, learningRate: rate) }
        globalStep += 1
        if case .every(let n) = options.sync, globalStep % n == 0 {
          let syncStart = MPIEnvironment.wallTime()
          let anyDiverged = try sync.averageValues(network.parameters, flag: diverged != nil)
          syncTime += MPIEnvironment.wallTime() - syncStart
          if anyDiverged { break }
        }
        syncSeconds += syncTime
        computeSeconds += MPIEnvironment.wallTime() - computeStart - syncTime
      }
      if let problem = try world.firstProblem(diverged ?? "") { throw TrainingInputError(message: problem) }
      if options.sync == .epoch {
        let syncStart = MPIEnvironment.wallTime()
        try sync.averageValues(network.parameters)
        syncSeconds += MPIEnvironment.wallTime() - syncStart
      }
      // The checkpoint is the state the next epoch starts from, before training's final average;
      // its time is left out of the epoch's.
      let checkpointStart = MPIEnvironment.wallTime()
      try checkpoint?.save(
        network: network, optimizer: optimizer, architecture: options.architecture, epoch: epoch, steps: globalStep,
        options: checkpointOptions)
      let checkpointSeconds = MPIEnvironment.wallTime() - checkpointStart
      if checkpoint != nil { lastCheckpoint = epoch }
      if epoch == options.epochs { syncSeconds += try finishSync() }
      let epochSeconds = try world.allreduce(
        MPIEnvironment.wallTime() - epochStart - checkpointSeconds, operation: .max)
      var totals = [lossSum, Double(correct), computeSeconds, syncSeconds]
      try world.allreduce(&totals, operation: .sum)
      let syncs = sync.averages - averagesBefore + overlappedSteps
      let syncedValues = sync.averagedValues - averagedBefore + overlappedSteps * (overlap?.valuesPerStep ?? 0)
      let peakRSS = try context.peakResidentBytes()
      let testAccuracy = try test.map { try evaluate(network, on: $0) }
      try telemetry?.flush()
      guard isRoot else { continue }
      let images = Double(steps * options.batchPerRank * world.size)
      let record = TrainingRecord(
        timestamp: Timestamp.milliseconds(Date()), runID: runID, job: options.jobName,
        model: options.architecture.name, layers: options.architecture.layers,
        data: (try? DataSource(spec: options.data).description) ?? "default", ranks: world.size,
        hosts: nodes.hosts, batchPerRank: options.batchPerRank, sync: options.sync.description, epoch: epoch,
        learningRate: Double(rate), trainLoss: totals[0] / Double(steps * world.size),
        trainAccuracy: totals[1] / images,
        testAccuracy: testAccuracy, epochSeconds: epochSeconds, computeSeconds: totals[2] / Double(world.size),
        syncSeconds: totals[3] / Double(world.size), imagesPerSecond: images / epochSeconds, syncs: syncs,
        syncBytesPerRank: Self.allreduceTraffic(values: syncedValues, ranks: world.size), peakRSSBytes: peakRSS,
        blas: blas, ranksPerNode: nodes.hosts.map { nodes.ranks[$0]?.count ?? 0 },
        coresPerNode: nodes.hosts.map { nodes.cores[$0] ?? 0 })
      do { try record.append(to: options.resultsPath) } catch { writeProblem = "--results: \(error)" }
      say(
        String(
          format:
            "epoch %d/%d: loss %.4f, train accuracy %.4f, test accuracy %@, %.1f s (compute %.1f s, sync %.1f s), %.0f images/s",
          epoch, options.epochs, record.trainLoss, record.trainAccuracy,
          testAccuracy.map { String(format: "%.4f", $0) } ?? "-", epochSeconds, record.computeSeconds,
          record.syncSeconds, record.imagesPerSecond))
    }
    // A run resumed with nothing left to train still ends with one model.
    if firstEpoch > options.epochs { _ = try finishSync() }
    let divergence = try sync.maximumDivergence(network.parameters)
    if isRoot && world.size > 1 {
      say(
        divergence == 0
          ? "cnnswift: the \(world.size) ranks hold identical weights"
          : "cnnswift: the ranks' weights differ by up to \(divergence)")
    }
    if let savePath = options.savePath {
      var problem = ""
      if isRoot {
        do {
          try ModelFile.write(network: network, architecture: options.architecture, to: savePath)
          say("cnnswift: saved the model to \(savePath)")
        } catch {
          problem = "--save: \(error)"
        }
      }
      try agree(on: problem)
    }
    if let notes = try telemetry?.finish(), isRoot {
      for note in notes { say("cnnswift: telemetry: \(note)") }
    }
    // The last epoch's row: reported after the model is saved, which it must not cost.
    try agree(on: writeProblem)
    let telemetryFailed = isRoot && !(telemetry?.writeFailures.isEmpty ?? true)
    try agree(on: telemetryFailed ? "--telemetry: the run folder is incomplete (see above)" : "")
  }

  /// Opens the data set and loads this rank's shard of the training set and share of the test set, once the
  /// sizes are known to work: enough images for every rank, images the model takes, a shard that holds a
  /// batch, and the memory on this node for the images and the model's parameters (checked before either is
  /// allocated).
  func openData() throws -> (Dataset, DataSplit, DataSplit?) {
    let source = try DataSource(spec: options.data)
    // Synthetic images take the model's own input shape (3×32×32 for the ResNets, as the
    // PyTorch baseline's random input); real 28×28 images are padded to 32×32 for them.
    let isResNet = options.architecture.blocksPerStage != nil
    let dataset = try Dataset(source, syntheticShape: isResNet ? [3, 32, 32] : [1, 28, 28], padTo32: isResNet)
    let total = dataset.count(.train)
    guard total >= world.size else {
      throw TrainingInputError(
        message: "--data \(source): \(total) training images for \(world.size) ranks; use fewer ranks")
    }
    if let problem = options.architecture.inputProblem(dataset.sampleShape) {
      throw TrainingInputError(
        message: "--model \(options.architecture): the images of --data \(source) are \(problem)")
    }
    let shard = Dataset.shardRange(rank: world.rank, of: world.size, count: total).count
    if options.emulatedRanks == nil && options.batchPerRank > total / world.size {
      throw TrainingInputError(
        message: "--batch \(options.batchPerRank): larger than a rank's shard (\(total / world.size) images)")
    }
    let tests = Dataset.shardRange(rank: world.rank, of: world.size, count: dataset.count(.test)).count
    let parameters = options.architecture.parameterCount(inputShape: dataset.sampleShape, classes: dataset.classes)
    let bytes = (shard + tests) * dataset.storedShape.reduce(1, *) + MemoryEstimate.bytesPerParameter * parameters
    if let shortage = MemoryCheck.problem(
      bytes, for: "--data \(source): \(shard) training and \(tests) test images and \(options.architecture)",
      each: "on rank \(world.rank)")
    {
      throw TrainingInputError(message: shortage + "; use fewer images or more nodes")
    }
    let train = try dataset.shard(rank: world.rank, of: world.size)
    let test = dataset.count(.test) > 0 ? try dataset.load(.test, rank: world.rank, of: world.size) : nil
    return (dataset, train, test)
  }

  /// The fraction of the test set the network classifies right; each rank evaluates its part.
  func evaluate(_ network: Network, on test: DataSplit) throws -> Double {
    var correct = 0
    let batch = 256
    var start = 0
    let loss = SoftmaxCrossEntropy()
    while start < test.count {
      let end = min(start + batch, test.count)
      let (images, labels) = test.batch(start..<end)
      correct += loss.loss(logits: network.forward(images, mode: .inference), labels: labels).correct
      start = end
    }
    var totals = [Double(correct), Double(test.count)]
    try world.allreduce(&totals, operation: .sum)
    return totals[1] > 0 ? totals[0] / totals[1] : 0
  }

  /// The K shards' batches for `window` of their orders, one after the other: what K ranks would
  /// see at one step, as one batch.
  static func combinedBatch(_ shards: [DataSplit], orders: [[Int]], window: Range<Int>) -> (Tensor, [Int]) {
    var data: [Float] = []
    var labels: [Int] = []
    var shape: [Int] = []
    for (shard, order) in zip(shards, orders) {
      let (images, shardLabels) = shard.batch(order[window])
      data += images.data
      labels += shardLabels
      shape = images.shape
    }
    shape[0] = labels.count
    return (Tensor(shape: shape, data: data), labels)
  }

  /// Throws the first rank's problem on every rank when any rank has one.
  func agree(on problem: String) throws {
    if let problem = try world.firstProblem(problem) { throw TrainingInputError(message: problem) }
  }

  /// Rank 0: makes sure the results file exists with this version's header (a link, folder, FIFO
  /// or device is refused), creates the checkpoint folder and checks that the folder of `--save`
  /// exists; the problem, or "".
  static func prepareOutputs(_ options: TrainingOptions) -> String {
    do { try TrainingRecord.prepare(options.resultsPath) } catch { return "--results: \(error)" }
    if let folder = options.checkpointDirectory, let problem = OutputCheck.problemWritingFolder(folder) {
      return "--checkpoint-dir \(folder): \(problem)"
    }
    if let path = options.savePath, let problem = OutputCheck.problemWritingFile(at: path) {
      return "--save \(path): \(problem)"
    }
    return ""
  }

  /// The bytes one rank sends (and receives) to average `values` floats over `ranks` ranks with a
  /// bandwidth-optimal allreduce (reduce-scatter then allgather, or a ring): 2(K−1)/K of them.
  static func allreduceTraffic(values: Int, ranks: Int) -> Int {
    guard ranks > 1 else { return 0 }
    return values * MemoryLayout<Float>.size * 2 * (ranks - 1) / ranks
  }

  /// The run's id and where its ranks are. Collective.
  func beginRun() throws -> RunContext {
    do {
      return try RunContext.begin(program: "cnnswift", runIDPrefix: "cnn", runID: options.runID, on: world)
    } catch let error as RunContextError {
      throw TrainingInputError(message: error.message)
    }
  }

  /// Starts the run's telemetry when `--telemetry` asked for it. Collective.
  func startTelemetry(_ context: RunContext) throws {
    guard let interval = options.telemetryInterval else { return }
    do {
      try context.startTelemetry(interval: interval, beside: options.resultsPath)
    } catch let error as TelemetryWriteError {
      throw TrainingInputError(message: "--\(error)")
    }
  }
}
