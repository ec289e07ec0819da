/// Where the xhpl-style report goes (HPL.dat lines 3–4).
///
/// Line 4 holds 6 (standard output), 7 (standard error) or any other integer, which means "the
/// file named by the first word of line 3". Validation errors always go to standard error.
///
/// netlib: `TEST->outfp`, set in `HPL_pdinfo`
public enum OutputDevice: Sendable, Equatable {
  /// Device code 6.
  case standardOutput
  /// Device code 7.
  case standardError
  /// Any other device code: the file named on line 3, opened for writing (truncated).
  case file(String)

  /// The device code written on line 4 by ``HPLInput/render()``: 6, 7, or 8 for a file (xhpl
  /// accepts any integer other than 6 and 7 for a file).
  public var code: Int {
    switch self {
    case .standardOutput: 6
    case .standardError: 7
    case .file: 8
    }
  }
}
