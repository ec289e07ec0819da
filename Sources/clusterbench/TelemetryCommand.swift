import ArgumentParser

struct TelemetryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "telemetry", abstract: "(in progress)")
  func run() throws {}
}
