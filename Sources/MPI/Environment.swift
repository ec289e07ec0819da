#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The MPI runtime of this process: start it once, stop it once, and a few process-wide facts.
///
/// `MPI_Init` may run only once per process, so tests initialize once and never finalize
/// (PLATFORM.md section 4). A binary started without `mpiexec` becomes rank 0 of 1
/// (MPICH's singleton init).
public enum MPIEnvironment {
  /// The environment variable that bounds ``finalize()``'s watchdog, in seconds (default 3;
  /// `0`, a negative number or `off` disables it). See ``finalize()``.
  public static let finalizeWatchdogEnvironmentVariable = "CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS"

  /// The environment variable that chooses ``waitPolicy``: `busy`, `yield` or `auto` (the
  /// default). See ``initialize(threadLevel:)``.
  public static let waitPolicyEnvironmentVariable = "CLUSTERBENCH_MPI_WAIT"

  /// Starts MPI, or returns the provided level if it is already running.
  ///
  /// Reads `CLUSTERBENCH_MPI_WAIT` and records the open file descriptors (for the
  /// ``finalize()`` watchdog) first, then calls `MPI_Init_thread` and sets `MPI_ERRORS_RETURN`
  /// on the world communicator (and `MPI_COMM_SELF`), so every error reaches the caller as
  /// ``MPIError`` instead of aborting. Last it chooses ``waitPolicy`` (collective over the
  /// world): `busy` or `yield` as the variable says, or for `auto` (the default) ``WaitPolicy/yielding``
  /// when this node runs more ranks (`MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)`) than the
  /// process may use CPUs (`sched_getaffinity`, else the online CPUs). The processes then
  /// agree: if any chose yielding, every one yields, since blocking and non-blocking
  /// collectives never match each other.
  ///
  /// - Parameter threadLevel: the level asked for (local input; the same on every process).
  /// - Returns: the level MPI provides, which may be lower than asked.
  /// - Throws: ``MPIError`` if MPI cannot start, was already finalized (it cannot restart), or
  ///   an environment variable of this module has a value it does not accept (then MPI is not
  ///   started): `CLUSTERBENCH_MPI_WAIT` other than `busy`, `yield` or `auto`,
  ///   `CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS` other than seconds up to 3600 or `off`, or
  ///   `CLUSTERBENCH_FINALIZE_QUIESCE` other than `on`/`1`/`yes` or `off`/`0`/`no`.
  /// The corresponding C function is `MPI_Init_thread`.
  @discardableResult
  public static func initialize(threadLevel: ThreadLevel = .funneled) throws -> ThreadLevel {
    if CMPI.finalized() {
      throw MPIError.invalidArgument(
        "MPI_Init_thread", "MPI was already finalized; it can start only once per process")
    }
    if !CMPI.initialized() {
      let setting = try WaitPolicy.Setting(environmentValue: environmentValue(waitPolicyEnvironmentVariable))
      // Read at finalize, checked now: a typo must stop the program before its work, not after.
      _ = try FinalizeWatchdog.boundSeconds(environmentValue: environmentValue(finalizeWatchdogEnvironmentVariable))
      _ = try FinalizeQuiesce.isEnabled(environmentValue: environmentValue(FinalizeQuiesce.environmentVariable))
      FinalizeWatchdog.recordDescriptorsBeforeInit()
      _ = try CMPI.initThread(required: threadLevel.cValue)
      try CMPI.setErrorsReturn(Constants.commWorld)
      try CMPI.setErrorsReturn(Constants.commSelf)
      let local = setting.resolve(
        ranksOnNode: try CMPI.processesOnNode(Constants.commWorld),
        availableCPUs: CMPI.availableCPUCount())
      let anyYields = try CMPI.anyProcess(local == .yielding, Constants.commWorld)
      WaitPolicy.current = anyYields ? .yielding : .busy
    }
    return ThreadLevel(cValue: try CMPI.queryThread())
  }

  /// How every blocking call of this module waits (see ``WaitPolicy``); chosen by
  /// ``initialize(threadLevel:)`` and ``WaitPolicy/busy`` before it.
  ///
  /// Setting it is meant for tests and comparisons. It is global input: set the same value on
  /// every process at the same point of the program, between calls (a call in progress
  /// finishes under the policy it started with), or a blocking collective on one process
  /// would meet a non-blocking one on another and never match.
  /// There is no C equivalent.
  public static var waitPolicy: WaitPolicy {
    get { WaitPolicy.current }
    set { WaitPolicy.current = newValue }
  }

  /// Whether ``initialize(threadLevel:)`` (or another `MPI_Init`) has run in this process.
  /// The corresponding C function is `MPI_Initialized`.
  public static var isInitialized: Bool { CMPI.initialized() }

  /// Whether ``finalize()`` has run. The corresponding C function is `MPI_Finalized`.
  public static var isFinalized: Bool { CMPI.finalized() }

  /// Stops MPI (collective over the world). Write and flush every result first.
  ///
  /// MPICH 4.0.2 over UCX/TCP with 3 or more processes hangs in `MPI_Finalize` in about half
  /// of all runs (PLATFORM.md section 6). So a detached watchdog thread starts just before
  /// the call: if `MPI_Finalize` has not returned after the bound in
  /// `CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS` (default 3 seconds; `0` or `off` disables it),
  /// it shuts down (`shutdown(SHUT_RDWR)`) every socket this process opened since `MPI_Init`
  /// that is not listening and is not the PMI connection (`PMI_FD`); so close the program's own
  /// sockets before finalizing. UCX then sees its TCP peers as gone, prints a few ERROR/WARN
  /// lines, the flush completes and every rank returns normally. ``finalizeWatchdogFired`` tells afterwards whether that happened, so a program
  /// can say why UCX complained; the results written before finalize are complete either way.
  /// Before that, when the job can use TCP between processes, every rank exchanges one empty
  /// message with every other rank, waits at a barrier and pauses 0.3 s, which keeps the hang
  /// from happening at all in every trial so far (see `FinalizeQuiesce`;
  /// `CLUSTERBENCH_FINALIZE_QUIESCE=off` skips it).
  /// Calling it when MPI is not running, or a second time, does nothing.
  /// The corresponding C function is `MPI_Finalize`.
  public static func finalize() throws {
    guard CMPI.initialized(), !CMPI.finalized() else { return }
    try FinalizeQuiesce.runIfNeeded()
    let value = environmentValue(finalizeWatchdogEnvironmentVariable)
    // Checked by initialize(); a value changed since then falls back to the default.
    let bound: Double?
    do { bound = try FinalizeWatchdog.boundSeconds(environmentValue: value) } catch { bound = 3 }
    let watch = bound.flatMap { FinalizeWatchdog.arm(seconds: $0) }
    defer { watch?.finish() }
    try CMPI.finalize()
  }

  /// Whether the ``finalize()`` watchdog had to shut this process's TCP connections down
  /// because `MPI_Finalize` did not return within its bound.
  public static var finalizeWatchdogFired: Bool {
    FinalizeWatchdog.fired.load(ordering: .acquiring)
  }

  /// How many sockets the ``finalize()`` watchdog shut down (0 if it did not fire).
  public static var finalizeWatchdogSocketCount: Int {
    FinalizeWatchdog.shutDownCount.load(ordering: .acquiring)
  }

  /// Ends every process of `communicator`'s job with `code`, so no peer waits forever in a
  /// collective. Print the reason (once, on one rank) before calling it.
  ///
  /// If MPI is not running, or `MPI_Abort` returns, the process exits with `code`.
  /// The corresponding C function is `MPI_Abort`.
  public static func abort(code: Int32 = 1, communicator: Communicator = .world) -> Never {
    fflush(nil)  // every C stream, so results printed before the abort are not lost
    if CMPI.initialized(), !CMPI.finalized() {
      CMPI.abort(communicator.handle, code: code)
    }
    exit(code)
  }

  /// Seconds since an arbitrary moment in the past, on a clock local to this process.
  /// The corresponding C function is `MPI_Wtime`.
  public static func wallTime() -> Double { CMPI.wallTime() }

  /// The resolution of ``wallTime()`` in seconds. The corresponding C function is `MPI_Wtick`.
  public static var wallTimeResolution: Double { CMPI.wallTick() }

  /// The name of the node this process runs on (the host name, or the name a launcher gave
  /// it). Before ``initialize(threadLevel:)`` or if MPI fails, the host name from `gethostname`.
  /// The corresponding C function is `MPI_Get_processor_name`.
  /// The MPI library's version text (`MPI_Get_library_version`), e.g. `MPICH Version: 4.0.2 …`;
  /// works before `MPI_Init` too.
  public static var libraryVersion: String {
    (try? CMPI.libraryVersion()) ?? "unknown"
  }

  /// The first line of ``libraryVersion`` without its padding: `MPICH Version: 4.0.2`.
  public static var libraryVersionLine: String {
    libraryVersion.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
  }

  public static var processorName: String {
    if CMPI.initialized(), !CMPI.finalized(), let name = try? CMPI.processorName() {
      return name
    }
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// This process's rank as told by the launcher (Hydra sets `PMI_RANK` before `MPI_Init`),
  /// so argument errors can be printed once before MPI starts; `nil` for a singleton.
  public static var launcherRank: Int? { environmentInteger("PMI_RANK") }

  /// The number of processes the launcher started (`PMI_SIZE`); `nil` for a singleton.
  public static var launcherSize: Int? { environmentInteger("PMI_SIZE") }

  private static func environmentInteger(_ name: String) -> Int? {
    environmentValue(name).flatMap { Int($0) }
  }

  /// The value of the environment variable `name`, or nil when it is unset.
  private static func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }
}
