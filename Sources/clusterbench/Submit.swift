import ArgumentParser

struct Submit: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "submit", abstract: "(being built)")
  func run() throws { throw ValidationError("clusterbench submit is being built") }
}
