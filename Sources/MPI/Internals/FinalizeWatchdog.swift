import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Bounds `MPI_Finalize` against MPICH 4.0.2's TCP finalize deadlock (PLATFORM.md section 6).
///
/// With UCX over TCP and three or more processes, about half of all runs never return from
/// `MPI_Finalize`: one rank spins flushing its TCP endpoints while its peers sit in the PMI
/// barrier and no longer progress UCX. Shutting down (`SHUT_RDWR`) the rank's TCP connections
/// lets the flush complete; every rank then returns `MPI_SUCCESS` and exits normally.
///
/// Only sockets opened since `MPI_Init` are touched, never a listening socket (UCX asserts and
/// the rank aborts), never one inherited from the launcher, and never the PMI connection
/// (`PMI_FD`): closing those makes `mpiexec` fail. Hence the descriptors are recorded before
/// `MPI_Init`, and the watchdog thread runs only while `MPI_Finalize` is in progress.
internal enum FinalizeWatchdog {
  /// The descriptors open before `MPI_Init`; `nil` until recorded.
  static let descriptorsBeforeInit = Mutex<Set<Int32>?>(nil)
  /// Whether the watchdog shut sockets down in this process.
  static let fired = Atomic<Bool>(false)
  /// How many sockets it shut down.
  static let shutDownCount = Atomic<Int>(0)

  /// Records the open descriptors; call just before `MPI_Init`. Later calls keep the first set.
  static func recordDescriptorsBeforeInit() {
    descriptorsBeforeInit.withLock { recorded in
      if recorded == nil { recorded = FileDescriptors.open() }
    }
  }

  /// The longest bound accepted, in seconds: an hour; a finalize that has not returned by then
  /// never will.
  static let maximumSeconds = 3600.0

  /// The bound from `CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS` (default 3 s, also when unset or
  /// empty); `nil` when the variable is `0`, negative or `off`, which disables the watchdog.
  ///
  /// - Throws: ``MPIError`` naming the variable, its value and what is accepted, for anything
  ///   else (a word, `nan`, `inf`, more than ``maximumSeconds``), so a typo is not silently the
  ///   default. ``MPIEnvironment/initialize(threadLevel:)`` checks it before MPI starts.
  static func boundSeconds(environmentValue: String?) throws -> Double? {
    guard let text = environmentValue?.trimmingSpaces, !text.isEmpty else { return 3 }
    if text.lowercased() == "off" { return nil }
    let decimal = text.allSatisfy { $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }
    guard decimal, let seconds = Double(text), seconds.isFinite, seconds <= maximumSeconds else {
      throw MPIError.invalidArgument(
        "MPIEnvironment.initialize",
        "\(MPIEnvironment.finalizeWatchdogEnvironmentVariable) is '\(environmentValue ?? "")'; "
          + "expected the seconds MPI_Finalize may take before the watchdog releases it (a number "
          + "up to \(Int(maximumSeconds)); the default is 3), or 0, a negative number or off to "
          + "disable the watchdog")
    }
    return seconds > 0 ? seconds : nil
  }

  /// Starts a detached thread that fires after `seconds` unless `finish()` is called first.
  static func arm(seconds: Double) -> Watch? {
    let before = descriptorsBeforeInit.withLock { $0 } ?? FileDescriptors.open()
    let watch = Watch(seconds: seconds, before: before, pmi: FileDescriptors.pmiDescriptor)
    let context = Unmanaged.passRetained(watch).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(
      &thread, nil,
      { raw in
        let watch = Unmanaged<Watch>.fromOpaque(raw!).takeRetainedValue()
        watch.run()
        return nil
      }, context)
    guard started == 0 else {
      Unmanaged<Watch>.fromOpaque(context).release()
      return nil
    }
    pthread_detach(thread)
    return watch
  }

  /// Shuts down every connection socket opened since `MPI_Init`, except the PMI connection.
  static func shutDownNewConnections(before: Set<Int32>, pmi: Int32?) -> Int {
    var count = 0
    for descriptor in FileDescriptors.newConnectionSockets(before: before, pmi: pmi)
    where FileDescriptors.shutDown(descriptor) {
      count += 1
    }
    return count
  }

  /// One armed watchdog: the state its thread shares with `MPIEnvironment.finalize()`.
  final class Watch: Sendable {
    let finished = Atomic<Bool>(false)
    let seconds: Double
    let before: Set<Int32>
    let pmi: Int32?

    init(seconds: Double, before: Set<Int32>, pmi: Int32?) {
      self.seconds = seconds
      self.before = before
      self.pmi = pmi
    }

    /// Tells the thread that `MPI_Finalize` returned.
    func finish() { finished.store(true, ordering: .releasing) }

    /// Polls every 10 ms; fires once per elapsed bound (at most 5 times) while finalize runs.
    fileprivate func run() {
      let clock = ContinuousClock()
      var deadline = clock.now + .milliseconds(Int64(seconds * 1000))
      var firings = 0
      while !finished.load(ordering: .acquiring), firings < 5 {
        usleep(10_000)
        guard clock.now >= deadline, !finished.load(ordering: .acquiring) else { continue }
        let count = FinalizeWatchdog.shutDownNewConnections(before: before, pmi: pmi)
        FinalizeWatchdog.fired.store(true, ordering: .releasing)
        FinalizeWatchdog.shutDownCount.add(count, ordering: .relaxed)
        firings += 1
        deadline = clock.now + .milliseconds(Int64(seconds * 1000))
      }
    }
  }
}

extension FileDescriptors {
  /// Connection sockets (not listening) open now that were not open in `before`, without `pmi`.
  static func newConnectionSockets(before: Set<Int32>, pmi: Int32?) -> [Int32] {
    open().subtracting(before).filter { $0 != pmi && isConnectionSocket($0) }.sorted()
  }
}
