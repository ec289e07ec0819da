/// The tiny executable hydra runs to reach a node: `mpiexec -launcher rsh -launcher-exec WRAPPER`
/// calls `WRAPPER HOST COMMAND...`, and the wrapper hands everything unchanged to
/// `clusterbench cluster exec NAME HOST COMMAND...`, which checks HOST against the cluster and
/// starts COMMAND inside that node. The script has no logic, so no host name or argument is ever
/// interpreted by a shell.
public enum LauncherWrapper {
  /// The script for cluster `name` that runs `executable` (`clusterbench`).
  public static func script(cluster name: String, executable: String) -> String {
    """
    #!/bin/sh
    # Written by `clusterbench cluster up` for the emulated cluster \(name). Hydra's rsh launcher
    # (mpiexec -launcher rsh -launcher-exec THIS) runs it as `THIS HOST COMMAND...`; it starts
    # COMMAND on node HOST: in its network namespace, with its host name and cgroups.
    exec \(shellQuoted(executable)) cluster exec \(name) "$@"

    """
  }

  /// `word` in single quotes, safe for a shell (`'` becomes `'\''`).
  static func shellQuoted(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// The command as hydra meant it. Hydra writes its rsh/ssh command for a remote shell and so
  /// puts the proxy's path in double quotes (`"/usr/bin/hydra_pmi_proxy"`); a word wholly in
  /// double quotes with nothing a shell would expand inside (no `"`, `\`, `$` or backquote) is
  /// what a shell would turn into the bare text, so the quotes are removed. Every other word is
  /// kept as it is.
  public static func unquoted(_ words: [String]) -> [String] {
    words.map { word in
      guard word.count >= 2, word.hasPrefix("\""), word.hasSuffix("\"") else { return word }
      let inner = word.dropFirst().dropLast()
      return inner.contains(where: { "\"\\$`".contains($0) }) ? word : String(inner)
    }
  }
}
