import Files

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
    reader = ByteReader(bytes, path: path, from: headerSize, end: bytes.count - 4, verified: true)
    (architecture, inputShape, classes) = try Self.decodeModel(&reader)
    parameters = try Self.decodeParameters(&reader)
    guard reader.remaining == 0 else {
      throw ModelFileError(path, "corrupt: \(reader.remaining) unexplained bytes after the last parameter")
    }
  }

  /// The model fields after the file's header, each checked before anything is computed from it: the name and
  /// depth, the input shape (within ``InputLimits`` and fit for the model) and the class count.
  private static func decodeModel(_ reader: inout ByteReader) throws(ModelFileError) -> (Architecture, [Int], Int) {
    let path = reader.path
    let name = try reader.string("the model name")
    let layers = Int(try reader.uint32("the layer count"))
    let architecture: Architecture
    switch name {
    case "lenet", "mlp":
      guard layers == 0 else {
        throw ModelFileError(path, "corrupt: the layer count is \(layers); a \(name) file has 0 there")
      }
      architecture = name == "lenet" ? .lenet : .mlp
    case "resnet":
      guard Architecture.isValidResNetDepth(layers) else {
        throw ModelFileError(
          path,
          "corrupt: the layer count of its ResNet is \(layers); expected 6n+2 from 8 to \(InputLimits.resNetDepth)")
      }
      architecture = .resnet(layers: layers)
    default:
      throw ModelFileError(
        path, "holds an unknown model '\(name)'; expected \(Architecture.names.joined(separator: ", "))")
    }
    let most = InputLimits.inputChannels * InputLimits.imageSide * InputLimits.imageSide
    let inputShape = try reader.shape("the input shape", maximum: most, of: "values per image")
    if let problem = architecture.inputProblem(inputShape) {
      throw ModelFileError(path, "corrupt: the input shape is \(problem)")
    }
    let classes = Int(try reader.uint32("the class count"))
    guard (2...InputLimits.classes).contains(classes) else {
      throw ModelFileError(path, "corrupt: the class count is \(classes); expected 2 to \(InputLimits.classes)")
    }
    return (architecture, inputShape, classes)
  }

  /// The parameter tensors: each name, shape (its values within what the file holds) and finite values.
  private static func decodeParameters(_ reader: inout ByteReader) throws(ModelFileError) -> [Entry] {
    let count = Int(try reader.uint32("the parameter count"))
    // Each parameter takes at least 8 bytes (a name length and a rank).
    guard count <= reader.remaining / 8 else {
      throw ModelFileError(
        reader.path, "corrupt: the parameter count is \(count), more than the \(reader.remaining) bytes left can hold")
    }
    var parameters: [Entry] = []
    for index in 0..<count {
      let name = try reader.string("the name of parameter \(index)")
      let shape = try reader.tensorShape(name)
      let values = try reader.floats(shape.reduce(1, *), "parameter \(name)")
      parameters.append(Entry(name: name, value: Tensor(shape: shape, data: values)))
    }
    return parameters
  }

  /// Reads and checks the model file at `path` (see ``init(bytes:path:)``).
  public static func read(path: String) throws(ModelFileError) -> ModelFile {
    try ModelFile(bytes: try readBytes(path: path), path: path)
  }

  /// Writes the file atomically (a temporary file renamed over `path`).
  public func write(to path: String) throws(ModelFileError) {
    let file = try ChecksummedFileWriter(path: path)
    try file.write(encoded())
    try file.commit()
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
    if let problem = architecture.inputProblem(inputShape) {
      throw ModelFileError(path, "corrupt: the input shape is \(problem)")
    }
    guard (2...InputLimits.classes).contains(classes) else {
      throw ModelFileError(path, "corrupt: the class count is \(classes); expected 2 to \(InputLimits.classes)")
    }
    // The header decides how large the network is: refuse one far larger than the values the file holds before
    // allocating it (a close one is built, so that `load` names the parameter that differs).
    let needed = architecture.parameterCount(inputShape: inputShape, classes: classes)
    let held = parameters.reduce(0) { $0 + $1.value.count }
    guard needed <= 2 * held + 1024 else {
      throw ModelFileError(
        path,
        "corrupt: its header describes \(summary), \(needed) parameter values, but it holds \(held) values")
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

  /// The whole content of the file at `path`, a regular file of at most `limit` bytes (a FIFO or a device is
  /// refused rather than waited on).
  static func readBytes(path: String, limit: Int = InputLimits.modelFileBytes) throws(ModelFileError) -> [UInt8] {
    do {
      return Array(try BoundedFile.read(path, limit: limit))
    } catch {
      switch error {
      case .missing: throw ModelFileError(path, "no such file")
      case .tooLarge: throw ModelFileError(path, "larger than \(limit) bytes, more than such a file holds")
      default: throw ModelFileError(path, error.reason)
      }
    }
  }
}
