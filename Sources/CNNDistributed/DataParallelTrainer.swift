import BLAS
import CNN
import CSVFiles
import ClusterRun
import Files
import Foundation
import MPI
import SuiteCore

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
    var run = try prepare(say: say, warn: warn)
    try resume(&run, say: say)
    for epoch in stride(from: run.firstEpoch, through: options.epochs, by: 1) {
      if !run.writeProblem.isEmpty { run.writeProblem += "; training was stopped so that no more results are lost" }
      try agree(on: run.writeProblem)
      let state = try trainEpoch(epoch, &run, progress: progress)
      try endEpoch(state, &run, say: say)
    }
    try finish(&run, say: say)
  }

  /// Builds what the run needs once, every rank in the same order: the data, the model with rank 0's
  /// weights, the memory and output checks, the steps per epoch, the nodes, the run's id and
  /// telemetry; rank 0 says the run's first line. Any rank's problem stops all of them with its message.
  func prepare(say: (String) -> Void, warn: (String) -> Void) throws -> TrainingState {
    let file = try shareModelFile()
    let (dataset, train, test) = try openDataOnEveryRank(for: file)
    let inputShape = dataset.sampleShape
    let (network, model) = try buildModel(file, for: dataset)
    var sync = ParameterSync(communicator: world)
    try sync.broadcastValues(network.parameters)
    try checkMemory(of: network, model: model)
    // Output folders are checked before training, not found missing after hours of it.
    try agree(on: world.rank == 0 ? Self.prepareOutputs(options) : "")
    let emulatedShards = try emulatedShards(of: dataset)
    let steps = try stepsPerEpoch(train: train, emulatedShards: emulatedShards)
    let context = try beginRun()
    if world.rank == 0, let warning = context.nodes.oversubscriptionWarning { warn("cnnswift: \(warning)") }
    try startTelemetry(context)
    if world.rank == 0 {
      say(
        "cnnswift: \(model.summary) on \(dataset.summary); \(world.size) rank\(world.size == 1 ? "" : "s"), "
          + "batch \(options.batchPerRank) per rank = global batch \(options.batchPerRank * world.size), "
          + "sync \(options.sync), \(steps) steps per epoch; \(network.parameterCount) parameters; run \(context.runID)"
      )
    }
    let overlap =
      options.sync == .batch && world.size > 1 && options.overlapCommunication
      ? OverlappedGradientAverage(network: network, communicator: world) : nil
    return TrainingState(
      dataset: dataset, train: train, test: test, emulatedShards: emulatedShards, steps: steps, model: model,
      network: network,
      trainable: network.trainableParameters,
      optimizer: options.optimizer.make(momentum: options.momentum, weightDecay: options.weightDecay),
      schedule: StepSchedule(initialRate: options.learningRate, gamma: 0.1, milestones: options.milestones),
      plateau: options.plateau.map { PlateauSchedule(initialRate: options.learningRate, settings: $0) },
      sync: sync, overlap: overlap, context: context,
      checkpoint: options.checkpointPath.map { TrainingCheckpoint(world: world, path: $0) },
      checkpointOptions: options.checkpointOptions(ranks: world.size),
      images: Tensor(shape: [options.batchPerRank] + inputShape),
      labels: [Int](repeating: 0, count: options.batchPerRank))
  }

  /// ``openData(for:)`` on every rank; any rank's failure stops all of them with its message.
  func openDataOnEveryRank(for file: ModelFile?) throws -> (Dataset, DataSplit, DataSplit?) {
    var opened: (Dataset, DataSplit, DataSplit?)? = nil
    var problem = ""
    do { opened = try openData(for: file) } catch { problem = "\(error)" }
    try agree(on: problem)
    return opened!
  }

  /// Stops every rank when any rank lacks the memory to train `network` at `--batch`.
  func checkMemory(of network: Network, model: TrainedModel) throws {
    let estimate = MemoryEstimate(
      network: network, batch: options.batchPerRank, optimizerStateValues: options.optimizer.stateValuesPerValue)
    let shortage = MemoryCheck.problem(
      estimate.totalBytes, for: "--batch \(options.batchPerRank): \(model.name)", each: "per rank")
    try agree(on: shortage.map { $0 + "; use a smaller batch or fewer ranks per node" } ?? "")
  }

  /// With --emulate-ranks K, the K shards a K-rank run would have, all on this single rank; none otherwise.
  func emulatedShards(of dataset: Dataset) throws -> [DataSplit] {
    guard let k = options.emulatedRanks else { return [] }
    var problem = ""
    if world.size != 1 { problem = "--emulate-ranks runs on one rank (mpiexec -n 1), not \(world.size)" }
    if k > dataset.count(.train) { problem = "--emulate-ranks \(k): more ranks than training images" }
    try agree(on: problem)
    var shards: [DataSplit] = []
    do { shards = try (0..<k).map { rank throws(DataError) in try dataset.shard(rank: rank, of: k) } } catch {
      problem = "\(error)"
    }
    try agree(on: problem)
    return shards
  }

  /// The steps every rank takes per epoch: as many whole batches as the smallest shard holds, at most
  /// `--steps`. Collective.
  func stepsPerEpoch(train: DataSplit, emulatedShards: [DataSplit]) throws -> Int {
    let shardCounts = emulatedShards.isEmpty ? [train.count] : emulatedShards.map(\.count)
    let stepsAvailable = try world.allreduce(shardCounts.min()! / options.batchPerRank, operation: .min)
    let steps = min(stepsAvailable, options.stepsPerEpoch ?? Int.max)
    guard steps >= 1 else {
      throw TrainingInputError(
        message: "--batch \(options.batchPerRank): larger than a rank's shard (\(train.count) images)")
    }
    return steps
  }

  /// With --resume and a checkpoint in place: every rank's state restored from it, and the epoch and
  /// step the run continues from.
  func resume(_ run: inout TrainingState, say: (String) -> Void) throws {
    guard options.resume, let checkpoint = run.checkpoint,
      let resumed = try checkpoint.restore(
        network: run.network, optimizer: run.optimizer, model: run.model, options: run.checkpointOptions,
        learningRate: options.learningRate, say: say)
    else { return }
    guard resumed.steps == resumed.epoch * run.steps else {
      throw TrainingInputError(
        message: "--resume: \(checkpoint.path): \(resumed.steps) steps after \(resumed.epoch) epochs, but this run "
          + "takes \(run.steps) steps per epoch")
    }
    (run.firstEpoch, run.globalStep, run.lastCheckpoint) = (resumed.epoch + 1, resumed.steps, resumed.epoch)
    run.optimizer.steps = resumed.steps
    if let progress = resumed.plateau { run.plateau?.progress = progress }
    if world.rank == 0 {
      say(
        "cnnswift: resuming after epoch \(resumed.epoch) from \(checkpoint.path)"
          + (run.firstEpoch > options.epochs ? " (--epochs \(options.epochs): nothing left to train)" : ""))
    }
  }

  /// Ends `epoch` on every rank: its checkpoint, after the last epoch the averaging that ends training,
  /// the ranks' totals and the test accuracy; rank 0 appends the results row and says the epoch's line.
  func endEpoch(_ epoch: EpochState, _ run: inout TrainingState, say: (String) -> Void) throws {
    if run.plateau != nil {
      // Before the checkpoint, which keeps where the schedule is after this epoch.
      let loss = try world.allreduce(epoch.lossSum, operation: .sum) / Double(run.steps * world.size)
      run.plateau?.observe(loss: loss)
    }
    let checkpointSeconds = try saveCheckpoint(after: epoch.epoch, &run)
    var syncSeconds = epoch.syncSeconds
    if epoch.epoch == options.epochs { syncSeconds += try finishSync(&run) }
    let epochSeconds = try world.allreduce(
      MPIEnvironment.wallTime() - epoch.start - checkpointSeconds, operation: .max)
    var totals = [epoch.lossSum, Double(epoch.correct), epoch.computeSeconds, syncSeconds]
    try world.allreduce(&totals, operation: .sum)
    let syncs = run.sync.averages - epoch.averagesBefore + epoch.overlappedSteps
    let syncedValues =
      run.sync.averagedValues - epoch.averagedBefore + epoch.overlappedSteps * (run.overlap?.valuesPerStep ?? 0)
    let peakRSS = try run.context.peakResidentBytes()
    let testsThisEpoch = epoch.epoch % options.testEvery == 0 || epoch.epoch == options.epochs
    let testAccuracy = try testsThisEpoch ? run.test.map { try evaluate(run.network, on: $0) } : nil
    try run.context.flushTelemetry()
    guard world.rank == 0 else { return }
    let images = Double(run.steps * options.batchPerRank * world.size)
    let (ranks, nodes) = (world.size, run.context.nodes)
    let record = TrainingRecord(
      timestamp: Timestamp.milliseconds(Date()), runID: run.context.runID, job: options.jobName,
      model: options.model.name, layers: options.model.layers,
      data: (try? DataSource(spec: options.data).description) ?? "default", ranks: ranks, hosts: nodes.hosts,
      batchPerRank: options.batchPerRank, sync: options.sync.description, epoch: epoch.epoch,
      learningRate: Double(epoch.rate), trainLoss: totals[0] / Double(run.steps * ranks),
      trainAccuracy: totals[1] / images, testAccuracy: testAccuracy, epochSeconds: epochSeconds,
      computeSeconds: totals[2] / Double(ranks), syncSeconds: totals[3] / Double(ranks),
      imagesPerSecond: images / epochSeconds, syncs: syncs,
      syncBytesPerRank: Self.allreduceTraffic(values: syncedValues, ranks: ranks), peakRSSBytes: peakRSS,
      blas: run.context.blas, ranksPerNode: nodes.hosts.map { nodes.ranks[$0]?.count ?? 0 },
      coresPerNode: nodes.hosts.map { nodes.cores[$0] ?? 0 })
    do { try record.append(to: options.resultsPath) } catch { run.writeProblem = "--results: \(error)" }
    say(Self.epochLine(record, epochs: options.epochs))
  }

  /// `epoch 2/5: loss 0.4123, train accuracy 0.8512, test accuracy 0.8634, 12.3 s (…), 4870 images/s`.
  static func epochLine(_ record: TrainingRecord, epochs: Int) -> String {
    String(
      format:
        "epoch %d/%d: loss %.4f, train accuracy %.4f, test accuracy %@, %.1f s (compute %.1f s, sync %.1f s), %.0f images/s",
      record.epoch, epochs, record.trainLoss, record.trainAccuracy,
      record.testAccuracy.map { String(format: "%.4f", $0) } ?? "-", record.epochSeconds, record.computeSeconds,
      record.syncSeconds, record.imagesPerSecond)
  }

  /// The checkpoint after `epoch`, when checkpoints are on: the state the next epoch starts from, before
  /// training's final average. Returns the seconds it took, which the epoch's time leaves out.
  func saveCheckpoint(after epoch: Int, _ run: inout TrainingState) throws -> Double {
    let start = MPIEnvironment.wallTime()
    try run.checkpoint?.save(
      network: run.network, optimizer: run.optimizer, model: run.model, epoch: epoch,
      steps: run.globalStep, plateau: run.plateau?.progress, options: run.checkpointOptions)
    let seconds = MPIEnvironment.wallTime() - start
    if run.checkpoint != nil { run.lastCheckpoint = epoch }
    return seconds
  }

  /// Every mode ends with one model: averages what periodic averaging left apart. Returns the seconds it took.
  func finishSync(_ run: inout TrainingState) throws -> Double {
    let start = MPIEnvironment.wallTime()
    switch options.sync {
    case .end: try run.sync.averageValues(run.network.parameters)
    case .every(let n) where run.globalStep % n != 0: try run.sync.averageValues(run.network.parameters)
    case .batch:
      // The weights agree at every step, but each rank's batch-norm running statistics follow its
      // own batches: average them so the ranks end with one model (DDP would keep rank 0's).
      let statistics = run.network.parameters.filter { !$0.isTrainable }
      if !statistics.isEmpty { try run.sync.averageValues(statistics) }
    default: break
    }
    return MPIEnvironment.wallTime() - start
  }

  /// After the last epoch: one model on every rank, checked; the saved model; the end of the telemetry; then
  /// the problems of the last results row and of the telemetry folder stop every rank.
  func finish(_ run: inout TrainingState, say: (String) -> Void) throws {
    // A run resumed with nothing left to train still ends with one model.
    if run.firstEpoch > options.epochs { _ = try finishSync(&run) }
    let divergence = try run.sync.maximumDivergence(run.network.parameters)
    if world.rank == 0 && world.size > 1 {
      say(
        divergence == 0
          ? "cnnswift: the \(world.size) ranks hold identical weights"
          : "cnnswift: the ranks' weights differ by up to \(divergence)")
    }
    try saveModel(run.network, model: run.model, say: say)
    let telemetryProblem = try finishTelemetry(run.context, say: say)
    // The last epoch's row: reported after the model is saved, which it must not cost.
    try agree(on: run.writeProblem)
    try agree(on: telemetryProblem)
  }

  /// Rank 0 writes the model to `--save`, when asked; its failure stops every rank.
  func saveModel(_ network: Network, model: TrainedModel, say: (String) -> Void) throws {
    guard let savePath = options.savePath else { return }
    var problem = ""
    if world.rank == 0 {
      do {
        try model.file(of: network).write(to: savePath)
        say("cnnswift: saved the model to \(savePath)")
      } catch {
        problem = "--save: \(error)"
      }
    }
    try agree(on: problem)
  }

  /// The run's id (`--run-id`, or one rank 0 makes) and where its ranks are. Collective.
  func beginRun() throws -> RunContext {
    do {
      return try RunContext.begin(program: "cnnswift", runIDPrefix: "cnn", runID: options.runID, on: world)
    } catch let error as RunContextError {
      throw TrainingInputError(message: error.message)
    }
  }

  /// Starts the run's telemetry when `--telemetry` asks for it (collective); flushed after every epoch,
  /// ended by ``finishTelemetry(_:say:)``.
  func startTelemetry(_ context: RunContext) throws {
    guard let interval = options.telemetryInterval else { return }
    do {
      try context.startTelemetry(interval: interval, folder: context.runFolder(besideResultsFile: options.resultsPath))
    } catch let error as TelemetryWriteError {
      throw TrainingInputError(message: "--\(error)")
    }
  }

  /// Ends the telemetry (rank 0 says its notes); on rank 0 the problem of an incomplete run folder, else "".
  func finishTelemetry(_ context: RunContext, say: (String) -> Void) throws -> String {
    let notes = try context.finish()
    if world.rank == 0 {
      for note in notes { say("cnnswift: telemetry: \(note)") }
    }
    let failed = world.rank == 0 && !context.telemetryWriteFailures.isEmpty
    return failed ? "--telemetry: the run folder is incomplete (see above)" : ""
  }

  /// Opens the data set and loads this rank's shard of the training set and share of the test set, once the
  /// sizes are known to work: enough images for every rank, images the model (a preset, or `file`) takes, a shard
  /// that holds a batch, and the memory on this node for the images and the model's parameters (checked before
  /// either is allocated).
  func openData(for file: ModelFile?) throws -> (Dataset, DataSplit, DataSplit?) {
    let source = try DataSource(spec: options.data)
    let dataset = try Self.dataset(source, for: file, model: options.model, timeSeries: options.timeSeries)
    let total = dataset.count(.train)
    guard total >= world.size else {
      throw TrainingInputError(
        message: "--data \(source): \(total) training images for \(world.size) ranks; use fewer ranks")
    }
    if let problem = Self.inputProblem(of: dataset, for: file, model: options.model) {
      throw TrainingInputError(message: problem)
    }
    let shard = Dataset.shardRange(rank: world.rank, of: world.size, count: total).count
    if options.emulatedRanks == nil && options.batchPerRank > total / world.size {
      throw TrainingInputError(
        message: "--batch \(options.batchPerRank): larger than a rank's shard (\(total / world.size) images)")
    }
    let tests = Dataset.shardRange(rank: world.rank, of: world.size, count: dataset.count(.test)).count
    let graph = try file?.graph ?? Self.presetGraph(options.model, for: dataset)
    let parameters = try graph.shapes().totalParameterValues
    let bytes =
      (shard + tests) * dataset.storedShape.reduce(1, *) * dataset.storedBytesPerValue
      + MemoryEstimate.bytesPerParameter(optimizerStateValues: options.optimizer.stateValuesPerValue) * parameters
    if let shortage = MemoryCheck.problem(
      bytes, for: "--data \(source): \(shard) training and \(tests) test images and \(options.model.shortName)",
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
    let batch = Self.evaluationBatch(for: network)
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

  /// Test samples per forward pass: 256, fewer when one sample's largest layer output is large, so that no
  /// output exceeds 2²³ values (32 MiB): a long series (ACSF1's 1,460 values × 256 channels) would otherwise
  /// make the evaluation, not the training, what sets the run's peak memory.
  static func evaluationBatch(for network: Network) -> Int {
    let largest = network.layerInfo.map { $0.outputShape.reduce(1, *) }.max() ?? 1
    return max(1, min(256, (1 << 23) / max(1, largest)))
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
}
