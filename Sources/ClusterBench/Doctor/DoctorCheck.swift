/// One finding of `clusterbench doctor` (an `Error` too, so a failed probe can carry it).
public struct DoctorCheck: Error, Sendable, Equatable {
  public enum Verdict: String, Sendable {
    case pass, warn, fail
  }

  public var verdict: Verdict
  /// The host concerned, or `nil` for the whole cluster.
  public var host: String?
  /// What was checked: `hostfile`, `launch`, `name resolution`, `versions`, `MPI exchange`, ...
  public var check: String
  public var detail: String
  /// What users most often need to do about a failure.
  public var fix: String?

  public init(_ verdict: Verdict, host: String? = nil, check: String, _ detail: String, fix: String? = nil) {
    (self.verdict, self.host, self.check, self.detail, self.fix) = (verdict, host, check, detail, fix)
  }

  /// `✔ rock01: launch: …`, with the fix on a second line.
  public var text: String {
    let mark =
      switch verdict {
      case .pass: "ok  "
      case .warn: "warn"
      case .fail: "FAIL"
      }
    var line = "\(mark) \(host.map { "\($0): " } ?? "")\(check): \(detail)"
    if let fix { line += "\n       fix: \(fix)" }
    return line
  }
}
