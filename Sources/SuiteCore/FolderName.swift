/// The one rule for a name that becomes a folder (a run id, a job or sweep name): 1 to N ASCII
/// letters, digits, `-`, `_` or `.`, not starting with `.`, so it can be neither a path nor hidden.
public enum FolderName {
  /// Why `name` cannot name a folder, or `nil` when it can. `maximumLength` leaves room for what
  /// is added to it: a job name (100) becomes part of its points' run ids (120).
  public static func problem(_ name: String, maximumLength: Int) -> String? {
    let valid =
      !name.isEmpty && name.count <= maximumLength && !name.hasPrefix(".")
      && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    if valid { return nil }
    let shown = name.count > 60 ? name.prefix(60) + "…" : name
    return "expected 1 to \(maximumLength) letters, digits, '-', '_' or '.', not starting with '.' "
      + "(it names a folder), found '\(shown)'"
  }
}
