import Foundation
import Subprocess

#if canImport(System)
  import System
#else
  import SystemPackage
#endif

/// Runs the system tools the emulated cluster is built with (`ip`, `tc`) with argument lists,
/// never a shell string, and waits for them.
enum SystemCommand {
  /// What a finished command printed and how it ended.
  struct Output: Sendable {
    var arguments: [String]
    var status: Int32?
    var standardOutput: String
    var standardError: String

    var succeeded: Bool { status == 0 }

    /// `ip link add ...: RTNETLINK answers: File exists` for error messages.
    var failureDescription: String {
      let said = standardError.trimmingCharacters(in: .whitespacesAndNewlines)
      let how = status.map { "exit status \($0)" } ?? "killed by a signal"
      return "'\(arguments.joined(separator: " "))' failed (\(how))" + (said.isEmpty ? "" : ": \(said)")
    }
  }

  /// The folders searched for tools: `sbin` first, because root's tools live there and a
  /// `PATH` without them (sudo, cron) must not make the command fail.
  static let searchFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]

  /// The path of `tool`, or `nil` when none of ``searchFolders`` has it.
  static func path(of tool: String) -> String? {
    searchFolders.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs `tool` with `arguments` and returns its output, whatever its status.
  static func run(_ tool: String, _ arguments: [String]) throws(ClusterError) -> Output {
    guard let executable = path(of: tool) else {
      throw ClusterError("'\(tool)' is not installed (looked in \(searchFolders.joined(separator: ", ")))")
    }
    let list = arguments
    do {
      return try runBlocking {
        let result = try await Subprocess.run(
          .path(FilePath(executable)), arguments: Arguments(list), input: .none,
          output: .string(limit: 4 << 20), error: .string(limit: 1 << 20))
        let status: Int32? =
          switch result.terminationStatus {
          case .exited(let code): code
          case .signaled: nil
          }
        return Output(
          arguments: [tool] + list, status: status, standardOutput: result.standardOutput,
          standardError: result.standardError)
      }
    } catch {
      throw ClusterError("cannot run \(executable): \(error)")
    }
  }

  /// Runs `tool` and throws, quoting what it said, unless it exits 0.
  @discardableResult
  static func check(_ tool: String, _ arguments: [String]) throws(ClusterError) -> Output {
    let output = try run(tool, arguments)
    guard output.succeeded else { throw ClusterError(output.failureDescription) }
    return output
  }
}
