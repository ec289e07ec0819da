import CMPICH
import CMPICHShims

// MARK: - Requests

extension CMPI {
  /// `MPI_Wait`; the handle becomes `MPI_REQUEST_NULL`.
  static func wait(_ request: inout MPI_Request, datatype: Int32) throws -> Status {
    var status = MPI_Status()
    try check(MPI_Wait(&request, &status), "MPI_Wait")
    return Status(status, datatype: datatype)
  }

  /// `MPI_Test`; returns the status when the request completed (its handle becomes null).
  static func test(_ request: inout MPI_Request, datatype: Int32) throws -> Status? {
    var status = MPI_Status()
    var flag: Int32 = 0
    try check(MPI_Test(&request, &flag, &status), "MPI_Test")
    return flag != 0 ? Status(status, datatype: datatype) : nil
  }

  /// `MPI_Waitall` on `requests` (their handles become null); one status per request.
  ///
  /// When it fails with `MPI_ERR_IN_STATUS`, the first failed request's own code is thrown.
  static func waitAll(_ requests: inout [MPI_Request], datatypes: [Int32]) throws -> [Status] {
    var statuses = [MPI_Status](repeating: MPI_Status(), count: requests.count)
    let code = MPI_Waitall(Int32(requests.count), &requests, &statuses)
    if code == Constants.errorInStatus || errorClass(code) == Constants.errorInStatus {
      // Requests that did not fail report MPI_SUCCESS or, if not yet complete, MPI_ERR_PENDING.
      for var status in statuses {
        let code = CMPICHShims_Status_error(&status)
        if code != Constants.errorPending { try check(code, "MPI_Waitall") }
      }
    }
    try check(code, "MPI_Waitall")
    return zip(statuses, datatypes).map { Status($0, datatype: $1) }
  }

  /// `MPI_Request_free`: the operation still completes, but nobody will wait for it.
  static func requestFree(_ request: inout MPI_Request) {
    _ = MPI_Request_free(&request)
  }

  static var requestNull: MPI_Request { Constants.requestNull }
}
