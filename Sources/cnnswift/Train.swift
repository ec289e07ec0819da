import ArgumentParser
import CNN
import CNNDistributed
import ClusterRun
import Foundation
import JobFiles
import MPI
import SuiteCommands

extension OptimizerKind: ExpressibleByArgument {}

extension CNNSwift {
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train a model data-parallel over MPI (each rank holds its shard of the training set).",
      discussion: """
        --batch is per rank: the global batch is ranks × batch (the run prints it). With --sync \
        batch the gradients are averaged after every batch (synchronous SGD); with every:N, epoch \
        and end the ranks train on their shards independently and their weights and batch-norm \
        statistics are averaged every N batches, at the end of every epoch, or once at the end. \
        Each epoch appends a row to results/train.csv and prints loss, accuracy, time in compute \
        and in synchronization, and images per second. Inside an epoch, rank 0 shows its progress \
        on standard error at most once a second (steps done, images/s, time left; --quiet: none). \
        A node that runs more ranks than it has cores is warned about at the start.

        --optimizer sgd (momentum, the default) or adam (PyTorch's Adam: β 0.9 and 0.999, ε 1e-8; \
        --lr defaults to 0.001 with it, 0.01 with sgd). --milestones divides the rate by 10 after \
        the epochs listed; --lr-plateau instead halves it after more than 50 epochs in a row \
        without a training loss 0.01 % below the best so far (PyTorch's ReduceLROnPlateau; \
        --plateau-patience, --plateau-factor and --min-lr change 50, 0.5 and the floor 0.0001). \
        Each epoch's rate is in the results' learning_rate column.

        --job FILE takes the training settings from a job file's train: section (kind: train, one \
        value per key; lists make a sweep, which `clusterbench submit FILE` runs) and records the \
        job's name; the ranks are mpiexec's. Run-specific flags (--results, --checkpoint-dir, \
        --resume, --save, --telemetry, --run-id) still apply.

        With --checkpoint-dir DIR, rank 0 writes DIR/checkpoint.cnnckpt after every epoch \
        (atomically: a killed run loses at most the epoch it was in). It holds every rank's \
        weights, statistics and optimizer state (SGD's momentum, Adam's moments) and where the \
        plateau schedule is, so --resume continues to exactly the weights of a run never stopped, \
        in every sync mode; a larger --epochs extends a finished run. --model, --layers, --data, \
        --batch, --sync, --seed, --steps, --optimizer and the number of ranks must be those of the \
        checkpoint; --lr, --momentum, --weight-decay, --milestones and the plateau's flags may \
        change (with a note). Without a checkpoint yet, --resume starts from epoch 1. A loss that becomes NaN or \
        infinite stops every rank and leaves the last good checkpoint. --save writes the trained \
        model file, which `cnnswift infer` reads; equal weights give byte-identical files.

        --model-file FILE trains the model in a file instead of a preset: a .cnn (from --save or \
        `cnnswift export --cnn`), an ONNX file (from torch.onnx.export), or a darknet .cfg (with \
        --weights, or weights drawn from --seed). Training starts from the file's weights (a \
        classifier of C×H×W images: its output one score per class, as many as the data set's); \
        only rank 0 reads the file. Its graph and name go into the checkpoints and the --save file.

        Examples:
          mpiexec -n 2 cnnswift train --model lenet --batch 64 --epochs 5 \\
            --lr 0.01 --save lenet.cnn
          mpiexec -n 2 cnnswift train --model resnet --layers 32 --batch 32 \\
            --epochs 5 --sync end
          mpiexec -n 2 cnnswift train --model lenet --epochs 5 \\
            --checkpoint-dir ckpt --resume --save lenet.cnn
          cnnswift train --model mlp --data synthetic:6000 --epochs 2 --telemetry=1
          cnnswift train --model fcn --data synthetic:200 --batch 16 \\
            --epochs 3 --optimizer adam --lr-plateau
          mpiexec -n 2 cnnswift train --job jobs/train-lenet.yaml
          mpiexec -n 2 cnnswift train --model-file lenet.onnx --epochs 1 \\
            --save lenet-tuned.cnn
        """)

    /// The flags a job file's train: section gives; `--job` refuses them beside it.
    static let trainingFlags = [
      "model", "layers", "model-file", "weights", "batch", "epochs", "sync", "optimizer", "lr", "momentum",
      "weight-decay", "milestones", "lr-plateau", "plateau-patience", "plateau-factor", "min-lr", "data", "seed",
      "steps", "pad-series", "resample-series", "impute-missing", "no-znorm", "test-every",
    ]

    @Option(
      help: ArgumentHelp(
        "Take the training settings from this job file (kind: train, one value per key).", valueName: "FILE"))
    var job: String?

    @Option(
      help: ArgumentHelp(
        "lenet (the default), mlp or resnet; fcn or resnet1d for time series (--data PATH/NAME of .ts files).",
        valueName: "NAME"))
    var model: String?
    @Option(help: ArgumentHelp("ResNet depth, 6n+2 (20, 32, 44, 56, 110).", valueName: "L")) var layers: Int?
    @Option(
      help: ArgumentHelp("Train the model in this file instead: .cnn, .onnx or darknet .cfg.", valueName: "FILE"))
    var modelFile: String?
    @Option(help: ArgumentHelp("With a darknet .cfg: its .weights file (default: seeded weights).", valueName: "FILE"))
    var weights: String?
    @Option(help: "Images per step on each rank (the global batch is ranks × this).") var batch = 64
    @Option(help: "Passes over the training set.") var epochs = 1
    @Option(help: ArgumentHelp("batch, every:N, epoch or end.", valueName: "MODE")) var sync = "batch"
    @Option(help: ArgumentHelp("sgd (with --momentum) or adam (β 0.9, 0.999, as PyTorch's).", valueName: "NAME"))
    var optimizer: OptimizerKind = .sgd
    @Option(help: "Learning rate (default: 0.01 with sgd, 0.001 with adam).") var lr: Float?
    @Option(help: "SGD momentum (default: 0.9).") var momentum: Float?
    @Option(help: "Weight decay (L2), applied to weights, not biases or batch-norm parameters.")
    var weightDecay: Float = 0
    @Option(help: ArgumentHelp("Epochs after which the learning rate is divided by 10.", valueName: "LIST"))
    var milestones = ""
    @Flag(help: "Lower the learning rate when the training loss stops improving (PyTorch's ReduceLROnPlateau).")
    var lrPlateau = false
    @Option(
      help: ArgumentHelp("With --lr-plateau: epochs without a better loss before the rate falls (50).", valueName: "N"))
    var plateauPatience: Int?
    @Option(help: ArgumentHelp("With --lr-plateau: the factor the rate falls by (0.5).", valueName: "F"))
    var plateauFactor: Float?
    @Option(help: ArgumentHelp("With --lr-plateau: the lowest rate it falls to (0.0001).", valueName: "RATE"))
    var minLr: Float?
    @Option(
      help: ArgumentHelp(
        "A Fashion-MNIST/MNIST or CIFAR-10 folder, synthetic:N, or PATH/NAME of NAME_TRAIN.ts and NAME_TEST.ts "
          + "(default: Debian's Fashion-MNIST).", valueName: "DIR|synthetic:N|PATH/NAME"))
    var data: String?
    @Option(help: "Seed of initialization, shuffling and dropout.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Train at most this many steps per epoch (benchmarks).", valueName: "N"))
    var steps: Int?
    @Option(
      help: ArgumentHelp(
        "Measure the test accuracy after every N epochs and the last.", valueName: "N"))
    var testEvery = 1
    @OptionGroup var results: ResultsOption<TrainingResultsFile>
    @OptionGroup var runID: RunIDOption
    @Option(help: ArgumentHelp("The job name recorded in the results' job column.", valueName: "NAME"))
    var jobName: String?
    @Option(
      help: ArgumentHelp(
        "On one rank, train exactly as K ranks with --sync batch would (for checking; models without batch norm).",
        valueName: "K"))
    var emulateRanks: Int?
    @Flag(help: "With --sync batch, average the gradients after the backward pass instead of during it.")
    var noOverlap = false
    @OptionGroup var telemetry: TelemetryOption
    @Option(
      help: ArgumentHelp(
        "Write DIR/checkpoint.cnnckpt after every epoch (rank 0; created if missing).", valueName: "DIR"))
    var checkpointDir: String?
    @Flag(help: "Continue from the checkpoint in --checkpoint-dir (from epoch 1 if there is none yet).")
    var resume = false
    @Option(help: ArgumentHelp("Write the trained model file here at the end (rank 0).", valueName: "FILE"))
    var save: String?
    @OptionGroup var timeSeries: TimeSeriesOptions
    @Flag(help: "No progress lines inside epochs on standard error.")
    var quiet = false
    @Option(help: ArgumentHelp("The least seconds between progress lines (for tests).", visibility: .hidden))
    var progressEvery = 1.0

    func validate() throws {
      try Self.checkValues(
        batch: batch, epochs: epochs, lr: lr ?? Float(optimizer.defaultLearningRate), momentum: momentum ?? 0.9,
        weightDecay: weightDecay)
      if optimizer == .adam && momentum != nil {
        throw ValidationError("--momentum is SGD's; --optimizer adam keeps its own averages (β 0.9 and 0.999)")
      }
      if !lrPlateau,
        let flag = [
          ("--plateau-patience", plateauPatience != nil), ("--plateau-factor", plateauFactor != nil),
          ("--min-lr", minLr != nil),
        ].first(where: \.1)?.0
      {
        throw ValidationError("\(flag) goes with --lr-plateau")
      }
      if lrPlateau && !milestones.isEmpty {
        throw ValidationError("--lr-plateau and --milestones both set the learning rate: give one of them")
      }
      try Self.checkPlateau(plateauSettings)
      guard SyncMode(parsing: sync) != nil else {
        throw ValidationError("--sync \(sync): expected \(SyncMode.spellings)")
      }
      if let emulateRanks {
        try FlagCheck.count("--emulate-ranks", emulateRanks, in: 1...Int(Int32.max), of: "ranks an MPI job can have")
      }
      if emulateRanks != nil && SyncMode(parsing: sync) != .batch {
        throw ValidationError("--emulate-ranks reproduces --sync batch only")
      }
      if let steps { try FlagCheck.count("--steps", steps, in: 1...Int.max, of: "steps per epoch") }
      try FlagCheck.count("--test-every", testEvery, in: 1...InputLimits.epochs, of: "epochs between test accuracies")
      guard progressEvery >= 0.001, progressEvery.isFinite else {
        throw ValidationError("--progress-every must be at least 0.001 seconds, got \(progressEvery)")
      }
      _ = try trainingModel()
      if resume && checkpointDir == nil {
        throw ValidationError("--resume needs --checkpoint-dir, the folder of the checkpoint to continue from")
      }
      for item in milestones.split(separator: ",") {
        guard let epoch = Int(item), (1...InputLimits.epochs).contains(epoch) else {
          throw ValidationError(
            "--milestones: '\(item)' is not an epoch number (1 to \(InputLimits.epochs), after which the rate drops)")
        }
      }
    }

    func run() throws {
      var options = try job.map(optionsOfJob) ?? optionsOfFlags()
      options.resultsPath = results.path
      options.telemetryInterval = telemetry.seconds ?? options.telemetryInterval
      (options.checkpointDirectory, options.resume, options.savePath) = (checkpointDir, resume, save)
      options.emulatedRanks = emulateRanks
      options.overlapCommunication = !noOverlap
      (options.runID, options.jobName) = (runID.id, jobName ?? options.jobName)
      options.progressInterval = progressEvery
      if job == nil { options.testEvery = testEvery }
      try train(options)
    }

    /// The model the flags choose: `--model-file`, or the preset of `--model` and `--layers`.
    func trainingModel() throws -> TrainingModel {
      if let modelFile {
        if model != nil || layers != nil {
          throw ValidationError("--model-file \(modelFile): give either --model-file or --model (and --layers)")
        }
        return .file(path: modelFile, weights: weights)
      }
      if weights != nil { throw ValidationError("--weights goes with --model-file NET.cfg") }
      do { return .preset(try Architecture(name: model ?? "lenet", layers: layers)) } catch {
        throw ValidationError(error.description)
      }
    }

    /// `--lr-plateau`'s settings, nil without it.
    var plateauSettings: PlateauSchedule.Settings? {
      guard lrPlateau else { return nil }
      let usual = PlateauSchedule.Settings()
      return PlateauSchedule.Settings(
        factor: plateauFactor ?? usual.factor, patience: plateauPatience ?? usual.patience,
        minimumRate: minLr ?? usual.minimumRate)
    }

    /// The training settings the flags give.
    func optionsOfFlags() throws -> TrainingOptions {
      TrainingOptions(
        model: try trainingModel(), data: data, batchPerRank: batch,
        epochs: epochs, sync: SyncMode(parsing: sync)!, optimizer: optimizer,
        learningRate: lr ?? Float(optimizer.defaultLearningRate), momentum: momentum ?? 0.9, weightDecay: weightDecay,
        milestones: milestones.split(separator: ",").compactMap { Int($0) }, plateau: plateauSettings, seed: seed,
        stepsPerEpoch: steps, timeSeries: timeSeries.preparation)
    }

    /// The training settings of job file `path` (with its name and telemetry interval); throws a
    /// validation error naming the file and key, or a flag given beside the job.
    func optionsOfJob(_ path: String) throws -> TrainingOptions {
      let arguments = CommandLine.arguments.dropFirst()
      for flag in Self.trainingFlags
      where arguments.contains(where: { $0 == "--\(flag)" || $0.hasPrefix("--\(flag)=") }) {
        throw ValidationError("--\(flag): the job file \(path) gives the training settings; drop --\(flag) or --job")
      }
      let jobFile: JobFile
      let run: TrainingRun
      do {
        jobFile = try JobFile.read(path: path)
        run = try jobFile.singleTrainingRun()
      } catch { throw ValidationError("--job: \(error.description)") }
      if emulateRanks != nil && run.sync != .batch {
        throw ValidationError("--emulate-ranks reproduces --sync batch only (\(path) says sync: \(run.sync))")
      }
      var options = run.options
      do {
        try Self.checkValues(
          batch: options.batchPerRank, epochs: options.epochs, lr: options.learningRate, momentum: options.momentum,
          weightDecay: options.weightDecay)
        try Self.checkPlateau(options.plateau)
      } catch let error as ValidationError { throw ValidationError("--job \(path): \(error.message)") }
      options.jobName = jobFile.name
      options.telemetryInterval = jobFile.telemetryInterval
      return options
    }

    /// The range checks of the training values, the same whether flags or a job file gave them
    /// (named by their flags, as `cnnswift train --job` runs the job's values through them).
    static func checkValues(batch: Int, epochs: Int, lr: Float, momentum: Float, weightDecay: Float) throws {
      try FlagCheck.count("--batch", batch, in: 1...InputLimits.batch, of: "images per step on each rank")
      try FlagCheck.count("--epochs", epochs, in: 1...InputLimits.epochs, of: "passes over the training set")
      try FlagCheck.positive("--lr", lr)
      // PyTorch's SGD refuses a negative momentum or weight decay; 1 or more is refused too: a
      // momentum of 1 never forgets a gradient (the velocity grows without bound) and a decay of 1
      // pulls every weight to 0 as hard as the whole loss pushes it.
      try FlagCheck.fraction("--momentum", momentum, "the velocity's decay per step (typical: 0.9)")
      try FlagCheck.fraction("--weight-decay", weightDecay, "the L2 penalty's coefficient (typical: 1e-4 to 5e-4)")
    }

    /// The range checks of `--lr-plateau`'s settings, named by their flags.
    static func checkPlateau(_ settings: PlateauSchedule.Settings?) throws {
      guard let settings else { return }
      try FlagCheck.count(
        "--plateau-patience", settings.patience, in: 0...InputLimits.epochs, of: "epochs without a better loss")
      guard settings.factor > 0, settings.factor < 1 else {
        throw ValidationError("--plateau-factor must be between 0 and 1 (exclusive), got \(settings.factor)")
      }
      try FlagCheck.positive("--min-lr", settings.minimumRate)
    }

    func train(_ options: TrainingOptions) throws {
      try MPIEnvironment.initialize(threadLevel: .funneled)
      let status = MPIProgram.run(name: "cnnswift") {
        do {
          let progress = ProgressLine()
          try DataParallelTrainer(options: options).run(
            say: { line in
              progress.clear()
              print(line)
              fflush(nil)
            },
            warn: { line in
              progress.clear()
              MPIProgram.printError(line)
            },
            progress: quiet ? nil : progress.show)
          return 0
        } catch let error as TrainingInputError {
          if Communicator.world.rank == 0 { MPIProgram.printError("cnnswift: \(error.message)") }
          return 1
        }
      }
      MPIProgram.finalizeAndExit(status, name: "cnnswift")
    }
  }

  /// `results/train.csv`, a row per epoch.
  enum TrainingResultsFile: ResultsFileKind {
    static let defaultPath = TrainingRecord.defaultPath
    static let rowSubject = "each epoch"
  }
}
