import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT and SIGTERM turned into a flag a loop can poll, so a long-running command ends cleanly
/// (its last rows written, its files closed) when the user presses Ctrl-C or a scheduler stops it.
public enum StopSignal {
  private static let received = Atomic<Int32>(0)

  /// Installs the handlers. A second signal of the same kind after the first ends the process
  /// at once, as users expect from a second Ctrl-C.
  public static func install() {
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber) { number in
        if StopSignal.received.exchange(number, ordering: .relaxed) == number { _exit(128 + number) }
      }
    }
  }

  /// The signal that asked to stop, or `nil`.
  public static var pending: Int32? {
    let number = received.load(ordering: .relaxed)
    return number == 0 ? nil : number
  }

  /// Asks the loop to stop as a signal would (tests, a duration that ran out).
  public static func request(_ number: Int32 = SIGTERM) {
    received.store(number, ordering: .relaxed)
  }

  /// Sleeps until `deadline` (seconds on `clock`'s monotonic scale) or a stop request, whichever
  /// comes first, waking every 50 ms to check.
  public static func sleep(until deadline: ContinuousClock.Instant) {
    while pending == nil {
      let left = ContinuousClock.now.duration(to: deadline)
      if left <= .zero { return }
      let step = min(left, .milliseconds(50))
      let (seconds, attoseconds) = step.components
      var time = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
      nanosleep(&time, nil)
    }
  }
}
