import ArgumentParser
import CNN
import CNNDistributed
import Foundation
import MPI

extension CNNSwift {
  struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Run a model on a data set or a .npy array over MPI ranks; print accuracy, latency and throughput.",
      discussion: """
        Rank 0 reads the model file (a .cnn from `cnnswift train --save`, an .onnx, or a darknet \
        .cfg with its --weights, or weights drawn from --seed) and the inputs, and scatters contiguous runs of whole batches to the ranks; each rank classifies its share in \
        inference mode and the predictions are gathered in input order (the same, bit for bit, \
        on any number of ranks). The run prints the \
        accuracy against the data set's labels, the latency of single-image forward passes on \
        rank 0 (p50 and p99 of --latency-images passes) and the throughput at --batch (images per \
        second over all ranks: every image / the slowest rank's forward time), and writes one CSV \
        line per image with --predictions: index,label,predicted,confidence (the softmax \
        probability of the predicted class),label_name,predicted_name (the classes' names where \
        the data set has them, as a .ts file's), atomically. --data is read as by `train` (the test \
        set by default; synthetic:N has N/6 test images, --split train gives N); synthetic \
        images take the model's input shape. --data FILE.npy takes a NumPy float32 array of \
        N inputs of the model's input shape (N×C×H×W), used as given: no normalization, no \
        labels (so no accuracy; the label column is empty). --outputs FILE.npy writes every \
        input's raw output values as a float32 N×V array (V: all of the model's outputs, \
        flattened, one after the other), the same on any number of ranks; a model whose output \
        is not one score per class (a YOLO detector) runs only with --outputs. A corrupt model file, or \
        one whose model, shapes or input size do not match, stops every rank with exit status 1.

        Examples:
          mpiexec -n 2 cnnswift infer --model-file lenet.cnn \\
            --predictions predictions.csv
          mpiexec -n 4 cnnswift infer --model-file resnet20.cnn \\
            --data cifar10:/data/cifar --batch 128
          cnnswift infer --model-file lenet.cnn --data synthetic:6000 \\
            --split train --passes 5
          mpiexec -n 2 cnnswift infer --model-file model.onnx \\
            --data inputs.npy --outputs outputs.npy --latency-images 0
          cnnswift infer --model-file yolov2-tiny.cfg --weights yolov2-tiny.weights \\
            --data frames.npy --outputs detections.npy --latency-images 0
        """)

    @Option(
      help: ArgumentHelp(
        "The model file to run: .cnn (from `cnnswift train --save`), .onnx or .cfg.", valueName: "FILE"))
    var modelFile: String
    @Option(help: ArgumentHelp("Darknet weights for a .cfg (default: seeded random weights).", valueName: "FILE"))
    var weights: String?
    @Option(help: "The seed of a .cfg's random weights when no --weights is given.") var seed: UInt64 = 1
    @Option(
      help: ArgumentHelp(
        "A Fashion-MNIST/MNIST or CIFAR-10 folder, synthetic:N, or a float32 FILE.npy (default: Fashion-MNIST).",
        valueName: "DIR|synthetic:N|FILE.npy"))
    var data: String?
    @Option(help: ArgumentHelp("Which part of the data set to classify: test or train.", valueName: "PART"))
    var split = "test"
    @Option(help: "Images per forward pass on each rank (the throughput's batch).") var batch = 256
    @Option(help: ArgumentHelp("Write index,label,predicted,confidence,… per image here (rank 0).", valueName: "CSV"))
    var predictions: String?
    @Option(
      help: ArgumentHelp(
        "Write every input's output values here, a float32 N×V .npy array (rank 0).", valueName: "FILE.npy"))
    var outputs: String?
    @Option(help: ArgumentHelp("Single-image passes rank 0 times for p50/p99 (0: none).", valueName: "N"))
    var latencyImages = 300
    @Option(help: ArgumentHelp("Classify the set this many times for the throughput.", valueName: "N"))
    var passes = 1
    @OptionGroup var timeSeries: TimeSeriesOptions
    @Option(help: ArgumentHelp("Refuse a model file of any model but this: lenet, mlp or resnet.", valueName: "NAME"))
    var model: String?
    @Option(help: ArgumentHelp("With --model resnet: the depth the file must have.", valueName: "L")) var layers: Int?

    func validate() throws {
      try FlagCheck.count("--batch", batch, in: 1...InputLimits.batch, of: "images per forward pass on each rank")
      try FlagCheck.count(
        "--latency-images", latencyImages, in: 0...InputLimits.repetitions, of: "single-image passes timed")
      try FlagCheck.count("--passes", passes, in: 1...InputLimits.repetitions, of: "passes over the data set")
      guard Partition(rawValue: split) != nil else { throw ValidationError("--split \(split): expected test or train") }
      if let model {
        do { _ = try Architecture(name: model, layers: layers) } catch { throw ValidationError(error.description) }
      } else if layers != nil {
        throw ValidationError("--layers applies with --model resnet")
      }
    }

    func run() throws {
      let options = InferenceOptions(
        modelPath: modelFile, weightsPath: weights, seed: seed, data: data, partition: Partition(rawValue: split)!,
        batch: batch,
        predictionsPath: predictions, outputsPath: outputs, latencyImages: latencyImages, passes: passes,
        expectedArchitecture: try model.map { try Architecture(name: $0, layers: layers) },
        timeSeries: timeSeries.preparation)
      try MPIEnvironment.initialize(threadLevel: .funneled)
      let status = MPIProgram.run(name: "cnnswift") {
        let say = { (line: String) in
          print(line)
          fflush(nil)
        }
        do {
          guard let report = try DistributedInference(options: options).run(say: say, warn: MPIProgram.printError)
          else { return 0 }
          if let accuracy = report.accuracy {
            say(String(format: "accuracy: %.4f (%d of %d images)", accuracy, report.correct, report.images))
          }
          if let p50 = report.latencyP50, let p99 = report.latencyP99 {
            say(
              String(
                format: "latency at batch 1 (rank 0, %d images): p50 %.3f ms, p99 %.3f ms", latencyImages,
                p50 * 1e3, p99 * 1e3))
          }
          let ranks = Communicator.world.size
          say(
            String(
              format: "throughput at batch %d: %.0f images/s over %d rank%@ (forward passes of the slowest rank); "
                + "%.2f s end to end with scatter and gather",
              batch, report.imagesPerSecond, ranks, ranks == 1 ? "" : "s", report.endToEndSeconds))
          if let predictions { say("predictions: \(predictions)") }
          if let outputs { say("outputs: \(outputs)") }
          return 0
        } catch let error as InferenceInputError {
          if Communicator.world.rank == 0 { MPIProgram.printError("cnnswift: \(error.message)") }
          return 1
        }
      }
      MPIProgram.finalizeAndExit(status, name: "cnnswift")
    }
  }
}
