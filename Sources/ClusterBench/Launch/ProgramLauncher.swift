import ClusterRun
import Foundation
import Subprocess
import Synchronization

#if canImport(System)
  import System
#else
  import SystemPackage
#endif

#if canImport(Glibc)
  import Glibc
#endif

/// One program to launch (typically `mpiexec` and its argument list), where its output goes, and
/// how long it may take.
public struct ProgramLaunch: Sendable {
  /// The executable: a path, or a name looked up on `PATH`.
  public var executable: String
  /// Its arguments, passed as they are: never through a shell.
  public var arguments: [String]
  /// Variables added to this process's environment.
  public var environment: [String: String]
  public var workingDirectory: String?
  /// Files that receive standard output and standard error (created or truncated); `nil` passes
  /// them through to ours.
  public var standardOutputPath: String?
  public var standardErrorPath: String?
  /// The bound: at the deadline the program gets SIGTERM (mpiexec forwards it to the ranks), and
  /// what is left of its process tree SIGKILL `grace` later.
  public var deadline: Duration?
  public var grace: Duration
  /// Texts that, once they appear in the standard error file, mean the launch has failed even
  /// though the launcher may never exit: hydra keeps waiting after ssh could not reach a host.
  /// The program is then stopped at once (see ``LaunchOutcome/failedFast``).
  public var failFastPatterns: [String] = []

  /// What ssh and hydra print when a host cannot be reached or lacks the program.
  public static let unreachableHostPatterns = [
    "Could not resolve hostname", "Permission denied", "Host key verification failed", "Connection refused",
    "No route to host", "Connection timed out", "execvp error",
  ]

  public init(
    executable: String, arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
    standardOutputPath: String? = nil, standardErrorPath: String? = nil, deadline: Duration? = nil,
    grace: Duration = .seconds(10)
  ) {
    (self.executable, self.arguments, self.environment, self.workingDirectory) = (
      executable, arguments, environment, workingDirectory
    )
    (self.standardOutputPath, self.standardErrorPath, self.deadline, self.grace) = (
      standardOutputPath, standardErrorPath, deadline, grace
    )
  }

  /// The last `limit` bytes of the file at `path` as text (a launcher's standard error can be
  /// long: hydra repeats itself once per proxy), or `""` when it is missing.
  public static func tail(of path: String, limit: Int = 64 << 10) -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
    defer { try? handle.close() }
    guard let size = try? handle.seekToEnd() else { return "" }
    try? handle.seek(toOffset: size > UInt64(limit) ? size - UInt64(limit) : 0)
    return String(decoding: (try? handle.read(upToCount: limit)) ?? Data(), as: UTF8.self)
  }

  /// The line of a failed launch's standard error that says why, for a sweep point's note: the
  /// first ssh or hydra line about a host (``unreachableHostPatterns``, such as `ssh: Could not
  /// resolve hostname rock99: Name or service not known`), else the first line that speaks of an
  /// error, else the last line; at most 200 characters. `nil` when there is no output.
  public static func failureLine(in text: String) -> String? {
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      !$0.isEmpty
    }
    let line =
      lines.first { line in unreachableHostPatterns.contains { line.contains($0) } }
      ?? lines.first { $0.localizedCaseInsensitiveContains("error") } ?? lines.last
    return line.map { String($0.prefix(200)) }
  }

  /// The command line, shell-quoted, for logs and `--dry-run` (never executed as text).
  public var displayText: String {
    ([executable] + arguments).map(Self.quoted).joined(separator: " ")
  }

  static func quoted(_ word: String) -> String {
    let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,@%+".contains($0) }
    return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// How a launched program ended.
public struct LaunchOutcome: Sendable, Equatable {
  /// The exit status, when it exited.
  public var exitStatus: Int32?
  /// The signal that ended it, when one did.
  public var signal: Int32?
  /// Whether the deadline stopped it.
  public var timedOut: Bool
  /// Whether a SIGINT or SIGTERM to us stopped it (see ``StopSignal``).
  public var interrupted: Bool
  /// Whether a fail-fast pattern appeared on its standard error and it was stopped for that.
  public var failedFast: Bool
  /// Wall time, seconds.
  public var seconds: Double

  public init(
    exitStatus: Int32?, signal: Int32?, timedOut: Bool, interrupted: Bool, seconds: Double, failedFast: Bool = false
  ) {
    (self.exitStatus, self.signal, self.timedOut, self.interrupted, self.seconds, self.failedFast) = (
      exitStatus, signal, timedOut, interrupted, seconds, failedFast
    )
  }

  public var succeeded: Bool { exitStatus == 0 && !timedOut && !interrupted && !failedFast }
}

/// A launch that could not start.
public struct LaunchError: Error, Sendable, CustomStringConvertible {
  public var executable: String
  public var message: String
  public var description: String { "cannot run \(executable): \(message)" }
}

/// Launches programs with argument lists (swift-subprocess), bounded by a deadline, forwarding a
/// stop request (Ctrl-C) to the program, and blocking the calling thread until the program ends.
public enum ProgramLauncher {
  /// Runs `launch` to its end. A pending ``StopSignal`` (Ctrl-C, SIGTERM to us) is forwarded to
  /// the program as SIGINT, then the tree is killed after the grace period.
  public static func run(_ launch: ProgramLaunch) throws(LaunchError) -> LaunchOutcome {
    do {
      return try runBlocking { try await runAsync(launch) }
    } catch let error as LaunchError {
      throw error
    } catch {
      throw LaunchError(executable: launch.executable, message: "\(error)")
    }
  }

  static func runAsync(_ launch: ProgramLaunch) async throws -> LaunchOutcome {
    var options = PlatformOptions()
    options.processGroupID = 0  // its own group: Ctrl-C reaches us, and we decide what the program gets
    let executable: Executable =
      launch.executable.contains("/") ? .path(FilePath(launch.executable)) : .name(launch.executable)
    let (outputFile, errorFile) = try openOutputFiles(launch)
    let started = ContinuousClock.now
    let ending = EndingFlags()
    let execution = try await Subprocess.run(
      executable, arguments: Arguments(launch.arguments), environment: .inherit.updating(environment(of: launch)),
      workingDirectory: launch.workingDirectory.map { FilePath($0) }, platformOptions: options, input: .none,
      output: outputFile.map { .fileDescriptor($0, closeAfterSpawningProcess: true) } ?? .currentStandardOutput,
      error: errorFile.map { .fileDescriptor($0, closeAfterSpawningProcess: true) } ?? .currentStandardError
    ) { execution in
      Self.watch(execution.processIdentifier.value, launch, started: started, ending: ending)
    }
    execution.closureResult.cancel()
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return ending.outcome(execution.terminationStatus, seconds: seconds)
  }

  /// The variables `launch` adds to the environment, as swift-subprocess takes them.
  private static func environment(of launch: ProgramLaunch) -> [Environment.Key: String?] {
    var overrides: [Environment.Key: String?] = [:]
    for (key, value) in launch.environment {
      if let key = Environment.Key(rawValue: key) { overrides[key] = value }
    }
    return overrides
  }

  /// The files that receive the program's standard output and standard error (created or
  /// truncated); `nil` for one that passes through to ours.
  private static func openOutputFiles(_ launch: ProgramLaunch) throws(LaunchError) -> (
    output: FileDescriptor?, error: FileDescriptor?
  ) {
    func open(_ path: String?) throws -> FileDescriptor? {
      guard let path else { return nil }
      return try FileDescriptor.open(
        FilePath(path), .writeOnly, options: [.create, .truncate],
        permissions: [.ownerReadWrite, .groupRead, .otherRead])
    }
    do {
      return (try open(launch.standardOutputPath), try open(launch.standardErrorPath))
    } catch {
      throw LaunchError(executable: launch.executable, message: "cannot open its output files: \(error)")
    }
  }

  /// Watches the deadline, stop requests and the fail-fast patterns of the program `pid` until
  /// it ends (then the returned task is cancelled). On any of them it records why in `ending`,
  /// signals the program and, after the grace period, kills what is left of its tree.
  private static func watch(
    _ pid: pid_t, _ launch: ProgramLaunch, started: ContinuousClock.Instant, ending: EndingFlags
  ) -> Task<Void, Never> {
    Task {
      let deadline = launch.deadline.map { started.advanced(by: $0) }
      while !Task.isCancelled {
        let stop = StopSignal.pending != nil
        let late = deadline.map { ContinuousClock.now >= $0 } ?? false
        let failed = Self.showsFailure(launch)
        if stop || late || failed {
          ending.timedOut.store(late && !stop && !failed, ordering: .relaxed)
          ending.interrupted.store(stop, ordering: .relaxed)
          ending.failedFast.store(failed && !stop, ordering: .relaxed)
          let family = ProcessTree.descendants(of: pid)
          kill(pid, stop ? SIGINT : SIGTERM)
          // A failed launch has nothing to save, and hydra, told to stop after ssh failed,
          // keeps trying to signal the proxy it never reached: end it soon.
          try? await Task.sleep(for: failed ? .milliseconds(200) : launch.grace)
          ProcessTree.kill(pid, family: family)
          return
        }
        try? await Task.sleep(for: .milliseconds(100))
      }
    }
  }

  /// Whether the launch's standard error file shows one of its fail-fast patterns.
  static func showsFailure(_ launch: ProgramLaunch) -> Bool {
    guard !launch.failFastPatterns.isEmpty, let path = launch.standardErrorPath,
      let handle = FileHandle(forReadingAtPath: path)
    else { return false }
    defer { try? handle.close() }
    let text = String(decoding: (try? handle.read(upToCount: 1 << 16)) ?? Data(), as: UTF8.self)
    return launch.failFastPatterns.contains { text.contains($0) }
  }
}

/// Why the watcher stopped a program, set by its task and read once the program has ended.
private final class EndingFlags: Sendable {
  let failedFast = Atomic<Bool>(false)
  let timedOut = Atomic<Bool>(false)
  let interrupted = Atomic<Bool>(false)

  /// The outcome of a program that ended with `status` after `seconds`.
  func outcome(_ status: TerminationStatus, seconds: Double) -> LaunchOutcome {
    let (timedOut, interrupted, failedFast) = (
      self.timedOut.load(ordering: .relaxed), self.interrupted.load(ordering: .relaxed),
      self.failedFast.load(ordering: .relaxed)
    )
    switch status {
    case .exited(let code):
      return LaunchOutcome(
        exitStatus: code, signal: nil, timedOut: timedOut, interrupted: interrupted, seconds: seconds,
        failedFast: failedFast)
    case .signaled(let signal):
      return LaunchOutcome(
        exitStatus: nil, signal: signal, timedOut: timedOut, interrupted: interrupted, seconds: seconds,
        failedFast: failedFast)
    }
  }
}

/// A launcher and everything it started. Hydra puts its proxies and ranks in sessions of their
/// own, so its process group alone does not reach them: descendants are found through `/proc`.
public enum ProcessTree {
  /// SIGKILL to the program's group and to every process below it (found before and now).
  public static func kill(_ pid: pid_t, family: [pid_t]) {
    let everyone = Set(family + descendants(of: pid))
    Glibc.kill(-pid, SIGKILL)
    Glibc.kill(pid, SIGKILL)
    for member in everyone { Glibc.kill(member, SIGKILL) }
  }

  /// Every process below `root`, from the parent links in `/proc/<pid>/stat`.
  public static func descendants(of root: pid_t) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    var children: [pid_t: [pid_t]] = [:]
    for entry in entries {
      guard let pid = pid_t(entry),
        let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
    }
    var result: [pid_t] = []
    var queue = children[root] ?? []
    while let next = queue.popLast() {
      result.append(next)
      queue += children[next] ?? []
    }
    return result
  }
}
