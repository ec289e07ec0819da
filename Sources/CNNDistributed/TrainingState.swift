import CNN
import ClusterRun

/// What a data-parallel run builds once, before its first epoch (``DataParallelTrainer/prepare(say:warn:)``),
/// and the few counters its epochs carry from one to the next.
struct TrainingState {
  // The data: this rank's shard of the training set and share of the test set, or with
  // --emulate-ranks K the K shards a K-rank run would have.
  let dataset: Dataset
  let train: DataSplit
  let test: DataSplit?
  let emulatedShards: [DataSplit]
  /// Steps per epoch, the same on every rank (the smallest shard decides).
  let steps: Int

  // The model and what trains it.
  /// The graph and name its model files record.
  let model: TrainedModel
  let network: Network
  let trainable: [Parameter]
  let optimizer: any Optimizer
  let schedule: StepSchedule
  /// With `--lr-plateau`, the rate of the next epoch, which the epochs' losses lower (it then replaces
  /// ``schedule``); the same on every rank, as the loss it follows is all ranks'.
  var plateau: PlateauSchedule?
  let loss = SoftmaxCrossEntropy()
  /// Its counters give each epoch's synchronizations.
  var sync: ParameterSync
  /// `--sync batch` on more than one rank, unless `--no-overlap`: the gradients of each finished
  /// layer travel while earlier layers still back-propagate.
  let overlap: OverlappedGradientAverage?

  // Where the run is recorded.
  /// The run's id, nodes, BLAS and telemetry.
  let context: RunContext
  let checkpoint: TrainingCheckpoint?
  let checkpointOptions: [String: String]

  // Carried from epoch to epoch.
  /// 1, or the epoch after a resumed checkpoint's.
  var firstEpoch = 1
  /// Optimizer steps so far, the resumed ones included.
  var globalStep = 0
  /// The epoch of the checkpoint in place, for the message of a diverging loss.
  var lastCheckpoint: Int? = nil
  /// Rank 0's failure to append an epoch's row, agreed by every rank before the next epoch.
  var writeProblem = ""

  /// The learning rate of `epoch` (1-based).
  func learningRate(epoch: Int) -> Float {
    // Milestones count epochs done (StepSchedule counts from 0): `--milestones 2` decays from the third epoch.
    plateau?.rate ?? schedule.learningRate(epoch: epoch - 1)
  }

  /// The step's batch, reused from step to step.
  var images: Tensor
  var labels: [Int]
}

/// The graph and name of the model a run trains: what its checkpoints and its saved model file record.
struct TrainedModel {
  let graph: ModelGraph
  let name: String
  /// `resnet20`, or `mobilenet for 3×32×32 inputs and 10 classes from models/mobilenet.onnx`.
  let summary: String

  /// The model file of `network`'s current weights.
  func file(of network: Network) -> ModelFile {
    ModelFile(network: network, graph: graph, name: name)
  }
}
