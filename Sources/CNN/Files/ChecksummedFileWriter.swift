import Files

/// A model or checkpoint file on its way to disk: written whole or not at all (``AtomicFileWriter``,
/// flushed to disk before the rename, since a run resumes from it after a crash), with the CRC-32
/// of everything written so far, which such a file ends with.
///
/// The destination's folder must exist: `--save` and `--checkpoint-dir` name folders the run
/// checked before training, and a typo should not create one.
final class ChecksummedFileWriter {
  private let file: AtomicFileWriter
  /// CRC-32 of everything written so far.
  private(set) var checksum: UInt32 = 0

  init(path: String) throws(ModelFileError) {
    do { file = try AtomicFileWriter(path: path, createsFolder: false) } catch { throw Self.failure(error) }
  }

  /// Appends `bytes`.
  func write(_ bytes: [UInt8]) throws(ModelFileError) {
    do { try file.write(bytes) } catch { throw Self.failure(error) }
    checksum = crc32(bytes[...], continuing: checksum)
  }

  /// Flushes the file to disk and renames it over its path.
  func commit() throws(ModelFileError) {
    do { try file.commit(durable: true) } catch { throw Self.failure(error) }
  }

  private static func failure(_ error: FileError) -> ModelFileError {
    ModelFileError(error.path, error.message)
  }
}
