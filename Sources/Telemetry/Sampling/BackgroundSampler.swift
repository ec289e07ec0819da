import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Samples a node on its own thread every `interval` seconds while a program computes, keeping
/// the rows until ``drain()`` hands them over.
///
/// The thread makes no MPI call and takes no lock the computation holds: it reads kernel files,
/// formats rows, and appends them under a lock only ``drain()`` shares. It runs at the lowest
/// scheduling priority (nice 19), so on a node whose cores are all busy with ranks it takes only
/// the little CPU a sample needs (about a millisecond) and never displaces a rank for long.
/// The first sample is taken at ``start()``, the last one at ``stop()``, so even a run shorter
/// than the interval gets CPU and network figures over its whole length.
public final class BackgroundSampler: @unchecked Sendable {
  /// Seconds between samples.
  public let interval: Double
  private let sampler: NodeSampler
  private let runID: String
  private let condition = NSCondition()
  // Guarded by `condition`:
  private var pending: SamplerBatch
  private var reportedProblems = 0
  private var stopping = false
  private var finished = false
  private var thread: Thread?

  /// A sampler for `sampler`'s node, tagging rows with `runID`.
  public init(sampler: NodeSampler, runID: String, interval: Double) {
    precondition(interval > 0, "the sampling interval must be positive")
    (self.sampler, self.runID, self.interval) = (sampler, runID, interval)
    pending = SamplerBatch(host: sampler.host)
  }

  /// Starts the thread; it samples at once, then every ``interval`` seconds.
  public func start() {
    condition.lock()
    defer { condition.unlock() }
    guard thread == nil else { return }
    let thread = Thread { [self] in loop() }
    thread.name = "telemetry sampler"
    self.thread = thread
    thread.start()
  }

  /// Takes a last sample, stops the thread and waits for it to end.
  public func stop() {
    condition.lock()
    guard thread != nil, !stopping else {
      condition.unlock()
      return
    }
    stopping = true
    condition.broadcast()
    while !finished { condition.wait() }
    condition.unlock()
  }

  /// The rows and problems gathered since the last call (and the CPU the sampling cost).
  public func drain() -> SamplerBatch {
    condition.lock()
    defer { condition.unlock() }
    let batch = pending
    pending = SamplerBatch(host: sampler.host)
    return batch
  }

  private func loop() {
    // On Linux the nice value belongs to a thread, and `who` 0 names the calling thread alone.
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
    var next = Date()
    while true {
      takeSample()
      next = next.addingTimeInterval(interval)
      // Fall behind gracefully: after a stall, sample again one interval from now.
      if next < Date() { next = Date().addingTimeInterval(interval) }
      condition.lock()
      while !stopping, Date() < next { _ = condition.wait(until: next) }
      let stop = stopping
      condition.unlock()
      if stop { break }
    }
    takeSample()
    condition.lock()
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  private func takeSample() {
    let cpuBefore = Self.threadCPUSeconds()
    let sample = sampler.sample()
    var batch = SamplerBatch(host: sampler.host)
    batch.add(sample, runID: runID)
    let newProblems = sampler.problems
    let cpu = Self.threadCPUSeconds() - cpuBefore
    condition.lock()
    for (file, lines) in batch.rows { pending.rows[file, default: []].append(contentsOf: lines) }
    pending.samples += 1
    pending.glance = batch.glance
    pending.cpuSeconds += cpu
    pending.problems += newProblems.dropFirst(reportedProblems)
    reportedProblems = newProblems.count
    condition.unlock()
  }

  /// The CPU time the calling thread has used, in seconds.
  public static func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
