import CNN
import Files

/// Darknet's `.weights` file: a header, then each weighted layer's values in cfg order, Float32 little-endian.
///
/// | field | encoding |
/// |---|---|
/// | major, minor, revision | Int32 each |
/// | seen (images trained on) | UInt64 when major·10 + minor ≥ 2 (and both below 1000), else UInt32 |
/// | per `[convolutional]` | biases (filters); with `batch_normalize=1` scales, rolling means, rolling variances (filters each); weights (filters × channels/groups × size × size) |
/// | per `[connected]` | biases (outputs), weights (outputs × inputs; inputs × outputs when major or minor > 1000), then with `batch_normalize=1` scales, rolling means, rolling variances |
///
/// With batch normalization the biases are the normalization's shift (the convolution has none), the scales its
/// scale. cnnswift writes version 0.2.0 with a 64-bit `seen` of 0.
public enum DarknetWeights {
  /// The header cnnswift writes: version 0.2.0.
  static let written = (major: Int32(0), minor: Int32(2), revision: Int32(0))

  /// One parameter's place in the file: the network parameter it fills and how many values it takes.
  private struct Block {
    var name: String
    var count: Int
    /// The cfg line of its layer's section.
    var line: Int
    /// A dense layer's weights stored inputs-major (darknet's transposed form): outputs and inputs.
    var transposed: (outputs: Int, inputs: Int)? = nil
  }

  /// The blocks of `network`'s weighted layers, in file order.
  private static func blocks(_ network: DarknetNetwork, parameters: [String: Tensor], transpose: Bool) -> [Block] {
    var blocks: [Block] = []
    for layer in network.weightedLayers {
      let isConvolution: Bool
      if case .convolution = network.graph.nodes[layer.node].layer {
        isConvolution = true
      } else {
        isConvolution = false
      }
      let main = "\(layer.node).\(isConvolution ? "conv" : "dense")"
      let weight = parameters["\(main).weight"]!
      let outputs = weight.shape[0]
      let norm = layer.normalization.map { "\($0).batchnorm" }
      let biases = Block(name: norm.map { "\($0).bias" } ?? "\(main).bias", count: outputs, line: layer.line)
      let statistics =
        norm.map { n in
          ["weight", "running_mean", "running_var"].map { Block(name: "\(n).\($0)", count: outputs, line: layer.line) }
        } ?? []
      var weights = Block(name: "\(main).weight", count: weight.count, line: layer.line)
      if isConvolution {
        blocks += [biases] + statistics + [weights]
      } else {
        if transpose { weights.transposed = (outputs, weight.count / outputs) }
        blocks += [biases, weights] + statistics
      }
    }
    return blocks
  }

  /// Fills `file`'s parameters (a model of `network`) from the weights file at `path`, which must hold exactly
  /// the values the cfg describes.
  public static func read(path: String, into file: inout ModelFile, network: DarknetNetwork) throws(ModelFileError) {
    // The header first, and the values it implies against the file's size: a file of another model is refused
    // before its bytes are read.
    let start: (bytes: [UInt8], fileSize: Int)
    do { start = try BoundedFile.prefix(path, count: 20) } catch { throw ModelFile.readError(error, limit: nil) }
    var header = ByteReader(start.bytes, path: path)
    let major = Int32(bitPattern: try header.uint32("the major version"))
    let minor = Int32(bitPattern: try header.uint32("the minor version"))
    _ = try header.uint32("the revision")
    // Darknet's own test, in Int so that no version overflows it.
    if Int(major) * 10 + Int(minor) >= 2 && major < 1000 && minor < 1000 {
      _ = try header.uint64("seen")
    } else {
      _ = try header.uint32("seen")
    }
    var index: [String: Int] = [:]
    for (position, entry) in file.parameters.enumerated() { index[entry.name] = position }
    let tensors = index.mapValues { file.parameters[$0].value }
    let blocks = blocks(network, parameters: tensors, transpose: major > 1000 || minor > 1000)
    let needed = blocks.reduce(0) { $0 + $1.count }
    let held = start.fileSize - header.offset
    guard held == 4 * needed else {
      throw ModelFileError(
        path, mismatch(held: held, needed: needed, blocks: blocks, header: (header.offset, major, minor)))
    }
    var reader = ByteReader(try ModelFile.readBytes(path: path, limit: start.fileSize), path: path, from: header.offset)
    guard reader.remaining == 4 * needed else { throw ModelFileError(path, "changed while it was read") }
    for block in blocks {
      var values = try reader.floats(block.count, block.name)
      if let (outputs, inputs) = block.transposed { values = transposedBack(values, outputs: outputs, inputs: inputs) }
      let position = index[block.name]!
      file.parameters[position].value = Tensor(shape: file.parameters[position].value.shape, data: values)
    }
  }

  /// Why a file of `held` bytes after its header does not fit the `needed` values of `blocks`: by how many values
  /// it is short (and in which parameter it ends) or too long.
  private static func mismatch(
    held: Int, needed: Int, blocks: [Block], header: (bytes: Int, major: Int32, minor: Int32)
  ) -> String {
    let values = held / 4
    var text =
      "holds \(values) values after its \(header.bytes)-byte header (version \(header.major).\(header.minor)); "
      + "the cfg's weighted layers need \(needed): "
    if values < needed {
      var start = 0
      let end = blocks.first { block in
        defer { start += block.count }
        return start + block.count > values
      }
      text += "\(needed - values) value\(needed - values == 1 ? "" : "s") short"
      if let end { text += ", ending in \(end.name) of the section at cfg line \(end.line)" }
    } else {
      text += "\(values - needed) value\(values - needed == 1 ? "" : "s") too many"
    }
    if held % 4 != 0 { text += ", and \(held % 4) byte\(held % 4 == 1 ? "" : "s") past the last whole value" }
    return text + " (is it the weights of another cfg?)"
  }

  /// `values` stored inputs × outputs as outputs × inputs.
  private static func transposedBack(_ values: [Float], outputs: Int, inputs: Int) -> [Float] {
    var result = [Float](repeating: 0, count: values.count)
    for input in 0..<inputs {
      for output in 0..<outputs { result[output * inputs + input] = values[input * outputs + output] }
    }
    return result
  }

  /// The `.weights` bytes of `file`, a model of `network`.
  public static func encoded(_ file: ModelFile, network: DarknetNetwork) -> [UInt8] {
    var tensors: [String: Tensor] = [:]
    for entry in file.parameters { tensors[entry.name] = entry.value }
    var writer = ByteWriter()
    for value in [written.major, written.minor, written.revision] { writer.append(UInt32(bitPattern: value)) }
    writer.append(UInt64(0))
    for block in blocks(network, parameters: tensors, transpose: false) {
      writer.append(floats: tensors[block.name]!.data)
    }
    return writer.bytes
  }

  /// Writes `file`'s weights, a model of the cfg at `config`, to `path` atomically.
  public static func write(_ file: ModelFile, config: String, to path: String) throws(ModelFileError) {
    try write(file, network: try DarknetNetwork(config: try DarknetConfig.read(path: config)), to: path)
  }

  /// Writes `file`'s weights, a model of `network`, to `path` atomically.
  public static func write(_ file: ModelFile, network: DarknetNetwork, to path: String) throws(ModelFileError) {
    do {
      let writer = try AtomicFileWriter(path: path, createsFolder: false)
      try writer.write(encoded(file, network: network))
      try writer.commit(durable: true)
    } catch {
      throw ModelFileError(error.path, error.message)
    }
  }
}
