import Foundation
import Testing

@testable import CNN

@Suite struct NPYArrayTests {
  /// The bytes `numpy.save` writes for a float32 array of `shape` (format 1.0, header padded to 64 bytes).
  static func numpyBytes(header: String, values: [Float], major: UInt8 = 1) -> [UInt8] {
    let prefix = major == 1 ? 10 : 12
    var text = header
    text += String(repeating: " ", count: (64 - (prefix + text.utf8.count + 1) % 64) % 64) + "\n"
    let length = text.utf8.count
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
    bytes += (0..<(prefix - 8)).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
    bytes += Array(text.utf8)
    values.withUnsafeBytes { bytes += $0 }
    return bytes
  }

  @Test func readsWhatNumPyWritesInEitherVersion() throws {
    let values: [Float] = [1, -2.5, 3, 0.25, .infinity, -0]
    for major: UInt8 in [1, 2, 3] {
      let bytes = Self.numpyBytes(
        header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", values: values, major: major)
      let array = try NPYArray.decode(bytes, path: "a.npy")
      #expect(array.shape == [2, 3])
      #expect(array.values.map(\.bitPattern) == values.map(\.bitPattern))
    }
    // Keys in another order, double quotes, a one-dimensional and a scalar shape.
    let vector = try NPYArray.decode(
      Self.numpyBytes(header: "{\"shape\": (3,), \"fortran_order\": False, \"descr\": \"<f4\"}", values: [1, 2, 3]),
      path: "v.npy")
    #expect(vector.shape == [3] && vector.values == [1, 2, 3])
    let scalar = try NPYArray.decode(
      Self.numpyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", values: [7]), path: "s.npy")
    #expect(scalar.shape == [] && scalar.values == [7])
  }

  @Test func writesTheBytesNumPyWrites() throws {
    for (shape, values) in [([2, 3], [Float](repeating: 0.5, count: 6)), ([4], [1, 2, 3, 4]), ([0, 5], [])] {
      let dimensions = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
      let expected = Self.numpyBytes(
        header: "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dimensions)), }", values: values)
      let array = NPYArray(shape: shape, values: values)
      #expect(array.encoded() == expected)
      #expect((array.encoded().count - values.count * 4) % 64 == 0)
      #expect(try NPYArray.decode(array.encoded(), path: "x.npy") == array)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("sub/out.npy").path
    try NPYArray(shape: [1, 2], values: [3, 4]).write(to: path)
    #expect(try NPYArray.read(path: path) == NPYArray(shape: [1, 2], values: [3, 4]))
  }

  @Test func refusesOtherFilesNamingWhatIsWrong() {
    func problem(_ bytes: [UInt8]) -> String {
      do {
        _ = try NPYArray.decode(bytes, path: "in.npy")
        return "read"
      } catch { return error.description }
    }
    let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    let six = [Float](repeating: 1, count: 6)
    #expect(problem(Array("P6\n2 2\n255\n".utf8)).contains("in.npy: not a NumPy .npy file: expected the bytes 93 4e"))
    #expect(
      problem(Self.numpyBytes(header: good.replacingOccurrences(of: "<f4", with: "<f8"), values: six + six))
        .contains("descr '<f8': expected '<f4' (float32, little-endian)"))
    #expect(
      problem(Self.numpyBytes(header: good.replacingOccurrences(of: "False", with: "True"), values: six))
        .contains("fortran_order True: expected False (C order)"))
    #expect(
      problem(Self.numpyBytes(header: good, values: [1, 2, 3, 4]))
        .contains(
          "shape (2, 3) needs 6 float32 values (24 bytes after the 128-byte header), but the file holds 16 bytes: 2 values short"
        ))
    #expect(problem(Self.numpyBytes(header: good, values: six + [9])).contains("1 value too many"))
    #expect(
      problem(Array(Self.numpyBytes(header: good, values: six).prefix(40))).contains(
        "a header of 118 bytes, but the file ends at byte 40"))
    var version = Self.numpyBytes(header: good, values: six)
    version[6] = 9
    #expect(problem(version).contains("byte 6: .npy format version 9.0; expected 1.0, 2.0 or 3.0"))
    let huge = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"
    #expect(problem(Self.numpyBytes(header: huge, values: [])).contains("holds more values than any file can"))
    #expect(problem(Self.numpyBytes(header: "{'descr': '<f4'}", values: [])).contains("expected the keys"))
    #expect(
      problem(Self.numpyBytes(header: good.replacingOccurrences(of: "(2, 3)", with: "(2, x)"), values: six))
        .contains("'x' is not a size"))
    #expect(problem([]) == "in.npy: is empty: not a NumPy .npy file")
    #expect(problem(Array(version.prefix(6))) == "in.npy: ends at byte 6, inside the .npy header's first 10 bytes")
    #expect(
      problem(Self.numpyBytes(header: good.replacingOccurrences(of: "<f4", with: "\u{1B}[2J"), values: six))
        .contains("descr '\\u{1B}[2J'"), "escaped for a terminal")
  }

  /// A file whose size does not fit its header is refused from the header and the size alone: a sparse file of
  /// 3 GiB, which reading whole would take seconds and gigabytes.
  @Test func aFileOfTheWrongSizeIsRefusedBeforeItIsRead() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sparse-\(UUID().uuidString).npy").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    FileManager.default.createFile(atPath: path, contents: Data(Self.numpyBytes(header: header, values: [])))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: 3 << 30)
    try handle.close()
    let refused = #expect(throws: DataError.self) { try NPYArray.read(path: path, limit: 1 << 34) }
    #expect(refused?.problem.contains("but the file holds 3221225344 bytes: 805306330 values too many") == true)
    let zeros = #expect(throws: DataError.self) {
      try NPYArray.read(path: path.replacingOccurrences(of: ".npy", with: "-0.npy"))
    }
    #expect(zeros?.problem == "does not exist")
  }
}
