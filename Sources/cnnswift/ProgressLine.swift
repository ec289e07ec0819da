import CNNDistributed
import Foundation

/// Rank 0's progress inside an epoch on standard error, kept apart from the epoch lines on
/// standard output: on a terminal one line rewritten in place (and erased before anything else is
/// printed, so it never splits an epoch line); elsewhere (a log file, a pipe) one line per report,
/// as hplswift's progress lines.
final class ProgressLine {
  private let onTerminal = isatty(STDERR_FILENO) == 1
  private var shown = false

  /// Shows `progress`, replacing the line shown before on a terminal.
  func show(_ progress: EpochProgress) {
    let text = "cnnswift: \(progress)"
    if onTerminal {
      write("\r" + text + "\u{1B}[K")
      shown = true
    } else {
      write(text + "\n")
    }
  }

  /// Erases the line in place, before a line of standard output.
  func clear() {
    guard shown else { return }
    write("\r\u{1B}[K")
    shown = false
  }

  private func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
