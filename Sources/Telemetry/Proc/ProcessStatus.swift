/// A process's resident memory, from `/proc/<pid>/status`.
///
/// prometheus/procfs: `proc_status.go` (`VmRSS`, `VmHWM`).
public struct ProcessStatus: Sendable, Equatable {
  /// `VmRSS`: resident memory now, in bytes; `nil` for kernel threads, which have none.
  public var residentBytes: UInt64?
  /// `VmHWM`: the peak ("high water mark") of resident memory, in bytes.
  public var peakResidentBytes: UInt64?

  public init(residentBytes: UInt64?, peakResidentBytes: UInt64?) {
    (self.residentBytes, self.peakResidentBytes) = (residentBytes, peakResidentBytes)
  }

  /// Parses the text of a `status` file; `path` names the file in errors.
  public init(parsing text: String, path: String) throws(TelemetryError) {
    for line in KernelFiles.lines(text) where line.hasPrefix("VmRSS:") || line.hasPrefix("VmHWM:") {
      let parts = KernelFiles.fields(line)
      guard parts.count == 3, parts[2] == "kB", let kiloBytes = UInt64(parts[1]) else {
        throw .malformed(path: path, text: String(line))
      }
      if parts[0] == "VmRSS:" { residentBytes = kiloBytes * 1024 } else { peakResidentBytes = kiloBytes * 1024 }
    }
  }
}

extension ProcFS {
  /// `<pid>/status`, or `self/status` (the calling process, when the root is the live `/proc`)
  /// when `pid` is `nil`; `nil` when the process does not exist.
  public func processStatus(pid: Int32? = nil) throws(TelemetryError) -> ProcessStatus? {
    let file = path("\(pid.map(String.init) ?? "self")/status")
    guard let text = try KernelFiles.contents(file, limit: KernelFiles.procLimit) else { return nil }
    return try ProcessStatus(parsing: text, path: file)
  }
}
