import Foundation
import TestSupport
import Testing

/// Every program's help as a new user reads it: each command and subcommand has examples, every
/// example line fits 80 columns (a longer one continues with `\`, never wraps mid-command), and
/// every program answers `--version` with the suite's version.
@Suite(.timeLimit(.minutes(2))) struct HelpTests {
  static let runner = MPIRunner(deadline: .seconds(20))
  static let programs = ["hplswift", "cnnswift", "clusterbench"]

  static func help(_ program: String, _ path: [String]) async throws -> String {
    let result = try await runner.runAlone(
      try MPIRunner.path(ofExecutable: program), arguments: ["help"] + path, environment: ["COLUMNS": "80"])
    #expect(result.succeeded, "\(result)")
    return result.standardOutput
  }

  /// The names listed under SUBCOMMANDS:.
  static func subcommands(in help: String) -> [String] {
    guard let section = help.components(separatedBy: "SUBCOMMANDS:").last, help.contains("SUBCOMMANDS:") else {
      return []
    }
    return section.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else {
        return nil
      }
      let word = String(name)
      return word.allSatisfy({ $0.isLowercase || $0 == "-" }) && word != "help" ? word : nil
    }
  }

  /// Every command path of `program`, depth first: [], [run], [dat], [cluster], [cluster, up], ...
  static func commandPaths(_ program: String) async throws -> [(path: [String], help: String)] {
    var found: [(path: [String], help: String)] = []
    var pending: [[String]] = [[]]
    while let path = pending.popLast() {
      let text = try await help(program, path)
      found.append((path, text))
      pending += subcommands(in: text).map { path + [$0] }
    }
    return found
  }

  /// The lines of the Examples block, up to the next blank line followed by an unindented one.
  static func examples(in help: String) -> [String] {
    let lines = help.components(separatedBy: "\n")
    guard let start = lines.firstIndex(where: { $0.hasSuffix("Examples:") }) else { return [] }
    return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
  }

  @Test(arguments: programs) func everyExampleFitsEightyColumnsAndNeverWraps(program: String) async throws {
    for (path, text) in try await Self.commandPaths(program) {
      let name = ([program] + path).joined(separator: " ")
      let examples = Self.examples(in: text)
      // A group such as `clusterbench telemetry` shows its subcommands' examples instead.
      guard !examples.isEmpty else {
        #expect(!Self.subcommands(in: text).isEmpty, "\(name) --help has no examples")
        continue
      }
      for (index, line) in examples.enumerated() {
        #expect(line.count <= 80, "\(name): example longer than 80 columns: \(line)")
        // An example line is indented; one at column 0 is the tail of a wrapped command.
        #expect(line.hasPrefix("  "), "\(name): example wrapped at 80 columns: \(line)")
        if index > 0, line.hasPrefix("    "), !examples[index - 1].hasPrefix("    ") {
          #expect(examples[index - 1].hasSuffix("\\"), "\(name): continued example without \\: \(line)")
        }
      }
    }
  }

  @Test(arguments: programs + ["mpi-selftest"]) func everyProgramPrintsTheSuiteVersion(program: String) async throws {
    let result = try await Self.runner.runAlone(try MPIRunner.path(ofExecutable: program), arguments: ["--version"])
    #expect(result.succeeded, "\(result)")
    #expect(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
  }

  @Test func topLevelClusterbenchHelpDescribesTheProgram() async throws {
    let text = try await Self.help("clusterbench", [])
    for word in ["submit", "doctor", "emulated cluster", "report", "hostfile"] {
      #expect(text.contains(word), "clusterbench --help does not mention \(word)")
    }
  }
}
