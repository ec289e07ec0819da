/// Throws ``MPIError`` when an MPI return code is not `MPI_SUCCESS`.
///
/// Every MPI call in this module passes through here, as swift-system's `valueOrErrno` does
/// for system calls. The message is read only on failure.
@inlinable @inline(__always)
internal func check(_ code: Int32, _ function: StaticString) throws {
  // MPI_SUCCESS is 0 in every MPI library (the standard requires it).
  if _slowPath(code != 0) {
    throw MPIError.fromReturnCode(code, function: function)
  }
}

/// What a converted integer argument is, to choose the MPI error class when it is out of range.
@usableFromInline
internal enum ArgumentKind: Sendable {
  case count, rank, tag, color, key, displacement
}

/// Converts a Swift `Int` (a count, rank, tag, ...) to the C `int` MPI takes, or throws.
///
/// Truncation could turn a bad rank into a valid one, so out-of-range values are errors.
@inlinable @inline(__always)
internal func cInt(_ value: Int, _ kind: ArgumentKind, in function: StaticString) throws -> Int32 {
  guard let converted = Int32(exactly: value) else {
    throw MPIError.outOfRange(value, kind, function: function)
  }
  return converted
}

/// Throws when `available` elements are fewer than the `needed` ones a call will write or read.
@inlinable @inline(__always)
internal func checkCapacity(
  _ available: Int, needed: Int, _ what: StaticString, in function: StaticString
) throws {
  if _slowPath(available < needed) {
    throw MPIError.bufferTooSmall(what, available: available, needed: needed, function: function)
  }
}

extension MPIError {
  /// The error for return code `code` of `function`, with `MPI_Error_string`'s message.
  @usableFromInline
  internal static func fromReturnCode(_ code: Int32, function: StaticString) -> MPIError {
    .call(function: "\(function)", code: code, message: CMPI.errorString(code))
  }

  @usableFromInline
  internal static func outOfRange(_ value: Int, _ kind: ArgumentKind, function: StaticString)
    -> MPIError
  {
    let errorClass: Int32
    switch kind {
    case .count, .displacement: errorClass = Constants.errorCount
    case .rank: errorClass = Constants.errorRank
    case .tag: errorClass = Constants.errorTag
    case .color, .key: errorClass = Constants.errorArgument
    }
    return .call(
      function: "\(function)", code: errorClass,
      message: "the \(kind) \(value) does not fit in a C int")
  }

  @usableFromInline
  internal static func bufferTooSmall(
    _ what: StaticString, available: Int, needed: Int, function: StaticString
  ) -> MPIError {
    .call(
      function: "\(function)", code: Constants.errorCount,
      message: "the \(what) holds \(available) elements but the call needs \(needed)")
  }

  /// An error found by this module's own argument checks, before calling MPI (`MPI_ERR_ARG`).
  @usableFromInline
  internal static func invalidArgument(_ function: StaticString, _ message: String) -> MPIError {
    .call(function: "\(function)", code: Constants.errorArgument, message: message)
  }
}
