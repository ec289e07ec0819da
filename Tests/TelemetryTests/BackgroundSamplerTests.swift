import Foundation
import Telemetry
import Testing

/// A read that blocks in its driver (a slow I2C sensor) cannot stop a run: nothing waits for a
/// sample longer than the sampler's time limit, and the stuck sample is said once. The samplers
/// here keep their priority (`yieldsToComputation: false`): at nice 19, a test run that loads
/// every core could delay the thread past these half-second limits, testing the scheduler
/// rather than the time limits.
@Suite(.timeLimit(.minutes(1))) struct BackgroundSamplerTests {
  /// A sampling closure whose calls from `blockFrom` on wait until ``release()``, as a read stuck
  /// in the kernel does.
  final class BlockingSource: @unchecked Sendable {
    let blockFrom: Int
    private let condition = NSCondition()
    private var calls = 0
    private var released = false

    init(blockFrom: Int) { self.blockFrom = blockFrom }

    /// The sample closure for a ``BackgroundSampler``.
    func sample(_ reading: (String) -> Void) -> (sample: NodeSample, problems: [String]) {
      reading("hwmon")
      condition.lock()
      calls += 1
      condition.broadcast()
      if calls >= blockFrom { while !released { condition.wait() } }
      condition.unlock()
      return (NodeSample(timestamp: Date(), host: "n", loadAverage: try? LoadAverage(parsing: "1 1 1")), [])
    }

    /// Waits until the closure has been called `count` times.
    func waitForCalls(_ count: Int) {
      condition.lock()
      while calls < count { condition.wait() }
      condition.unlock()
    }

    func release() {
      condition.lock()
      released = true
      condition.broadcast()
      condition.unlock()
    }

    var callCount: Int {
      condition.lock()
      defer { condition.unlock() }
      return calls
    }
  }

  static let stuck =
    "sampling: a sample has not finished after 0.5 s, blocked reading hwmon (a sensor whose driver does not "
    + "answer, such as a slow I2C sensor); the node has no new rows until the read returns"

  @Test func stopReturnsWithinTheTimeLimitWhenTheLastSampleIsStuck() {
    let source = BlockingSource(blockFrom: 3)
    defer { source.release() }
    let sampler = BackgroundSampler(
      host: "n", runID: "r", interval: 0.1, timeLimit: 0.5, yieldsToComputation: false, sample: source.sample)
    sampler.start()
    source.waitForCalls(2)
    let clock = ContinuousClock()
    let began = clock.now
    // The third sample (the interval's or stop's own last one) never returns.
    let stopped = sampler.stop()
    #expect(clock.now - began < .seconds(2))
    #expect(!stopped)
    let batch = sampler.drain()
    #expect(batch.samples == 2)
    #expect(batch.problems.count == 1)
    #expect(batch.problems.first?.hasPrefix("sampling: ") == true)
    #expect(batch.problems.first?.contains("blocked reading hwmon") == true)
    // Stopping again neither waits nor says it twice; a stuck read that returns adds no rows.
    #expect(!sampler.stop())
    source.release()
    Thread.sleep(forTimeInterval: 0.2)
    #expect(sampler.drain() == SamplerBatch(host: "n"))
  }

  @Test func aStuckSampleIsSaidOnceWhileTheRunGoesOn() {
    let source = BlockingSource(blockFrom: 2)
    defer { source.release() }
    let sampler = BackgroundSampler(
      host: "n", runID: "r", interval: 0.1, timeLimit: 0.5, yieldsToComputation: false, sample: source.sample)
    sampler.start()
    source.waitForCalls(2)
    Thread.sleep(forTimeInterval: 0.8)
    let first = sampler.drain()
    #expect(first.samples == 1 && first.problems == [Self.stuck])
    Thread.sleep(forTimeInterval: 0.2)
    #expect(sampler.drain().problems.isEmpty)
    // The read returns: its sample's rows arrive after all, and sampling goes on.
    source.release()
    Thread.sleep(forTimeInterval: 0.5)
    #expect(sampler.drain().samples >= 1)
    #expect(sampler.stop())
  }

  @Test func sampleNowWaitsAtMostTheTimeLimitAndNotAgainWhileStuck() {
    let source = BlockingSource(blockFrom: 2)
    defer { source.release() }
    let sampler = BackgroundSampler(
      host: "n", runID: "r", interval: nil, timeLimit: 0.5, yieldsToComputation: false, sample: source.sample)
    sampler.start()
    // On request only: nothing is sampled until asked.
    Thread.sleep(forTimeInterval: 0.2)
    #expect(source.callCount == 0)
    #expect(sampler.sampleNow())
    #expect(sampler.drain().samples == 1)
    let clock = ContinuousClock()
    var began = clock.now
    #expect(!sampler.sampleNow())
    #expect(clock.now - began < .seconds(2))
    began = clock.now
    #expect(!sampler.sampleNow())
    #expect(clock.now - began < .milliseconds(300))
    let batch = sampler.drain()
    #expect(batch.samples == 0 && batch.problems == [Self.stuck])
    // Once the read returns (and the thread has handed its sample over), asking works again.
    source.release()
    Thread.sleep(forTimeInterval: 0.2)
    #expect(sampler.sampleNow())
    #expect(sampler.drain().samples >= 2)
    began = clock.now
    #expect(sampler.stop())
    #expect(clock.now - began < .seconds(1))
  }

  @Test func stopDoesNotWaitForASampleAlreadyStuck() {
    let source = BlockingSource(blockFrom: 1)
    defer { source.release() }
    let sampler = BackgroundSampler(
      host: "n", runID: "r", interval: nil, timeLimit: 0.5, yieldsToComputation: false, sample: source.sample)
    sampler.start()
    #expect(!sampler.sampleNow())
    let clock = ContinuousClock()
    let began = clock.now
    #expect(!sampler.stop())
    #expect(clock.now - began < .milliseconds(300))
    // Said once: when it was found stuck, not again when abandoned.
    #expect(sampler.drain().problems == [Self.stuck])
  }

  @Test func aNodeSamplerOnItsThreadSamplesAtStartAndStop() {
    // What is under test is that both samples are taken, not how fast: a loaded CI machine running
    // the whole suite in parallel has taken more than the default 5 s to read the fixture tree.
    let sampler = BackgroundSampler(
      sampler: NodeSampler(host: "rock1", sysfs: TelemetryFixtures.sys, procfs: TelemetryFixtures.proc),
      runID: "r", interval: 3600, timeLimit: 45)
    sampler.start()
    #expect(sampler.stop())
    let batch = sampler.drain()
    #expect(batch.samples == 2 && batch.problems.isEmpty)
    #expect(batch.rows["thermal"]?.count == 16)
  }
}
