import CNN
import MPI

#if canImport(Glibc)
  import Glibc
#endif

/// Saving and restoring a data-parallel run's state at the end of an epoch: the collective side of
/// ``CheckpointFile``.
///
/// A checkpoint holds *every* rank's state, whatever the sync mode: under `--sync every:N` and `end`
/// the ranks' weights and velocities really differ between averages, and even under `--sync batch`
/// each rank's batch-normalization running statistics follow its own batches. Keeping them all
/// is what lets a resumed run reach bit for bit the weights of a run never stopped, in every mode;
/// the checkpoint is taken before the averaging that ends training, so a run extended with a
/// larger `--epochs` continues as if it had been asked for those epochs from the start. Ranks
/// whose state is bit-identical to rank 0's (the usual case under `batch` and `epoch`) are stored
/// as a reference, so the file stays one model's size there.
///
/// Rank 0 alone reads and writes the file (the folder need only exist on its node); the other
/// ranks' states travel to it one at a time, so it never holds more than two.
struct TrainingCheckpoint {
  let world: Communicator
  let path: String

  /// Writes the checkpoint of every rank's state after `epoch` (`steps` optimizer steps per rank), with
  /// where the plateau schedule is (the same on every rank). Collective; a failure to write stops every rank
  /// with rank 0's message.
  func save(
    network: Network, optimizer: any Optimizer, model: TrainedModel, epoch: Int, steps: Int,
    plateau: PlateauSchedule.Progress?, options: [String: String]
  ) throws {
    let state = CheckpointFile.state(of: network, optimizer: optimizer)
    var reference = state
    try world.broadcast(&reference, root: 0)
    // Bit patterns, not ==: a NaN must not count as different from itself, nor −0 as equal to 0.
    let same = state.withUnsafeBytes { mine in reference.withUnsafeBytes { mine.elementsEqual($0) } }
    let shared = try world.allgather(Int32(same ? 1 : 0))
    reference = []
    var problem = ""
    if world.rank == 0 {
      var received = Set<Int>()
      let optimizerCount = CheckpointFile.optimizerStateCount(of: network, optimizer: optimizer)
      do {
        try CheckpointFile.write(
          to: path, model: model.file(of: network), epoch: epoch, steps: steps, ranks: world.size,
          options: options, plateau: plateau, optimizerState: Array(state[(state.count - optimizerCount)...])
        ) { rank in
          guard shared[rank] == 0 else { return nil }
          received.insert(rank)
          return try receiveState(from: rank, count: state.count)
        }
      } catch {
        problem = "cannot write the checkpoint: \(error)"
      }
      // A write that failed part way still owes the remaining ranks their receive.
      for rank in 1..<world.size where shared[rank] == 0 && !received.contains(rank) {
        _ = try receiveState(from: rank, count: state.count)
      }
    } else if !same {
      try world.send(state, to: 0, tag: Self.tag)
    }
    if let problem = try world.firstProblem(problem) { throw TrainingInputError(message: problem) }
  }

  /// Restores every rank's state from the checkpoint, after rank 0 checked it against this run
  /// (`options`, the network's parameters); returns the epochs and steps completed and where the plateau
  /// schedule was (at `learningRate`, this run's `--lr`, when it differs from the checkpoint's), or nil when
  /// there is no checkpoint yet. Collective; a refused checkpoint stops every rank with rank 0's message, naming
  /// the option or shape that differs.
  func restore(
    network: Network, optimizer: any Optimizer, model: TrainedModel, options: [String: String],
    learningRate: Float, say: (String) -> Void
  ) throws -> (epoch: Int, steps: Int, plateau: PlateauSchedule.Progress?)? {
    var checkpoint: CheckpointFile? = nil
    var problem = ""
    if world.rank == 0 {
      do {
        checkpoint = try check(network: network, optimizer: optimizer, model: model, options: options, say: say)
      } catch {
        problem = "--resume: \(error)"
      }
    }
    if let problem = try world.firstProblem(problem) { throw TrainingInputError(message: problem) }
    var header = [Int64(checkpoint == nil ? 0 : 1), Int64(checkpoint?.epoch ?? 0), Int64(checkpoint?.steps ?? 0)]
    try world.broadcast(&header, root: 0)
    guard header[0] == 1 else { return nil }
    var plateau = checkpoint?.plateau
    // A new --lr is what the run continues with (the note said so); the plateau keeps its best loss.
    if checkpoint?.options["lr"] != options["lr"] { plateau?.rate = learningRate }
    plateau = try broadcastPlateau(plateau)
    var own = [Int32](repeating: 0, count: world.size)
    if let checkpoint { own = (0..<world.size).map { checkpoint.sharesRankZeroState($0) ? 0 : 1 } }
    try world.broadcast(&own, root: 0)
    var state =
      checkpoint?.state(ofRank: 0)
      ?? [Float](repeating: 0, count: CheckpointFile.stateCount(of: network, optimizer: optimizer))
    try world.broadcast(&state, root: 0)
    if world.rank == 0 {
      for rank in 1..<world.size where own[rank] == 1 {
        try world.send(checkpoint!.state(ofRank: rank), to: rank, tag: Self.tag)
      }
    } else if own[world.rank] == 1 {
      state = try receiveState(from: 0, count: state.count)
    }
    CheckpointFile.restore(state, into: network, optimizer: optimizer)
    return (Int(header[1]), Int(header[2]), plateau)
  }

  /// Rank 0's plateau progress on every rank (the Float rate and the Double loss travel bit for bit).
  private func broadcastPlateau(_ progress: PlateauSchedule.Progress?) throws -> PlateauSchedule.Progress? {
    var fields: [UInt64] = [0, 0, 0, 0]
    if let progress {
      fields = [1, UInt64(progress.rate.bitPattern), progress.best.bitPattern, UInt64(progress.badEpochs)]
    }
    try world.broadcast(&fields, root: 0)
    guard fields[0] == 1 else { return nil }
    return PlateauSchedule.Progress(
      rate: Float(bitPattern: UInt32(truncatingIfNeeded: fields[1])), best: Double(bitPattern: fields[2]),
      badEpochs: Int(fields[3]))
  }

  /// Rank 0: the checkpoint, read and checked against this run, or nil when there is none.
  private func check(
    network: Network, optimizer: any Optimizer, model: TrainedModel, options: [String: String],
    say: (String) -> Void
  ) throws -> CheckpointFile? {
    guard access(path, F_OK) == 0 else {
      say("cnnswift: --resume: no checkpoint in \(path) yet; starting from epoch 1")
      return nil
    }
    let expectedCount = CheckpointFile.stateCount(of: network, optimizer: optimizer)
    let checkpoint = try CheckpointFile.read(
      path: path, limit: CheckpointFile.sizeLimit(stateValues: expectedCount, ranks: world.size))
    let recorded = checkpoint.options.merging(TrainingOptions.unrecordedCheckpointOptions) { saved, _ in saved }
    for name in TrainingOptions.optionsThatMustMatch where recorded[name] != options[name] {
      let (was, now) = (recorded[name] ?? "(none)", options[name] ?? "(none)")
      throw ModelFileError(
        path,
        name == "ranks"
          ? "written by a run on \(was) ranks; this run has \(now) (mpiexec -n): resume on \(was) ranks"
          : "written by a run with --\(name) \(was); this run has --\(name) \(now): resume with --\(name) \(was), "
            + "or start a new run with another --checkpoint-dir")
    }
    guard checkpoint.model.graph == model.graph else {
      throw ModelFileError(path, "holds \(checkpoint.model.summary); this run trains \(model.summary)")
    }
    try checkpoint.model.load(into: network)
    guard checkpoint.ranks == world.size else {
      throw ModelFileError(path, "holds \(checkpoint.ranks) ranks' states; this run has \(world.size) ranks")
    }
    for rank in 0..<checkpoint.ranks where checkpoint.stateCount(ofRank: rank) != expectedCount {
      throw ModelFileError(path, "corrupt: the state of rank \(rank) does not have \(expectedCount) values")
    }
    for (name, value) in options.sorted(by: { $0.key < $1.key })
    where !TrainingOptions.optionsThatMustMatch.contains(name) && recorded[name] != value {
      say(
        "cnnswift: note: --\(name) \(value) differs from the checkpoint's \(recorded[name] ?? "(none)"); "
          + "the run continues with \(value)")
    }
    return checkpoint
  }

  private static let tag = 71

  private func receiveState(from rank: Int, count: Int) throws -> [Float] {
    var state = [Float](repeating: 0, count: count)
    try world.receive(into: &state, from: rank, tag: Self.tag)
    return state
  }
}
