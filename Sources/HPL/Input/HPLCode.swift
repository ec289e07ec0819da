/// An HPL.dat code that is also written by name: netlib's integer is the raw value, `token` the
/// name used in reports and CSV files. Parsing a name or a number is written once, here.
public protocol HPLCode: RawRepresentable<Int>, CaseIterable, CustomStringConvertible {
  /// The name used in results CSV files and logs.
  var token: String { get }
}

extension HPLCode {
  public var description: String { token }

  /// Accepts a ``token`` (case-insensitive) or netlib's numeric code.
  public init?(token: String) {
    if let code = Int(token) {
      self.init(rawValue: code)
      return
    }
    guard let value = Self.allCases.first(where: { $0.token.lowercased() == token.lowercased() }) else {
      return nil
    }
    self = value
  }
}
