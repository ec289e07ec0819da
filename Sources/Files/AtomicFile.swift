import Foundation

/// Writes a file whole or not at all, in one piece, through ``AtomicFileWriter``: every small
/// file the suite writes whole goes through here (reports, HPL.dat files, run metadata, model
/// files); appended CSV files go through `CSVFile` instead.
public enum AtomicFile {
  /// Writes `bytes` to `path`, creating its folder unless `createsFolder` is false; `durable` as
  /// ``AtomicFileWriter/commit(durable:)``. Throws, naming the path and the reason.
  public static func write(
    _ bytes: UnsafeRawBufferPointer, to path: String, durable: Bool = false, createsFolder: Bool = true
  ) throws(FileError) {
    let file = try AtomicFileWriter(path: path, createsFolder: createsFolder)
    try file.write(bytes)
    try file.commit(durable: durable)
  }

  /// Writes `data` to `path`; see ``write(_:to:durable:createsFolder:)-(UnsafeRawBufferPointer,_,_,_)``.
  public static func write(
    _ data: Data, to path: String, durable: Bool = false, createsFolder: Bool = true
  ) throws(FileError) {
    let result = data.withUnsafeBytes { raw in
      Result { () throws(FileError) in try write(raw, to: path, durable: durable, createsFolder: createsFolder) }
    }
    try result.get()
  }

  /// Writes `text` (UTF-8) to `path`.
  public static func write(
    _ text: String, to path: String, durable: Bool = false, createsFolder: Bool = true
  ) throws(FileError) {
    try write(Data(text.utf8), to: path, durable: durable, createsFolder: createsFolder)
  }
}
