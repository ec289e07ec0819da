import CMPICH
import CMPICHShims

// MARK: - Requests

extension CMPI {
  /// `MPI_Wait`, or under the yielding policy `MPI_Testall` with `sched_yield()` between
  /// tests; the handle becomes `MPI_REQUEST_NULL`.
  static func wait(_ request: inout MPI_Request, datatype: Int32) throws -> Status {
    var status = MPI_Status()
    switch WaitPolicy.current {
    case .busy:
      try check(MPI_Wait(&request, &status), "MPI_Wait")
    case .yielding:
      try withUnsafeMutablePointer(to: &request) { handle in
        try withUnsafeMutablePointer(to: &status) { result in
          let statuses = UnsafeMutableBufferPointer(start: result, count: 1)
          try checkCompletion(
            testUntilComplete(UnsafeMutableBufferPointer(start: handle, count: 1), statuses),
            statuses, "MPI_Wait")
        }
      }
    }
    return Status(status, datatype: datatype)
  }

  /// `MPI_Test`; returns the status when the request completed (its handle becomes null).
  static func test(_ request: inout MPI_Request, datatype: Int32) throws -> Status? {
    var status = MPI_Status()
    var flag: Int32 = 0
    try check(MPI_Test(&request, &flag, &status), "MPI_Test")
    return flag != 0 ? Status(status, datatype: datatype) : nil
  }

  /// `MPI_Waitall` on `requests` (their handles become null); one status per request. Under
  /// the yielding policy, `MPI_Testall` with `sched_yield()` between tests.
  ///
  /// When it fails with `MPI_ERR_IN_STATUS`, the first failed request's own code is thrown.
  static func waitAll(_ requests: inout [MPI_Request], datatypes: [Int32]) throws -> [Status] {
    var statuses = [MPI_Status](repeating: MPI_Status(), count: requests.count)
    try requests.withUnsafeMutableBufferPointer { handles in
      try statuses.withUnsafeMutableBufferPointer { results in
        let code =
          switch WaitPolicy.current {
          case .busy: MPI_Waitall(Int32(handles.count), handles.baseAddress, results.baseAddress)
          case .yielding: testUntilComplete(handles, results)
          }
        try checkCompletion(code, results, "MPI_Waitall")
      }
    }
    return zip(statuses, datatypes).map { Status($0, datatype: $1) }
  }

  /// `MPI_Request_free`: the operation still completes, but nobody will wait for it.
  static func requestFree(_ request: inout MPI_Request) {
    _ = MPI_Request_free(&request)
  }

  static var requestNull: MPI_Request { Constants.requestNull }
}
