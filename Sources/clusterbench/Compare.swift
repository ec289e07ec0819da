import ArgumentParser

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "compare", abstract: "(being built)")
  func run() throws { throw ValidationError("clusterbench compare is being built") }
}
