import ArgumentParser

struct Monitor: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Sample every node until stopped (in progress).")
  func run() throws {}
}
