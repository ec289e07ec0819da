import ArgumentParser

struct Doctor: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "doctor", abstract: "(being built)")
  func run() throws { throw ValidationError("clusterbench doctor is being built") }
}
