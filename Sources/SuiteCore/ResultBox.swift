import Synchronization

/// A result handed from one thread to another: the worker sets it once before it signals, the
/// waiting thread takes it after the wait (the semaphore orders them; the lock makes it safe).
public final class ResultBox<Value: Sendable, Failure: Error>: Sendable {
  private let result = Mutex<Result<Value, Failure>?>(nil)

  public init() {}

  /// Leaves the worker's result.
  public func set(_ value: Result<Value, Failure>) {
    result.withLock { $0 = value }
  }

  /// The result, or `nil` when the worker ended without leaving one.
  public var value: Result<Value, Failure>? {
    result.withLock { $0 }
  }
}
