import CMPICH
import CMPICHShims

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Waiting under the wait policy
//
// Every blocking operation of this module passes through `blocking(_:_:requests:_:)` with two
// closures: the blocking MPI call, and the non-blocking call(s) that start the same operation.
// Which one runs is the process's `WaitPolicy`, read once per call. The caller's buffers stay
// valid until the requests complete, because the call returns only then. Errors carry the
// blocking function's name (the one the public API documents) and MPI's message, which names
// the non-blocking function when that one failed.

extension CMPI {
  /// Runs one blocking operation: `blocking` when the policy is busy; otherwise `start`
  /// begins it as `requests` requests, which are tested, with `sched_yield()` between tests,
  /// until all are complete.
  ///
  /// - Parameters:
  ///   - function: the blocking function's name (`MPI_Bcast`), for errors.
  ///   - blocking: calls it, writing the status (if it has one) through the pointer.
  ///   - requests: how many requests `start` makes.
  ///   - start: starts the operation, writing its requests through the pointer, and returns
  ///     the first failing code or `MPI_SUCCESS`.
  /// - Returns: the status of the operation, or of its first request (meaningful for receives).
  @inline(__always)
  @discardableResult
  static func blocking(
    _ function: StaticString, _ blocking: (UnsafeMutablePointer<MPI_Status>) -> Int32,
    requests: Int = 1, _ start: (UnsafeMutablePointer<MPI_Request>) -> Int32
  ) throws -> MPI_Status {
    switch WaitPolicy.current {
    case .busy:
      var status = MPI_Status()
      try check(blocking(&status), function)
      return status
    case .yielding:
      return try withUnsafeTemporaryAllocation(of: MPI_Request.self, capacity: requests) {
        handles in
        handles.initialize(repeating: Constants.requestNull)
        let started = start(handles.baseAddress!)
        guard started == Constants.success else {
          abandon(handles)
          throw MPIError.fromReturnCode(started, function: function)
        }
        return try withUnsafeTemporaryAllocation(of: MPI_Status.self, capacity: requests) {
          statuses in
          statuses.initialize(repeating: MPI_Status())
          try checkCompletion(testUntilComplete(handles, statuses), statuses, function)
          return statuses[0]
        }
      }
    }
  }

  /// `MPI_Testall` until every request completed, yielding the CPU between tests (the
  /// handles become `MPI_REQUEST_NULL`); returns the code of the last call, as `MPI_Waitall`
  /// would return it.
  static func testUntilComplete(
    _ requests: UnsafeMutableBufferPointer<MPI_Request>,
    _ statuses: UnsafeMutableBufferPointer<MPI_Status>
  ) -> Int32 {
    var done: Int32 = 0
    while true {
      let code = MPI_Testall(
        Int32(requests.count), requests.baseAddress, &done, statuses.baseAddress)
      if code != Constants.success || done != 0 { return code }
      sched_yield()
    }
  }

  /// Throws for the return code of `MPI_Waitall` or `MPI_Testall` as `function`'s error. When it
  /// is `MPI_ERR_IN_STATUS`, the first failed request's own code is thrown.
  static func checkCompletion(
    _ code: Int32, _ statuses: UnsafeMutableBufferPointer<MPI_Status>,
    _ function: StaticString
  ) throws {
    if code == Constants.errorInStatus || errorClass(code) == Constants.errorInStatus {
      // Requests that did not fail report MPI_SUCCESS or, if not yet complete, MPI_ERR_PENDING.
      for index in statuses.indices {
        let requestCode = CMPICHShims_Status_error(&statuses[index])
        if requestCode != Constants.errorPending { try check(requestCode, function) }
      }
    }
    try check(code, function)
  }

  /// Cancels and completes the requests an operation started before one of its starts failed,
  /// so no request still refers to the caller's buffers when the error is thrown.
  private static func abandon(_ requests: UnsafeMutableBufferPointer<MPI_Request>) {
    for index in requests.indices where requests[index] != Constants.requestNull {
      _ = MPI_Cancel(&requests[index])
      _ = MPI_Wait(&requests[index], CMPICHShims_MPI_STATUS_IGNORE())
    }
  }

  /// Yields the CPU once, for loops that poll without a request (the yielding probe).
  static func yieldProcessor() {
    sched_yield()
  }

  /// The processes of the job on this node: the size of `communicator` split by shared
  /// memory (`MPI_Comm_split_type` with `MPI_COMM_TYPE_SHARED`, freed again).
  static func processesOnNode(_ communicator: Int32) throws -> Int {
    let node = try commSplitShared(communicator, key: 0)
    defer { commFree(node) }
    return try commSize(node)
  }

  /// Whether `flag` is true on any process of `communicator` (collective; `MPI_Allreduce`
  /// with `MPI_LOR`).
  static func anyProcess(_ flag: Bool, _ communicator: Int32) throws -> Bool {
    var value: Int32 = flag ? 1 : 0
    try withUnsafeMutablePointer(to: &value) {
      try allreduce(
        nil, inPlace: true, into: $0, 1, Constants.typeCInt, Constants.opLogicalOr, communicator)
    }
    return value != 0
  }

  /// The CPUs this process may run on (`sched_getaffinity`), else the online CPUs
  /// (`sysconf(_SC_NPROCESSORS_ONLN)`), at least 1.
  static func availableCPUCount() -> Int {
    let affinity = Int(CMPICHShims_sched_getaffinity_count())
    if affinity > 0 { return affinity }
    return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
  }
}
