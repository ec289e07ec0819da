import ArgumentParser

/// `cnnswift`: CNN training and inference over MPI (being built).
@main
struct CNNSwift: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cnnswift", abstract: "CNN training and inference on BLAS, data-parallel over MPI (being built).")
}
