import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Samples a node on its own thread while a program computes, keeping the rows until
/// ``drain()`` hands them over: every `interval` seconds, or only when asked (``sampleNow()``).
///
/// The thread makes no MPI call and takes no lock the computation holds: it reads kernel files,
/// formats rows, and appends them under a lock only this object's methods share, never while a
/// read is under way. Beside a computation it runs at the lowest scheduling priority (nice 19),
/// so on a node whose cores are all busy with ranks it takes only the little CPU a sample needs
/// (about a millisecond) and never displaces a rank for long; a program that only samples (the
/// monitor, which waits for each sample) keeps its own priority, or a busy node would starve it. On an interval, the first sample is taken
/// at ``start()`` and the last one at ``stop()``, so even a run shorter than the interval gets
/// CPU and network figures over its whole length.
///
/// A sysfs read can block in its driver (a slow I2C or 1-wire sensor, a hung bus), and no thread
/// can be pulled out of a read. So nothing waits for a sample longer than ``timeLimit``: past it,
/// ``stop()`` returns and abandons the sample, ``sampleNow()`` stops waiting, and the stuck
/// sample is said once in the problems ``drain()`` hands over, naming the source being read.
/// The thread is left to end by itself if the read ever returns.
public final class BackgroundSampler: @unchecked Sendable {
  /// What a sample may take before it counts as stuck, by default. A sample takes about a
  /// millisecond; a slow sensor (a 1-wire DS18B20 takes 750 ms, an I2C transfer times out after
  /// 1 s) a few hundred; 5 s is well past those and still a short wait at the end of a run.
  public static let defaultTimeLimit = 5.0

  /// Seconds between samples; `nil` when the thread samples only when asked.
  public let interval: Double?
  /// Seconds that ``stop()`` and ``sampleNow()`` wait for a sample before giving up on it.
  public let timeLimit: Double
  /// Whether the thread lowers itself to nice 19 (beside a computation).
  public let yieldsToComputation: Bool
  private let host: String
  private let runID: String
  /// Takes one sample on the thread, telling `reading` the source it reads; returns it and the
  /// problems first seen in it.
  private let take: (_ reading: @escaping (String) -> Void) -> (sample: NodeSample, problems: [String])
  private let condition = NSCondition()
  // Guarded by `condition`:
  private var pending: SamplerBatch
  private var stopping = false
  private var finished = false
  private var thread: Thread?
  /// Samples asked for by ``sampleNow()``, and the requests served by samples taken.
  private var requested = 0
  private var served = 0
  /// When the sample under way began (`nil` between samples), and the source it is reading.
  private var busySince: ContinuousClock.Instant?
  private var reading = ""
  /// Whether the sample under way was said to be stuck; whether it was abandoned by ``stop()``.
  private var stuckReported = false
  private var abandoned = false

  /// A sampler for `sampler`'s node, tagging rows with `runID`.
  public convenience init(
    sampler: NodeSampler, runID: String, interval: Double?, timeLimit: Double = BackgroundSampler.defaultTimeLimit,
    yieldsToComputation: Bool = true
  ) {
    var reported = 0
    self.init(
      host: sampler.host, runID: runID, interval: interval, timeLimit: timeLimit,
      yieldsToComputation: yieldsToComputation
    ) { reading in
      sampler.willRead = reading
      let sample = sampler.sample()
      defer { reported = sampler.problems.count }
      return (sample, Array(sampler.problems.dropFirst(reported)))
    }
  }

  /// A sampler that calls `sample` on its thread for each sample of `host`; `sample` tells the
  /// closure it is given the name of each source before reading it, and returns the sample and
  /// the problems first seen in it. For sources other than a ``NodeSampler`` (and tests).
  public init(
    host: String, runID: String, interval: Double?, timeLimit: Double = BackgroundSampler.defaultTimeLimit,
    yieldsToComputation: Bool = true,
    sample: @escaping (_ reading: @escaping (String) -> Void) -> (sample: NodeSample, problems: [String])
  ) {
    precondition(interval.map { $0 > 0 } ?? true, "the sampling interval must be positive")
    precondition(timeLimit > 0, "the time limit must be positive")
    (self.host, self.runID, self.interval, self.timeLimit, self.take) = (host, runID, interval, timeLimit, sample)
    self.yieldsToComputation = yieldsToComputation
    pending = SamplerBatch(host: host)
  }

  /// Starts the thread; on an interval it samples at once, then every ``interval`` seconds.
  public func start() {
    condition.lock()
    defer { condition.unlock() }
    guard thread == nil else { return }
    let thread = Thread { [self] in loop() }
    thread.name = "telemetry sampler"
    self.thread = thread
    thread.start()
  }

  /// Takes a last sample (on an interval), stops the thread and waits for it to end, at most
  /// ``timeLimit`` seconds in all, and not at all for a sample already stuck. Returns `false` when it gave up: a sample was stuck in a read,
  /// and is abandoned (said once in the next ``drain()``); its rows, if the read ever returns,
  /// are dropped.
  @discardableResult
  public func stop() -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard thread != nil, !stopping else { return finished || thread == nil }
    stopping = true
    condition.broadcast()
    let deadline = ContinuousClock.now.advanced(by: .seconds(timeLimit))
    while !finished {
      // A sample already past its time limit is given no more.
      if ContinuousClock.now >= deadline || isStuck {
        abandoned = true
        noteStuck(
          "sampling: the last sample did not finish within \(Self.seconds(timeLimit)) of the end, \(readingText); "
            + "it is abandoned so that the program can end")
        return false
      }
      // Wake when the sample under way becomes stuck, if that comes before the deadline.
      wait(until: min(deadline, busySince?.advanced(by: .seconds(timeLimit)) ?? deadline))
    }
    return true
  }

  /// Asks the thread for a sample now and waits until it is among ``drain()``'s rows, at most
  /// ``timeLimit`` seconds, and not at all while an earlier sample is stuck. Returns whether
  /// the sample was taken.
  @discardableResult
  public func sampleNow() -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard thread != nil, !stopping else { return false }
    requested += 1
    let ticket = requested
    condition.broadcast()
    let deadline = ContinuousClock.now.advanced(by: .seconds(timeLimit))
    while served < ticket {
      if isStuck || ContinuousClock.now >= deadline {
        noteStuck(stuckMessage)
        return false
      }
      let sampleDeadline = busySince?.advanced(by: .seconds(timeLimit)) ?? deadline
      wait(until: min(deadline, sampleDeadline))
    }
    return true
  }

  /// The rows and problems gathered since the last call (and the CPU the sampling cost); a
  /// sample stuck past ``timeLimit`` is said here, once.
  public func drain() -> SamplerBatch {
    condition.lock()
    defer { condition.unlock() }
    if isStuck { noteStuck(stuckMessage) }
    let batch = pending
    pending = SamplerBatch(host: host)
    return batch
  }

  private func loop() {
    // On Linux the nice value belongs to a thread, and `who` 0 names the calling thread alone.
    if yieldsToComputation { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19) }
    defer {
      condition.lock()
      finished = true
      condition.broadcast()
      condition.unlock()
    }
    let clock = ContinuousClock()
    var next = clock.now
    if interval != nil, !takeSample() { return }
    while true {
      if let interval {
        next = next.advanced(by: .seconds(interval))
        // Fall behind gracefully: after a stall, sample again one interval from now.
        if next < clock.now { next = clock.now.advanced(by: .seconds(interval)) }
      }
      condition.lock()
      while !stopping, requested <= served, interval == nil || clock.now < next {
        wait(until: interval == nil ? clock.now.advanced(by: .seconds(3600)) : next)
      }
      let stop = stopping
      condition.unlock()
      if stop { break }
      if !takeSample() { return }
    }
    if interval != nil { _ = takeSample() }
  }

  /// Takes one sample into the pending batch; `false` when ``stop()`` abandoned it meanwhile.
  private func takeSample() -> Bool {
    condition.lock()
    let ticket = requested
    (busySince, reading, stuckReported) = (.now, "", false)
    condition.broadcast()
    condition.unlock()

    let cpuBefore = Self.threadCPUSeconds()
    let (sample, problems) = take { [self] source in
      condition.lock()
      reading = source
      condition.unlock()
    }
    var batch = SamplerBatch(host: host)
    batch.add(sample, runID: runID)
    let cpu = Self.threadCPUSeconds() - cpuBefore

    condition.lock()
    defer {
      condition.broadcast()
      condition.unlock()
    }
    busySince = nil
    guard !abandoned else { return false }
    for (file, lines) in batch.rows { pending.rows[file, default: []].append(contentsOf: lines) }
    pending.samples += 1
    pending.glance = batch.glance
    pending.cpuSeconds += cpu
    pending.problems += problems
    served = max(served, ticket)
    return true
  }

  // MARK: - With `condition` held

  /// Whether the sample under way has run ``timeLimit`` seconds or more.
  private var isStuck: Bool {
    busySince.map { ContinuousClock.now >= $0.advanced(by: .seconds(timeLimit)) } ?? false
  }

  private var readingText: String { reading.isEmpty ? "blocked in a read" : "blocked reading \(reading)" }

  private var stuckMessage: String {
    "sampling: a sample has not finished after \(Self.seconds(timeLimit)), \(readingText) (a sensor whose "
      + "driver does not answer, such as a slow I2C sensor); the node has no new rows until the read returns"
  }

  /// Adds `message` to the pending problems, once per stuck sample.
  private func noteStuck(_ message: String) {
    guard !stuckReported else { return }
    stuckReported = true
    pending.problems.append(message)
  }

  private func wait(until deadline: ContinuousClock.Instant) {
    let left = ContinuousClock.now.duration(to: deadline)
    let (seconds, attoseconds) = left.components
    _ = condition.wait(until: Date().addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18))
  }

  private static func seconds(_ value: Double) -> String { String(format: "%g s", value) }

  /// The CPU time the calling thread has used, in seconds.
  public static func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
