/// A non-blocking operation in flight, from ``Communicator/immediateSend(_:to:tag:)`` or
/// ``Communicator/immediateReceive(into:from:tag:)``.
///
/// The buffer given to the operation must stay alive and untouched until the request completes
/// (``wait()`` returns, ``test()`` returns `true`, or ``waitAll(_:)`` returns). A completed
/// request keeps its ``Status`` and is never handed to MPI again, so waiting twice is harmless.
/// A request dropped before completion is released with `MPI_Request_free`: the operation
/// still completes, into a buffer the caller must keep alive.
/// The corresponding C type is `MPI_Request`.
public final class Request {
  /// The C handle; `MPI_REQUEST_NULL` once complete.
  private var handle: Int32
  /// The datatype of the operation's buffer, to count received elements.
  private let datatype: Int32
  /// The status of the completed operation, `nil` while it is in flight.
  public private(set) var completionStatus: Status?

  @usableFromInline
  internal init(handle: Int32, datatype: Datatype) {
    self.handle = handle
    self.datatype = datatype.rawValue
  }

  deinit {
    if completionStatus == nil, handle != CMPI.requestNull, CMPI.initialized(), !CMPI.finalized() {
      CMPI.requestFree(&handle)
    }
  }

  /// Whether the operation has completed (through ``wait()``, ``test()`` or ``waitAll(_:)``).
  public var isComplete: Bool { completionStatus != nil }

  /// Blocks until the operation completes and returns its status; a completed request returns
  /// its stored status at once. Under ``WaitPolicy/yielding`` it tests the request and yields
  /// the CPU between tests instead of spinning inside MPI.
  /// The corresponding C function is `MPI_Wait` (`MPI_Test` and `sched_yield` when yielding).
  @discardableResult
  public func wait() throws -> Status {
    if let completionStatus { return completionStatus }
    let status = try CMPI.wait(&handle, datatype: datatype)
    completionStatus = status
    return status
  }

  /// Checks, without blocking, whether the operation has completed: `true` when it has (its
  /// status is then in ``completionStatus``). The corresponding C function is `MPI_Test`.
  public func test() throws -> Bool {
    if completionStatus != nil { return true }
    guard let status = try CMPI.test(&handle, datatype: datatype) else { return false }
    completionStatus = status
    return true
  }

  /// Blocks until every request in `requests` has completed; already completed ones are
  /// skipped. Waits as ``MPIEnvironment/waitPolicy`` says, like ``wait()``.
  /// The corresponding C function is `MPI_Waitall` (`MPI_Testall` and `sched_yield` when yielding).
  public static func waitAll(_ requests: [Request]) throws {
    var seen = Set<ObjectIdentifier>()
    let pending = requests.filter { !$0.isComplete && seen.insert(ObjectIdentifier($0)).inserted }
    guard !pending.isEmpty else { return }
    var handles = pending.map(\.handle)
    let statuses: [Status]
    do {
      statuses = try CMPI.waitAll(&handles, datatypes: pending.map(\.datatype))
    } catch {
      for (request, handle) in zip(pending, handles) { request.handle = handle }
      throw error
    }
    for (index, request) in pending.enumerated() {
      request.handle = handles[index]
      request.completionStatus = statuses[index]
    }
  }
}
