import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Named pipes for tests of readers that must never block on one.
public enum FIFO {
  /// Makes a FIFO at `path` and, `seconds` later, opens its writing end once and closes it. A
  /// reader that (wrongly) blocked opening the pipe is released by that and sees end of file, so
  /// a regression fails its test instead of hanging the whole run; a reader that refused the pipe
  /// at once is unaffected (with no reader, the non-blocking open fails and nothing happens).
  public static func make(_ path: String, releaseAfter seconds: Double = 3) -> Bool {
    guard mkfifo(path, 0o644) == 0 else { return false }
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
      let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
      if descriptor >= 0 { close(descriptor) }
    }
    return true
  }
}
