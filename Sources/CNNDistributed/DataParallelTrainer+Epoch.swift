import CNN
import MPI

/// One epoch of a data-parallel run on this rank: its shuffles, and what its steps counted so far.
struct EpochState {
  let epoch: Int
  let rate: Float
  /// The training shard's order, and the emulated shards' (with --emulate-ranks).
  let order: [Int]
  let emulatedOrders: [[Int]]
  /// When the first step started, and when rank 0 last reported progress.
  let start: Double
  var lastProgress: Double
  /// The parameter sync's counters before the epoch.
  let averagesBefore: Int
  let averagedBefore: Int

  var lossSum = 0.0
  var correct = 0
  var computeSeconds = 0.0
  var syncSeconds = 0.0
  /// This rank's first non-finite loss; from then on it computes nothing, only joins the collectives.
  var diverged: String? = nil
  /// Steps whose gradients were averaged by the overlapped allreduces (not counted by the parameter sync).
  var overlappedSteps = 0
}

extension DataParallelTrainer {
  /// Trains `epoch`: every step (rank 0 reporting progress), then stops every rank if any rank's loss
  /// diverged, or averages the weights for `--sync epoch`. Returns what the epoch counted on this rank.
  func trainEpoch(_ epoch: Int, _ run: inout TrainingState, progress: ((EpochProgress) -> Void)?) throws -> EpochState {
    let order = run.train.epochOrder(epoch: epoch, seed: options.seed)
    let emulatedOrders = run.emulatedShards.map { $0.epochOrder(epoch: epoch, seed: options.seed) }
    let start = MPIEnvironment.wallTime()
    var state = EpochState(
      epoch: epoch, rate: run.learningRate(epoch: epoch), order: order, emulatedOrders: emulatedOrders,
      start: start, lastProgress: start, averagesBefore: run.sync.averages, averagedBefore: run.sync.averagedValues)
    for step in 0..<run.steps {
      if world.rank == 0, let progress { reportProgress(before: step, of: run.steps, &state, to: progress) }
      guard try trainStep(step, &run, &state) else { break }
    }
    if let problem = try world.firstProblem(state.diverged ?? "") { throw TrainingInputError(message: problem) }
    if options.sync == .epoch {
      let syncStart = MPIEnvironment.wallTime()
      try run.sync.averageValues(run.network.parameters)
      state.syncSeconds += MPIEnvironment.wallTime() - syncStart
    }
    return state
  }

  /// Rank 0's progress before `step` of `steps`, at most once per ``TrainingOptions/progressInterval``.
  func reportProgress(
    before step: Int, of steps: Int, _ epoch: inout EpochState, to progress: (EpochProgress) -> Void
  ) {
    guard step > 0, MPIEnvironment.wallTime() - epoch.lastProgress >= options.progressInterval else { return }
    epoch.lastProgress = MPIEnvironment.wallTime()
    progress(
      EpochProgress(
        epoch: epoch.epoch, epochs: options.epochs, step: step, steps: steps, seconds: epoch.lastProgress - epoch.start,
        imagesPerStep: options.batchPerRank * max(world.size, options.emulatedRanks ?? 1)))
  }

  /// One step: the batch's gradients (unless this rank diverged), the averaging the sync mode asks for, and
  /// the update. False when any rank's loss diverged, which ends the epoch on every rank.
  func trainStep(_ step: Int, _ run: inout TrainingState, _ epoch: inout EpochState) throws -> Bool {
    let computeStart = MPIEnvironment.wallTime()
    if epoch.diverged == nil { epoch.diverged = computeGradients(step, &run, &epoch) }
    var syncTime = 0.0
    if options.sync == .batch {
      let syncStart = MPIEnvironment.wallTime()
      let anyDiverged = try averageGradients(&run, &epoch)
      syncTime = MPIEnvironment.wallTime() - syncStart
      if anyDiverged { return false }
    }
    if epoch.diverged == nil { run.optimizer.step(parameters: run.trainable, learningRate: epoch.rate) }
    run.globalStep += 1
    if case .every(let n) = options.sync, run.globalStep % n == 0 {
      let syncStart = MPIEnvironment.wallTime()
      let anyDiverged = try run.sync.averageValues(run.network.parameters, flag: epoch.diverged != nil)
      syncTime += MPIEnvironment.wallTime() - syncStart
      if anyDiverged { return false }
    }
    epoch.syncSeconds += syncTime
    epoch.computeSeconds += MPIEnvironment.wallTime() - computeStart - syncTime
    return true
  }

  /// Forward and backward over the batch of `step` (the emulated ranks' batches together with
  /// --emulate-ranks), counted in the epoch; the message of a loss that is not finite, with nothing
  /// back-propagated, or nil.
  func computeGradients(_ step: Int, _ run: inout TrainingState, _ epoch: inout EpochState) -> String? {
    let window = (step * options.batchPerRank)..<((step + 1) * options.batchPerRank)
    if run.emulatedShards.isEmpty {
      run.train.fillBatch(epoch.order[window], images: &run.images, labels: &run.labels)
    } else {
      (run.images, run.labels) = Self.combinedBatch(run.emulatedShards, orders: epoch.emulatedOrders, window: window)
    }
    run.network.zeroGradients()
    let logits = run.network.forward(run.images, mode: .training)
    let result = run.loss.loss(logits: logits, labels: run.labels)
    guard result.loss.isFinite else { return divergence(result.loss, at: step, of: epoch.epoch, run) }
    epoch.lossSum += Double(result.loss)
    epoch.correct += result.correct
    if let overlap = run.overlap {
      overlap.begin(flag: false)
      run.network.backward(result.gradient) { overlap.layerFinished($0) }
    } else {
      run.network.backward(result.gradient)
    }
    return nil
  }

  /// `--sync batch`: every trainable gradient replaced by its mean over the ranks (overlapped with backward
  /// unless --no-overlap); whether any rank's loss diverged.
  func averageGradients(_ run: inout TrainingState, _ epoch: inout EpochState) throws -> Bool {
    guard let overlap = run.overlap else {
      return try run.sync.averageGradients(run.trainable, flag: epoch.diverged != nil)
    }
    if epoch.diverged != nil {
      overlap.begin(flag: true)
      try overlap.postAllWithoutGradients()
    }
    let anyDiverged = try overlap.finish()
    epoch.overlappedSteps += 1
    return anyDiverged
  }

  /// What stops every rank when this rank's loss became `loss` at `step` (0-based) of `epoch`.
  func divergence(_ loss: Float, at step: Int, of epoch: Int, _ run: TrainingState) -> String {
    let value = loss.isNaN ? "NaN" : "\(loss)"
    let kept = run.checkpoint.flatMap { checkpoint in
      run.lastCheckpoint.map { "; the checkpoint of epoch \($0) stays in \(checkpoint.path)" }
    }
    return "the loss became \(value) at epoch \(epoch), step \(step + 1) on rank \(world.rank); "
      + "lower --lr (now \(options.learningRate))" + (kept ?? "")
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
}
