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

  /// Writes the checkpoint of every rank's state after `epoch` (`steps` optimizer steps per rank).
  /// Collective; a failure to write stops every rank with rank 0's message.
  func save(
    network: Network, optimizer: SGD, model: TrainedModel, epoch: Int, steps: Int,
    options: [String: String]
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
      let velocities = Array(state[(state.count - CheckpointFile.velocityCount(of: network))...])
      do {
        try CheckpointFile.write(
          to: path, model: model.file(of: network), epoch: epoch, steps: steps,
          ranks: world.size, options: options, velocities: velocities
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
  /// (`options`, the network's parameters); returns the epochs and steps completed, or nil when
  /// there is no checkpoint yet. Collective; a refused checkpoint stops every rank with rank 0's
  /// message, naming the option or shape that differs.
  func restore(
    network: Network, optimizer: SGD, model: TrainedModel, options: [String: String],
    say: (String) -> Void
  ) throws -> (epoch: Int, steps: Int)? {
    var checkpoint: CheckpointFile? = nil
    var problem = ""
    if world.rank == 0 {
      do {
        checkpoint = try check(network: network, model: model, options: options, say: say)
      } catch {
        problem = "--resume: \(error)"
      }
    }
    if let problem = try world.firstProblem(problem) { throw TrainingInputError(message: problem) }
    var header = [Int64(checkpoint == nil ? 0 : 1), Int64(checkpoint?.epoch ?? 0), Int64(checkpoint?.steps ?? 0)]
    try world.broadcast(&header, root: 0)
    guard header[0] == 1 else { return nil }
    var own = [Int32](repeating: 0, count: world.size)
    if let checkpoint { own = (0..<world.size).map { checkpoint.sharesRankZeroState($0) ? 0 : 1 } }
    try world.broadcast(&own, root: 0)
    var state = checkpoint?.state(ofRank: 0) ?? [Float](repeating: 0, count: CheckpointFile.stateCount(of: network))
    try world.broadcast(&state, root: 0)
    if world.rank == 0 {
      for rank in 1..<world.size where own[rank] == 1 {
        try world.send(checkpoint!.state(ofRank: rank), to: rank, tag: Self.tag)
      }
    } else if own[world.rank] == 1 {
      state = try receiveState(from: 0, count: state.count)
    }
    CheckpointFile.restore(state, into: network, optimizer: optimizer)
    return (Int(header[1]), Int(header[2]))
  }

  /// Rank 0: the checkpoint, read and checked against this run, or nil when there is none.
  private func check(
    network: Network, model: TrainedModel, options: [String: String], say: (String) -> Void
  ) throws -> CheckpointFile? {
    guard access(path, F_OK) == 0 else {
      say("cnnswift: --resume: no checkpoint in \(path) yet; starting from epoch 1")
      return nil
    }
    let checkpoint = try CheckpointFile.read(
      path: path,
      limit: CheckpointFile.sizeLimit(stateValues: CheckpointFile.stateCount(of: network), ranks: world.size))
    for name in TrainingOptions.optionsThatMustMatch where checkpoint.options[name] != options[name] {
      let (was, now) = (checkpoint.options[name] ?? "(none)", options[name] ?? "(none)")
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
    let expectedCount = CheckpointFile.stateCount(of: network)
    guard checkpoint.ranks == world.size else {
      throw ModelFileError(path, "holds \(checkpoint.ranks) ranks' states; this run has \(world.size) ranks")
    }
    for rank in 0..<checkpoint.ranks where checkpoint.stateCount(ofRank: rank) != expectedCount {
      throw ModelFileError(path, "corrupt: the state of rank \(rank) does not have \(expectedCount) values")
    }
    for (name, value) in options.sorted(by: { $0.key < $1.key })
    where !TrainingOptions.optionsThatMustMatch.contains(name) && checkpoint.options[name] != value {
      say(
        "cnnswift: note: --\(name) \(value) differs from the checkpoint's \(checkpoint.options[name] ?? "(none)"); "
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
