import ArgumentParser

struct Cluster: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "cluster", abstract: "(being built)")
  func run() throws { throw ValidationError("clusterbench cluster is being built") }
}
