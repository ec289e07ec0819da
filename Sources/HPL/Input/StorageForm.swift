/// Whether the panel block L1 (HPL.dat line 28) or the row panel U (line 29) is stored transposed.
///
/// The raw values are netlib's HPL.dat codes (0 = transposed, 1 = no-transposed).
///
/// netlib: the `L1notran` / `Unotran` flags of `HPL_pddriver`
public enum StorageForm: Int, Sendable, HPLCode {
  /// netlib: `L1notran == 0` / `Unotran == 0`
  case transposed = 0
  /// netlib: `L1notran != 0` / `Unotran != 0`
  case noTransposed = 1

  /// The name xhpl prints before "form", also used in results CSV files: `transposed`,
  /// `no-transposed`.
  public var token: String {
    switch self {
    case .transposed: "transposed"
    case .noTransposed: "no-transposed"
    }
  }

}
