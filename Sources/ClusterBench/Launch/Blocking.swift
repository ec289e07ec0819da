import Foundation
import SuiteCore

/// Runs `body` to completion from synchronous code: the commands are synchronous
/// (`ParsableCommand`), while swift-subprocess is async. The calling thread waits on a semaphore
/// while the body runs on the concurrency runtime's threads, so it cannot deadlock on itself.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let box = ResultBox<T, any Error>()
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    let result: Result<T, any Error>
    do { result = .success(try await body()) } catch { result = .failure(error) }
    box.set(result)
    done.signal()
  }
  done.wait()
  return try box.value!.get()
}
