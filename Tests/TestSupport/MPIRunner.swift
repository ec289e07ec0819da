import ClusterBench
import Foundation
import Subprocess
import Synchronization

#if canImport(System)
  import System
#else
  import SystemPackage
#endif

/// Runs a built executable of this package under MPICH's `mpiexec`, with a deadline of its own.
///
/// `swift test` builds the package's executables next to the test binary (PLATFORM.md
/// section 5), so ``executable(named:)`` finds them in ``buildFolder``. A run passes an argument
/// array (never a shell string), a working directory and extra environment variables, and
/// collects the exit status, standard output and standard error. A run that outlives its
/// deadline is stopped (SIGTERM to `mpiexec`, which Hydra forwards to the ranks, then SIGKILL to
/// its process group and every descendant) and reported as timed out, so a hung rank fails a
/// test instead of hanging `swift test`. Keep the deadline below the test's `.timeLimit`.
public struct MPIRunner: Sendable {
  /// The launcher: `/usr/bin/mpiexec.mpich` (always MPICH's Hydra), else `mpiexec` on `PATH`.
  public var launcher: String
  /// Arguments placed before `-n`, such as `["-genv", "UCX_TLS", "tcp,self"]`.
  public var launcherArguments: [String]
  /// How long a run may take before it is stopped.
  public var deadline: Duration
  /// The most a run that must stop at once (bad input, a refused size) may take: mpiexec's start
  /// and exit take seconds on a loaded 2-core machine running the whole suite in parallel (CI has
  /// seen 20 s), but a rank left waiting in a collective would be stopped at the 60 s deadline of
  /// the suites that check this, and fail it.
  public static let promptExit: Duration = .seconds(45)
  /// The most bytes collected from each of standard output and standard error.
  public var outputLimit: Int

  /// A runner with the default launcher.
  public init(
    launcher: String = MPIRunner.defaultLauncher, launcherArguments: [String] = [],
    deadline: Duration = .seconds(40), outputLimit: Int = 16 << 20
  ) {
    self.launcher = launcher
    self.launcherArguments = launcherArguments
    self.deadline = deadline
    self.outputLimit = outputLimit
  }

  /// `/usr/bin/mpiexec.mpich` when it exists, else `mpiexec` (looked up on `PATH`).
  public static var defaultLauncher: String {
    let mpich = "/usr/bin/mpiexec.mpich"
    return FileManager.default.isExecutableFile(atPath: mpich) ? mpich : "mpiexec"
  }

  /// The folder of the running test binary, where SwiftPM also puts the package's executables
  /// (`.build/<triple>/debug/` for `swift test` on Linux).
  public static var buildFolder: URL {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = binary.deletingLastPathComponent()
    // On Apple platforms the binary sits inside `<Pkg>PackageTests.xctest/Contents/MacOS/`.
    while folder.path.contains(".xctest") {
      folder = folder.deletingLastPathComponent()
    }
    return folder
  }

  /// The path of the package executable `name` in ``buildFolder``, or `nil` if it was not built.
  public static func executable(named name: String) -> String? {
    let path = buildFolder.appendingPathComponent(name).path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
  }

  /// Runs `executable` on `processes` ranks and waits for it, or for the deadline.
  ///
  /// - Parameters:
  ///   - executable: the program's path (see ``executable(named:)``).
  ///   - arguments: its arguments, passed as they are.
  ///   - processes: the number of ranks (`-n`).
  ///   - workingDirectory: where it runs; the current directory if `nil`.
  ///   - environment: variables added to this process's environment for the run.
  /// - Throws: when `mpiexec` cannot be started or prints more than ``outputLimit`` bytes.
  public func run(
    _ executable: String, arguments: [String] = [], processes: Int,
    workingDirectory: String? = nil, environment: [String: String] = [:]
  ) async throws -> MPIRunResult {
    try await launch(
      launcher, launcherArguments + ["-n", String(processes), executable] + arguments,
      workingDirectory: workingDirectory, environment: environment)
  }

  /// One part of a multi-segment (MPMD) launch: `-n processes -env K V ... executable arguments`.
  /// Hydra gives each segment its own environment, so segments can stand for different nodes.
  public struct Segment: Sendable {
    public var processes: Int
    public var environment: [String: String]
    public var executable: String
    public var arguments: [String]

    public init(processes: Int, environment: [String: String] = [:], executable: String, arguments: [String] = []) {
      (self.processes, self.environment, self.executable, self.arguments) = (
        processes, environment, executable, arguments
      )
    }
  }

  /// Runs `segments` as one job (`mpiexec -n 2 -env ... a : -n 2 -env ... b`); see ``run(_:arguments:processes:workingDirectory:environment:)``.
  public func run(segments: [Segment], workingDirectory: String? = nil) async throws -> MPIRunResult {
    var commandLine = launcherArguments
    for (index, segment) in segments.enumerated() {
      if index > 0 { commandLine.append(":") }
      commandLine += ["-n", String(segment.processes)]
      for (key, value) in segment.environment.sorted(by: { $0.key < $1.key }) { commandLine += ["-env", key, value] }
      commandLine += [segment.executable] + segment.arguments
    }
    return try await launch(launcher, commandLine, workingDirectory: workingDirectory, environment: [:])
  }

  /// Runs `executable` alone, without a launcher (an MPI program then runs as a singleton), with
  /// the same deadline handling: at the deadline it gets SIGTERM, 2 s later SIGKILL.
  public func runAlone(
    _ executable: String, arguments: [String] = [], workingDirectory: String? = nil,
    environment: [String: String] = [:]
  ) async throws -> MPIRunResult {
    try await launch(executable, arguments, workingDirectory: workingDirectory, environment: environment)
  }

  private func launch(
    _ launcher: String, _ commandLine: [String], workingDirectory: String?, environment: [String: String]
  ) async throws -> MPIRunResult {
    var overrides: [Environment.Key: String?] = [:]
    for (key, value) in environment {
      if let key = Environment.Key(rawValue: key) { overrides[key] = value }
    }
    var options = PlatformOptions()
    options.processGroupID = 0  // its own group, so the deadline can signal all of it
    let timedOut = Flag()
    let finished = Flag()
    let started = ContinuousClock.now
    let deadline = self.deadline
    let launcherExecutable: Executable =
      launcher.contains("/") ? .path(FilePath(launcher)) : .name(launcher)
    let result = try await Subprocess.run(
      launcherExecutable,
      arguments: Arguments(commandLine),
      environment: .inherit.updating(overrides),
      workingDirectory: workingDirectory.map { FilePath($0) },
      platformOptions: options,
      input: .none,
      output: .string(limit: outputLimit),
      error: .string(limit: outputLimit)
    ) { execution in
      let pid = execution.processIdentifier.value
      // On a dispatch queue, not a Task: a suite running in parallel can keep the cooperative pool's threads
      // busy for many seconds, and the deadline must not wait for them. A run that is over is never signalled.
      let (seconds, attoseconds) = deadline.components
      DispatchQueue.global().asyncAfter(deadline: .now() + Double(seconds) + Double(attoseconds) * 1e-18) {
        guard !finished.isSet else { return }
        timedOut.set()
        let family = LauncherStop.terminate(pid)
        Thread.sleep(forTimeInterval: 2)
        guard !finished.isSet else { return }
        LauncherStop.kill(pid, family: family)
      }
    }
    finished.set()
    let status: MPIRunResult.Termination =
      switch result.terminationStatus {
      case .exited(let code): .exited(code)
      case .signaled(let signal): .signaled(signal)
      }
    return MPIRunResult(
      commandLine: [launcher] + commandLine, termination: status,
      standardOutput: result.standardOutput, standardError: result.standardError,
      timedOut: timedOut.isSet, duration: ContinuousClock.now - started)
  }

  /// The path of the package executable `name`; throws ``MPIRunnerError/executableNotBuilt(_:folder:)``
  /// when it was not built.
  public static func path(ofExecutable name: String) throws -> String {
    guard let path = executable(named: name) else {
      throw MPIRunnerError.executableNotBuilt(name, folder: buildFolder.path)
    }
    return path
  }

  /// Runs the package executable `name` (see ``executable(named:)``); throws
  /// ``MPIRunnerError/executableNotBuilt(_:folder:)`` when it is missing.
  public func run(
    executableNamed name: String, arguments: [String] = [], processes: Int,
    workingDirectory: String? = nil, environment: [String: String] = [:]
  ) async throws -> MPIRunResult {
    guard let path = MPIRunner.executable(named: name) else {
      throw MPIRunnerError.executableNotBuilt(name, folder: MPIRunner.buildFolder.path)
    }
    return try await run(
      path, arguments: arguments, processes: processes, workingDirectory: workingDirectory,
      environment: environment)
  }
}

/// A flag the deadline timer and the runner set and read.
final class Flag: Sendable {
  private let value = Atomic<Bool>(false)
  func set() { value.store(true, ordering: .releasing) }
  var isSet: Bool { value.load(ordering: .acquiring) }
}

/// What an ``MPIRunner`` run did.
public struct MPIRunResult: Sendable, CustomStringConvertible {
  /// How the launcher ended.
  public enum Termination: Sendable, Equatable {
    /// It exited with this status.
    case exited(Int32)
    /// A signal with this number ended it.
    case signaled(Int32)
  }

  /// The launcher and its arguments, as run.
  public let commandLine: [String]
  /// How `mpiexec` ended.
  public let termination: Termination
  /// Everything the ranks wrote to standard output (Hydra merges them).
  public let standardOutput: String
  /// Everything the ranks and the launcher wrote to standard error.
  public let standardError: String
  /// Whether the run hit its deadline and was stopped.
  public let timedOut: Bool
  /// How long the run took.
  public let duration: Duration

  /// The exit status, or `nil` when a signal ended the launcher.
  public var exitStatus: Int32? {
    if case .exited(let code) = termination { code } else { nil }
  }

  /// Whether the run exited with status 0 before its deadline.
  public var succeeded: Bool { !timedOut && termination == .exited(0) }

  /// The standard output split into lines.
  public var outputLines: [String] {
    standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// The command, outcome and both outputs, for a failing test's message.
  public var description: String {
    """
    \(commandLine.joined(separator: " "))
    \(timedOut ? "TIMED OUT after" : "ended") \(termination) in \(duration)
    --- stdout ---
    \(standardOutput)
    --- stderr ---
    \(standardError)
    """
  }
}

/// Why an ``MPIRunner`` run could not start.
public enum MPIRunnerError: Error, CustomStringConvertible {
  /// The package executable was not found in the build folder.
  case executableNotBuilt(String, folder: String)

  public var description: String {
    switch self {
    case .executableNotBuilt(let name, let folder):
      "executable '\(name)' not found in \(folder); `swift build` builds it"
    }
  }
}

/// Stops a launcher and everything it started (hydra's proxies and ranks live in sessions of
/// their own): the descendants are collected from `/proc` first, by ClusterBench's `ProcessTree`.
enum LauncherStop {
  /// Sends SIGTERM to the launcher, which hydra forwards to the ranks; returns the processes
  /// below it, for ``kill(_:family:)`` if they outlive the grace period.
  static func terminate(_ pid: pid_t) -> [pid_t] {
    let family = ProcessTree.descendants(of: pid)
    Foundation.kill(pid, SIGTERM)
    return family
  }

  /// SIGKILL to the launcher's process group and everything below it.
  static func kill(_ pid: pid_t, family: [pid_t]) {
    ProcessTree.kill(pid, family: family)
  }
}
