/// An MPI call that did not succeed, with MPI's own words for why.
///
/// The world communicator uses `MPI_ERRORS_RETURN` (set by ``MPIEnvironment/initialize(threadLevel:)``),
/// so a failing call returns instead of aborting the job, and every return code is mapped here.
/// The few checks this module makes itself (a receive buffer too small for a gather, a count
/// beyond 32 bits, a process grid that does not fit its communicator) use the same case, with
/// the MPI error class that fits (`MPI_ERR_COUNT`, `MPI_ERR_ARG`, ...) and a sentence of ours.
///
/// The corresponding C function for the message is `MPI_Error_string`.
public enum MPIError: Error, CustomStringConvertible, Sendable, Equatable {
  /// `function` returned `code`; `message` is the text `MPI_Error_string` gives for that code.
  case call(function: String, code: Int32, message: String)

  /// The MPI function (or Swift entry point) that failed, such as `"MPI_Send"`.
  public var function: String {
    switch self {
    case .call(let function, _, _): function
    }
  }

  /// The return code of the failed call. Compare its ``errorClass`` with MPI's classes.
  public var code: Int32 {
    switch self {
    case .call(_, let code, _): code
    }
  }

  /// MPI's explanation of ``code``. The corresponding C function is `MPI_Error_string`.
  public var message: String {
    switch self {
    case .call(_, _, let message): message
    }
  }

  /// The MPI error class of ``code`` (such as `MPI_ERR_RANK`); equal to `code` for the
  /// errors this module raises itself. The corresponding C function is `MPI_Error_class`.
  public var errorClass: Int32 { CMPI.errorClass(code) }

  /// The function name followed by MPI's message, for example
  /// `"MPI_Send failed: Invalid rank, error stack: ..."`.
  public var description: String { "\(function) failed: \(message)" }
}
