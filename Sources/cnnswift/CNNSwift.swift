import ArgumentParser
import ClusterRun
import Foundation
import MPI
import SuiteCommands
import SuiteCore

/// `cnnswift`: CNN training and inference on BLAS, data-parallel over MPI.
@main
struct CNNSwift: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cnnswift",
    abstract: "Train CNNs (LeNet-5, an MLP, CIFAR ResNets) on BLAS, data-parallel over MPI, and run them.",
    discussion: """
      Examples:
        cnnswift models --batch 64
        mpiexec -n 2 cnnswift train --model lenet --batch 64 --epochs 5 --sync batch
        mpiexec -n 2 cnnswift train --model resnet --layers 20 --batch 32 \\
          --data synthetic:2048 --sync end
        mpiexec -n 2 cnnswift train --model lenet --epochs 5 --checkpoint-dir ckpt \\
          --resume --save lenet.cnn
        mpiexec -n 2 cnnswift infer --model-file lenet.cnn \\
          --predictions predictions.csv
      """,
    version: SuiteVersion.current,
    subcommands: [Models.self, Train.self, Infer.self, Detect.self, Export.self, Sgemm.self])

  /// Under mpiexec only rank 0 prints an argument error (see ``ParsableCommand/mainUnderMPI()``).
  static func main() { mainUnderMPI() }

}
