/// The suite's version: every program's `--version`, and what `hplswift probe` reports so that
/// the doctor can compare nodes.
public enum SuiteVersion {
  public static let current = "0.8.0"
}
