#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A trained model as a file (`--save model.cnn`, `infer --model-file model.cnn`): the architecture and every
/// parameter tensor, in a documented little-endian binary format.
///
/// The file holds no timestamp, host or path, so equal weights give byte-identical files (a test, or `cmp`, can
/// compare two runs). Version 1:
///
/// | field | encoding |
/// |---|---|
/// | magic | the 8 bytes `CNNSWIFT` |
/// | format version | UInt32, 1 |
/// | file length | UInt64, every byte of the file, the checksum included |
/// | model | string: `lenet`, `mlp` or `resnet` |
/// | layers | UInt32: the ResNet depth (6n+2), 0 for the others |
/// | input shape | shape of one sample: `[C, H, W]` |
/// | classes | UInt32 |
/// | parameter count | UInt32: P |
/// | P × parameter | name (string), shape, then its Float32 values in row-major order |
/// | checksum | UInt32: CRC-32 (IEEE, as zlib's `crc32`) of every byte before it |
///
/// Integers are unsigned little-endian, floats IEEE 754 binary32 little-endian; a string is a UInt32 byte count
/// then UTF-8; a shape is a UInt32 rank then one UInt32 per dimension. The parameters are `Network.parameters` in
/// order (weights, biases, batch-normalization scales, shifts and running statistics), named as the network names
/// them (`0.conv.weight`, `3.residual.bn1.running_mean`).
public struct ModelFile: Sendable {
  /// One parameter tensor of the file.
  public struct Entry: Sendable, Equatable {
    public var name: String
    public var value: Tensor

    public init(name: String, value: Tensor) {
      (self.name, self.value) = (name, value)
    }
  }

  /// The first 8 bytes of every model file.
  public static let magic = Array("CNNSWIFT".utf8)
  /// The version this code writes and reads.
  public static let formatVersion: UInt32 = 1
  /// The extension `--save` suggests.
  public static let fileExtension = "cnn"

  /// The model the parameters belong to.
  public var architecture: Architecture
  /// The shape of one input sample, `[C, H, W]`.
  public var inputShape: [Int]
  /// The number of outputs (classes).
  public var classes: Int
  /// Every parameter of the network, in ``Network/parameters`` order.
  public var parameters: [Entry]
  /// The file this was read from, for messages (`""` when made from a network).
  public var path: String

  /// The model file of `network`, an `architecture` built for ``Network/inputShape`` (its output shape gives the
  /// classes). The values are copied: later training does not change them.
  public init(network: Network, architecture: Architecture) {
    precondition(network.outputShape.count == 1, "a classifier has [classes] outputs, not \(network.outputShape)")
    self.architecture = architecture
    inputShape = network.inputShape
    classes = network.outputShape[0]
    parameters = network.parameters.map { Entry(name: $0.name, value: $0.value) }
    path = ""
  }

  /// The file's bytes.
  public func encoded() -> [UInt8] {
    var writer = ByteWriter()
    writer.bytes.reserveCapacity(64 + parameters.reduce(0) { $0 + 48 + 4 * $1.value.count })
    writer.bytes.append(contentsOf: Self.magic)
    writer.append(Self.formatVersion)
    writer.append(UInt64(0))  // the length, filled in below
    let (name, layers) = Self.fields(of: architecture)
    writer.append(name)
    writer.append(UInt32(layers))
    writer.append(shape: inputShape)
    writer.append(UInt32(classes))
    writer.append(UInt32(parameters.count))
    for entry in parameters {
      writer.append(entry.name)
      writer.append(shape: entry.value.shape)
      writer.append(floats: entry.value.data)
    }
    let length = UInt64(writer.bytes.count + 4)
    withUnsafeBytes(of: length.littleEndian) { writer.bytes.replaceSubrange(12..<20, with: $0) }
    writer.append(crc32(writer.bytes[...]))
    return writer.bytes
  }

  /// Decodes a model file's `bytes`; `path` names it in errors. Refuses bad magic, another version, a truncated
  /// or overlong file, a checksum mismatch, an unknown model, and parameters whose values do not fit their shape.
  public init(bytes: [UInt8], path: String) throws(ModelFileError) {
    self.path = path
    let headerSize = Self.magic.count + 4 + 8
    guard bytes.count >= Self.magic.count, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
      let hint =
        bytes.starts(with: CheckpointFile.magic)
        ? " (a training checkpoint: use the model file of `cnnswift train --save`)" : ""
      throw ModelFileError(
        path, "not a cnnswift model file: " + Self.describeStart(bytes, expected: Self.magic) + hint)
    }
    var reader = ByteReader(bytes, path: path, from: Self.magic.count)
    let version = try reader.uint32("the format version")
    guard version == Self.formatVersion else {
      throw ModelFileError(path, "format version \(version); this cnnswift reads version \(Self.formatVersion)")
    }
    let length = try reader.uint64("the file length")
    guard length == UInt64(bytes.count) else {
      throw ModelFileError(
        path,
        UInt64(bytes.count) < length
          ? "truncated: \(bytes.count) bytes, its header says \(length)"
          : "\(bytes.count) bytes, but its header says \(length): something was appended to it")
    }
    guard bytes.count >= headerSize + 4 else { throw ModelFileError(path, "truncated: \(bytes.count) bytes") }
    try Self.verifyChecksum(bytes, path: path)
    reader = ByteReader(bytes, path: path, from: headerSize, end: bytes.count - 4)
    let name = try reader.string("the model name")
    let layers = Int(try reader.uint32("the layer count"))
    do {
      architecture = try Architecture(name: name, layers: name == "resnet" ? layers : nil)
    } catch {
      throw ModelFileError(path, "holds an unknown model '\(name)' (\(error.message))")
    }
    inputShape = try reader.shape("the input shape")
    classes = Int(try reader.uint32("the class count"))
    let count = Int(try reader.uint32("the parameter count"))
    parameters = []
    for index in 0..<count {
      let name = try reader.string("the name of parameter \(index)")
      let shape = try reader.shape("the shape of \(name)")
      let values = try reader.floats(shape.reduce(1, *), name)
      parameters.append(Entry(name: name, value: Tensor(shape: shape, data: values)))
    }
    guard reader.remaining == 0 else {
      throw ModelFileError(path, "corrupt: \(reader.remaining) unexplained bytes after the last parameter")
    }
  }

  /// Reads and checks the model file at `path` (see ``init(bytes:path:)``).
  public static func read(path: String) throws(ModelFileError) -> ModelFile {
    try ModelFile(bytes: try readBytes(path: path), path: path)
  }

  /// Writes the file atomically (a temporary file renamed over `path`).
  public func write(to path: String) throws(ModelFileError) {
    try AtomicFileWriter.write(encoded(), to: path)
  }

  /// Writes `network`'s parameters as a model file of `architecture` at `path`, atomically.
  public static func write(network: Network, architecture: Architecture, to path: String) throws(ModelFileError) {
    try ModelFile(network: network, architecture: architecture).write(to: path)
  }

  /// Refuses a file whose model, input shape or classes differ from what the caller expects (nil: any), naming
  /// both: `model.cnn: holds lenet for 1×28×28 inputs and 10 classes; expected resnet20 for 3×32×32 inputs …`.
  public func expect(architecture: Architecture? = nil, inputShape: [Int]? = nil, classes: Int? = nil)
    throws(ModelFileError)
  {
    let matches =
      (architecture.map { $0 == self.architecture } ?? true) && (inputShape.map { $0 == self.inputShape } ?? true)
      && (classes.map { $0 == self.classes } ?? true)
    guard !matches else { return }
    // Only what the caller asked for: "expected resnet20", "expected 3×32×32 inputs and 10 classes".
    var expected = architecture.map { "\($0)" } ?? ""
    if let inputShape { expected += (expected.isEmpty ? "" : " for ") + "\(Self.text(inputShape)) inputs" }
    if let classes { expected += (expected.isEmpty ? "" : " and ") + "\(classes) classes" }
    throw ModelFileError(path, "holds \(summary); expected \(expected)")
  }

  /// `lenet for 1×28×28 inputs and 10 classes`.
  public var summary: String { Self.describe(architecture, inputShape, classes) }

  /// Copies the file's values into `network`'s parameters, after checking that the file has exactly the network's
  /// parameters: their number, and each one's name and shape. Nothing is changed when the check fails; the error
  /// names the first parameter that differs with its expected and found shapes.
  public func load(into network: Network) throws(ModelFileError) {
    let expected = network.parameters
    var mismatches: [String] = []
    for (index, (entry, parameter)) in zip(parameters, expected).enumerated()
    where entry.name != parameter.name || entry.value.shape != parameter.value.shape {
      mismatches.append(
        entry.name == parameter.name
          ? "parameter \(entry.name): expected shape \(Self.text(parameter.value.shape)), found "
            + Self.text(entry.value.shape)
          : "parameter \(index): expected \(parameter.name) of shape \(Self.text(parameter.value.shape)), found "
            + "\(entry.name) of shape \(Self.text(entry.value.shape))")
    }
    if let first = mismatches.first {
      let more = mismatches.count > 1 ? " (and \(mismatches.count - 1) more parameters differ)" : ""
      throw ModelFileError(path, "does not fit the network: \(first)\(more)")
    }
    guard parameters.count == expected.count else {
      let extra =
        parameters.count > expected.count
        ? "first extra: \(Self.text(parameters[expected.count]))"
        : "first missing: \(expected[parameters.count].name) of shape "
          + Self.text(expected[parameters.count].value.shape)
      throw ModelFileError(
        path, "has \(parameters.count) parameter tensors, the network expects \(expected.count) (\(extra))")
    }
    for (entry, parameter) in zip(parameters, expected) { parameter.value = entry.value }
  }

  /// The network the file describes, its parameters loaded; refuses a file whose tensors do not fit its own
  /// architecture (another version of a model, or a damaged file whose checksum was rewritten).
  public func build() throws(ModelFileError) -> Network {
    // Bounds well beyond any model here, so that a crafted file cannot make the build allocate without limit.
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 >= 1 }), inputShape[0] <= 1024, inputShape[1] <= 4096,
      inputShape[2] <= 4096, (1...65_536).contains(classes)
    else {
      throw ModelFileError(path, "corrupt: input shape \(Self.text(inputShape)) and \(classes) classes")
    }
    if case .resnet = architecture, inputShape[1] != 32 || inputShape[2] != 32 {
      throw ModelFileError(path, "corrupt: a ResNet takes 32×32 inputs, the file says \(Self.text(inputShape))")
    }
    if architecture == .lenet && (inputShape[1] < 12 || inputShape[2] < 12) {
      throw ModelFileError(
        path, "corrupt: LeNet-5 needs inputs of 12×12 or more, the file says \(Self.text(inputShape))")
    }
    let network = architecture.build(inputShape: inputShape, classes: classes, seed: 0)
    try load(into: network)
    return network
  }

  /// `0.conv.weight of shape 6×1×5×5`.
  static func text(_ entry: Entry) -> String { "\(entry.name) of shape \(text(entry.value.shape))" }

  /// `6×1×5×5`; `scalar` for no dimension.
  public static func text(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
  }

  static func describe(_ architecture: Architecture, _ inputShape: [Int], _ classes: Int) -> String {
    "\(architecture) for \(text(inputShape)) inputs and \(classes) classes"
  }

  /// The model name and depth the file stores for `architecture`.
  static func fields(of architecture: Architecture) -> (name: String, layers: Int) {
    switch architecture {
    case .lenet: ("lenet", 0)
    case .mlp: ("mlp", 0)
    case .resnet(let layers): ("resnet", layers)
    }
  }

  /// Checks the CRC-32 in the last 4 bytes against every byte before it.
  static func verifyChecksum(_ bytes: [UInt8], path: String) throws(ModelFileError) {
    var reader = ByteReader(bytes, path: path, from: bytes.count - 4)
    let stored = try reader.uint32("the checksum")
    let computed = crc32(bytes[..<(bytes.count - 4)])
    guard stored == computed else {
      throw ModelFileError(
        path,
        "checksum mismatch: the file says \(hex(stored)), its contents give \(hex(computed)); the file is "
          + "corrupt (damaged or changed since it was written)")
    }
  }

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
  }

  /// What a file starts with instead of `expected`: `its first bytes are "PK\u{3}\u{4}…", expected "CNNSWIFT"`.
  static func describeStart(_ bytes: [UInt8], expected: [UInt8]) -> String {
    if bytes.isEmpty { return "the file is empty" }
    let start = bytes.prefix(expected.count)
    let printable = start.allSatisfy { (0x20..<0x7F).contains($0) }
    let shown =
      printable
      ? "\"\(String(decoding: start, as: UTF8.self))\"" : start.map { hex2($0) }.joined(separator: " ")
    return "it starts with \(shown), expected \"\(String(decoding: expected, as: UTF8.self))\""
  }

  private static func hex2(_ byte: UInt8) -> String {
    (byte < 16 ? "0" : "") + String(byte, radix: 16)
  }

  /// The whole content of the file at `path`.
  static func readBytes(path: String) throws(ModelFileError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let reason = errno
      throw ModelFileError(path, reason == ENOENT ? "no such file" : "cannot open: \(AtomicFileWriter.reason(reason))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw ModelFileError(path, "cannot read: \(AtomicFileWriter.reason(errno))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else { throw ModelFileError(path, "not a file") }
    let size = Int(status.st_size)
    var bytes = [UInt8](repeating: 0, count: size)
    var offset = 0
    while offset < size {
      let count = bytes.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress! + offset, size - offset, off_t(offset))
      }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        throw ModelFileError(
          path, count == 0 ? "the file shrank while being read" : "cannot read: \(AtomicFileWriter.reason(errno))")
      }
      offset += count
    }
    return bytes
  }
}
