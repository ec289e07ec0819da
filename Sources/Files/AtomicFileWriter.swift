import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The suite's one way of writing a whole file: the bytes go, in as many pieces as the caller
/// likes, to a temporary file beside the destination, which ``commit(durable:)`` renames over it.
/// A reader (a browser refreshing a report, a sweep reading its job, a run resuming after a crash)
/// finds the old file or the new one, never half of one, and a failure leaves the old one in place.
///
/// ```swift
/// let file = try AtomicFileWriter(path: "run/checkpoint.cnnckpt")
/// try file.write(header)
/// try file.write(body)
/// try file.commit(durable: true)  // until then the old checkpoint stays
/// ```
///
/// A writer dropped without ``commit(durable:)`` removes its temporary file. ``AtomicFile`` writes a
/// file in one piece through it; appended CSV files go through `CSVFile` instead.
public final class AtomicFileWriter {
  /// The destination. A symbolic link there is replaced by the new file, never written through.
  public let path: String
  /// Where the bytes go until ``commit(durable:)``: `.<name>.tmp-<pid>` in the same folder, so that
  /// the rename stays on one file system (and is atomic) and a listing of the folder hides it.
  public let temporaryPath: String
  /// Bytes written so far.
  public private(set) var count = 0
  private var descriptor: Int32

  /// Creates the temporary file, and first the destination's folder when `createsFolder` (else a
  /// missing folder is an error). Throws, naming `path` and the reason.
  public init(path: String, createsFolder: Bool = true) throws(FileError) {
    self.path = path
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    temporaryPath = folder + "/.\(url.lastPathComponent).tmp-\(getpid())"
    if createsFolder, let problem = Folders.create(folder) {
      throw FileError(path: path, message: "cannot write: \(problem)")
    }
    // The rename would replace a device, FIFO or folder entry with a regular file (as root, /dev/null itself).
    if let problem = OutputCheck.problemReplacing(path) {
      throw FileError(path: path, message: problem + ": it is not replaced")
    }
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard descriptor >= 0 else { throw FileError(path: path, errno: errno, doing: "write") }
  }

  deinit {
    if descriptor >= 0 {
      close(descriptor)
      unlink(temporaryPath)
    }
  }

  /// Appends the bytes of `raw`.
  public func write(_ raw: UnsafeRawBufferPointer) throws(FileError) {
    precondition(descriptor >= 0, "\(path): written after commit")
    let failure = DescriptorWrite.all(descriptor, raw).errno
    guard failure == 0 else { throw FileError(path: path, errno: failure, doing: "write") }
    count += raw.count
  }

  /// Appends `bytes`.
  public func write(_ bytes: [UInt8]) throws(FileError) {
    // `withUnsafeBytes` rethrows untyped errors: carry the typed one out in a Result.
    let result = bytes.withUnsafeBytes { raw in Result { () throws(FileError) in try write(raw) } }
    try result.get()
  }

  /// Renames the file over ``path``. With `durable`, first flushes it to disk and afterwards its
  /// folder, so that the new content and the rename itself survive a power cut (checkpoints and
  /// models; a report can be written again).
  public func commit(durable: Bool = false) throws(FileError) {
    precondition(descriptor >= 0, "\(path): committed twice")
    let synced = !durable || fsync(descriptor) == 0 ? 0 : errno
    let closed = close(descriptor) == 0 ? 0 : errno
    descriptor = -1
    guard synced == 0, closed == 0 else {
      unlink(temporaryPath)
      throw FileError(path: path, errno: synced != 0 ? synced : closed, doing: "write")
    }
    guard rename(temporaryPath, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      throw FileError(path: path, message: "cannot rename \(temporaryPath) into place: \(reason)")
    }
    if durable { Self.syncFolder(of: path) }
  }

  private static func syncFolder(of path: String) {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let folderDescriptor = open(folder, O_RDONLY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }
}
