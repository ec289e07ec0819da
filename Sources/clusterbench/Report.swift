import ArgumentParser

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "report", abstract: "(being built)")
  func run() throws { throw ValidationError("clusterbench report is being built") }
}
