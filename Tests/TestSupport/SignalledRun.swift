import ClusterBench
import Foundation
import Subprocess
import Synchronization

#if canImport(System)
  import System
#else
  import SystemPackage
#endif

/// Runs a program, sends it a signal once it is ready, and reports how it ended and whether
/// anything it started outlived it: for tests of how programs end on SIGTERM or SIGINT.
///
/// The program's descendants are collected (``ProcessTree/descendants(of:)``) while it runs, up
/// to the signal, so processes that were orphaned when it ended are still known and checked.
public struct SignalledRun: Sendable {
  /// How the program ended.
  public var termination: MPIRunResult.Termination
  public var standardOutput: String
  public var standardError: String
  /// Whether the readiness condition held and the signal was sent (else the deadline ended it).
  public var signalled: Bool
  /// Every process seen below the program before the signal.
  public var family: [pid_t]
  /// Those still alive (not zombies) shortly after the program ended.
  public var survivors: [pid_t]
  /// From the signal to the program's end.
  public var secondsToEnd: Double

  public var exitStatus: Int32? { if case .exited(let code) = termination { code } else { nil } }

  /// Runs `executable` with `arguments`; once `ready` returns true (polled every 50 ms with the
  /// program's process id and the processes below it), sends `signal`. After `deadline` without readiness, or after the
  /// signal without an end, the whole tree gets SIGKILL.
  public static func run(
    _ executable: String, arguments: [String], workingDirectory: String? = nil, environment: [String: String] = [:],
    signal: Int32 = SIGTERM, deadline: Duration = .seconds(60),
    ready: @escaping @Sendable (_ pid: pid_t, _ descendants: [pid_t]) -> Bool
  ) async throws -> SignalledRun {
    var overrides: [Environment.Key: String?] = [:]
    for (key, value) in environment { if let key = Environment.Key(rawValue: key) { overrides[key] = value } }
    var options = PlatformOptions()
    options.processGroupID = 0
    let state = RunState()
    let result = try await Subprocess.run(
      .path(FilePath(executable)), arguments: Arguments(arguments), environment: .inherit.updating(overrides),
      workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options, input: .none,
      output: .string(limit: 1 << 20), error: .string(limit: 1 << 20)
    ) { execution in
      let pid = execution.processIdentifier.value
      return Task {
        let start = ContinuousClock.now
        while !Task.isCancelled {
          let below = ProcessTree.descendants(of: pid)
          let first = state.value.withLock { current -> Bool in
            current.family.formUnion(below)
            return current.signalledAt == nil
          }
          if first, ready(pid, below) {
            state.value.withLock { $0.signalledAt = .now }
            kill(pid, signal)
          }
          if ContinuousClock.now - start > deadline {
            ProcessTree.kill(pid, family: state.value.withLock { Array($0.family) })
            return
          }
          try? await Task.sleep(for: .milliseconds(50))
        }
      }
    }
    result.closureResult.cancel()
    let ended = ContinuousClock.now
    let (family, signalledAt) = state.value.withLock { (Array($0.family), $0.signalledAt) }
    var survivors = family.filter(isAlive)
    for _ in 0..<40 where !survivors.isEmpty {
      try await Task.sleep(for: .milliseconds(50))
      survivors = survivors.filter(isAlive)
    }
    let termination: MPIRunResult.Termination =
      switch result.terminationStatus {
      case .exited(let code): .exited(code)
      case .signaled(let number): .signaled(number)
      }
    let seconds = signalledAt.map { at in
      let (whole, fraction) = (ended - at).components
      return Double(whole) + Double(fraction) / 1e18
    }
    return SignalledRun(
      termination: termination, standardOutput: result.standardOutput, standardError: result.standardError,
      signalled: signalledAt != nil, family: family, survivors: survivors, secondsToEnd: seconds ?? 0)
  }

  /// Whether `pid` exists and is not a zombie.
  public static func isAlive(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(close, offsetBy: 2)...].first != "Z"
  }

  /// The command line of `pid` (its arguments joined by spaces), or `""`.
  public static func commandLine(of pid: pid_t) -> String {
    let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
  }
}

/// What the watching task of ``SignalledRun/run(_:arguments:workingDirectory:environment:signal:deadline:ready:)``
/// shares with the caller.
private final class RunState: Sendable {
  let value = Mutex<(family: Set<pid_t>, signalledAt: ContinuousClock.Instant?)>(([], nil))
}
