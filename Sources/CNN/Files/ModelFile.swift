import Files

/// A trained model as a file (`--save model.cnn`, `infer --model-file model.cnn`): the model's graph and every
/// parameter tensor, in a documented little-endian binary format.
///
/// The file holds no timestamp, host or path, so equal weights give byte-identical files (a test, or `cmp`, can
/// compare two runs). Version 2, which this code writes:
///
/// | field | encoding |
/// |---|---|
/// | magic | the 8 bytes `CNNSWIFT` |
/// | format version | UInt32, 2 |
/// | file length | UInt64, every byte of the file, the checksum included |
/// | model name | string: `lenet`, `resnet20`, `yolov2-tiny`, … (a label; a preset's name makes it that preset) |
/// | graph | string: the ``ModelGraph`` as JSON (input shape, nodes with their layers' settings, outputs) |
/// | parameter count | UInt32: P |
/// | P × parameter | name (string), shape, then its Float32 values in row-major order |
/// | checksum | UInt32: CRC-32 (IEEE, as zlib's `crc32`) of every byte before it |
///
/// Integers are unsigned little-endian, floats IEEE 754 binary32 little-endian; a string is a UInt32 byte count
/// then UTF-8; a shape is a UInt32 rank then one UInt32 per dimension. The parameters are `Network.parameters` in
/// order (weights, biases, batch-normalization scales, shifts and running statistics), named as the network names
/// them (`0.conv.weight`, `3.residual.bn1.running_mean`).
///
/// Version 1 files (written before models were graphs) still load: after the length they hold the model name
/// (`lenet`, `mlp` or `resnet`), a UInt32 layer count (the ResNet's depth, 0 for the others), the input shape,
/// a UInt32 class count, then the parameters as above; see ``ModelFileVersion1``.
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
  /// The version this code writes.
  public static let formatVersion: UInt32 = 2
  /// The extension `--save` suggests.
  public static let fileExtension = "cnn"
  /// The longest model name a file may hold.
  static let nameLimit = 256

  /// The model's name: a preset's (`resnet20`) or the one it was imported or saved under.
  public var name: String
  /// The model's layers and how they connect.
  public var graph: ModelGraph
  /// The built-in model the file holds, when its name is a preset's and its graph that preset's.
  public var architecture: Architecture?
  /// Every parameter of the network, in ``Network/parameters`` order.
  public var parameters: [Entry]
  /// The file this was read from, for messages (`""` when made from a network).
  public var path: String

  /// The shape of one input sample.
  public var inputShape: [Int] { graph.inputShape }
  /// The number of outputs of a classifier (whose first output is `[classes]`); nil for other models.
  public let classes: Int?
  /// The shape of one sample of the first output.
  public let outputShape: [Int]

  /// The model file of `network`, named `name`, described by `graph`. The values are copied: later training does
  /// not change them.
  public init(network: Network, graph: ModelGraph, name: String) {
    precondition(graph.inputShape == network.inputShape, "the graph is not the network's")
    (self.name, self.graph, self.path) = (name, graph, "")
    parameters = network.parameters.map { Entry(name: $0.name, value: $0.value) }
    outputShape = network.outputShape
    classes = outputShape.count == 1 ? outputShape[0] : nil
    architecture = Self.preset(named: name, graph: graph)
  }

  /// The model file of `network`, an `architecture` built for ``Network/inputShape`` (its output shape gives the
  /// classes).
  public init(network: Network, architecture: Architecture) {
    precondition(network.outputShape.count == 1, "a classifier has [classes] outputs, not \(network.outputShape)")
    let graph = architecture.graph(inputShape: network.inputShape, classes: network.outputShape[0])
    self.init(network: network, graph: graph, name: architecture.description)
  }

  /// The preset named `name` (`lenet`, `resnet20`) when `graph` is exactly its graph.
  static func preset(named name: String, graph: ModelGraph) -> Architecture? {
    guard let architecture = Architecture.preset(named: name), case .dense(let classes, _, _) = graph.nodes.last?.layer,
      architecture.graph(inputShape: graph.inputShape, classes: classes) == graph
    else { return nil }
    return architecture
  }

  /// The file's bytes (version 2).
  public func encoded() -> [UInt8] {
    Self.encode(parameters) { writer in
      writer.append(name)
      writer.append(String(decoding: graph.encodedJSON(), as: UTF8.self))
    }
  }

  /// A model file: magic, `version`, the length, what `fields` writes, the parameters and the checksum.
  static func encode(_ parameters: [Entry], version: UInt32 = formatVersion, fields: (inout ByteWriter) -> Void)
    -> [UInt8]
  {
    var writer = ByteWriter()
    writer.bytes.reserveCapacity(1024 + parameters.reduce(0) { $0 + 48 + 4 * $1.value.count })
    writer.bytes.append(contentsOf: Self.magic)
    writer.append(version)
    writer.append(UInt64(0))  // the length, filled in below
    fields(&writer)
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

  /// Decodes a model file's `bytes` (version 2 or 1); `path` names it in errors. Refuses bad magic, another
  /// version, a truncated or overlong file, a checksum mismatch, a graph that does not check, and parameters whose
  /// values do not fit their shape.
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
    guard version == 1 || version == Self.formatVersion else {
      throw ModelFileError(path, "format version \(version); this cnnswift reads versions 1 and \(Self.formatVersion)")
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
    let shapes: ModelGraph.Shapes
    if version == 1 {
      let model = try ModelFileVersion1.decodeModel(&reader)
      (name, graph, architecture, shapes) = (
        model.architecture.description, model.graph, model.architecture, model.shapes
      )
    } else {
      (name, graph, shapes) = try Self.decodeGraph(&reader)
      architecture = Self.preset(named: name, graph: graph)
    }
    outputShape = shapes.values[graph.outputs[0] + 1]
    classes = outputShape.count == 1 ? outputShape[0] : nil
    parameters = try Self.decodeParameters(&reader)
    guard reader.remaining == 0 else {
      throw ModelFileError(path, "corrupt: \(reader.remaining) unexplained bytes after the last parameter")
    }
  }

  /// Version 2's name and graph, the graph checked (its shapes within ``InputLimits``).
  private static func decodeGraph(_ reader: inout ByteReader) throws(ModelFileError) -> (
    String, ModelGraph, ModelGraph.Shapes
  ) {
    let path = reader.path
    let name = try reader.string("the model name")
    guard (1...nameLimit).contains(name.utf8.count), !name.contains(where: \.isNewline) else {
      throw ModelFileError(path, "corrupt: the model name must be 1 to \(nameLimit) bytes on one line")
    }
    let json = try reader.string("the graph")
    let graph: ModelGraph
    let shapes: ModelGraph.Shapes
    do {
      graph = try ModelGraph.decode(json: Array(json.utf8))
    } catch {
      throw ModelFileError(path, "corrupt graph: \(error.message)")
    }
    do {
      shapes = try graph.shapes()
    } catch {
      throw ModelFileError(path, "its graph does not check: \(error)")
    }
    return (name, graph, shapes)
  }

  /// The parameter tensors: each name, shape (its values within what the file holds) and finite values.
  static func decodeParameters(_ reader: inout ByteReader) throws(ModelFileError) -> [Entry] {
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

  /// `lenet for 1×28×28 inputs and 10 classes`, `yolov2-tiny for 3×416×416 inputs and 125×13×13 outputs`.
  public var summary: String { Self.summary(name: name, inputShape: inputShape, outputShape: outputShape) }

  /// The ``summary`` of a model `name` whose samples of `inputShape` give `outputShape` (`[classes]` for a
  /// classifier).
  public static func summary(name: String, inputShape: [Int], outputShape: [Int]) -> String {
    "\(name) for \(text(inputShape)) inputs and "
      + (outputShape.count == 1 ? "\(outputShape[0]) classes" : "\(text(outputShape)) outputs")
  }

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
  /// graph (another version of a model, or a damaged file whose checksum was rewritten).
  public func build() throws(ModelFileError) -> Network {
    let shapes: ModelGraph.Shapes
    do {
      shapes = try graph.shapes()
    } catch {
      throw ModelFileError(path, "its graph does not check: \(error)")
    }
    // The graph decides how large the network is: refuse one far larger than the values the file holds before
    // allocating it (a close one is built, so that `load` names the parameter that differs).
    let needed = shapes.totalParameterValues
    let held = parameters.reduce(0) { $0 + $1.value.count }
    guard needed <= 2 * held + 1024 else {
      throw ModelFileError(
        path, "corrupt: it describes \(summary), \(needed) parameter values, but it holds \(held) values")
    }
    let network: Network
    do {
      // Weights with storage alone: the file's replace every one (drawing them first cost as much memory again,
      // 43 MiB for tiny-YOLOv2, and a second for its random numbers).
      network = try graph.withUnfilledWeights.build(seed: 0)
    } catch {
      throw ModelFileError(path, "its graph does not check: \(error)")
    }
    try load(into: network)
    return network
  }

  /// `0.conv.weight of shape 6×1×5×5`.
  static func text(_ entry: Entry) -> String { "\(entry.name) of shape \(text(entry.value.shape))" }

  /// `6×1×5×5`; `scalar` for no dimension.
  public static func text(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
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
  public static func readBytes(path: String, limit: Int = InputLimits.modelFileBytes) throws(ModelFileError) -> [UInt8]
  {
    do {
      return Array(try BoundedFile.read(path, limit: limit))
    } catch {
      throw readError(error, limit: limit)
    }
  }

  /// The model-file message of a file that could not be read within `limit` bytes.
  public static func readError(_ error: BoundedFileError, limit: Int?) -> ModelFileError {
    switch error {
    case .missing: ModelFileError(error.path, "no such file")
    case .tooLarge: ModelFileError(error.path, "larger than \(limit ?? 0) bytes, more than such a file holds")
    default: ModelFileError(error.path, error.reason)
    }
  }
}
