/// The state of a training run at the end of an epoch, from which `--resume` continues to the same weights as a
/// run that was never stopped: every rank's weights, statistics and optimizer state (SGD's velocities, Adam's
/// moments), the epoch and step reached, where a plateau schedule is, and the options that must not change.
///
/// A rank's *state* is one array: the values of every parameter (``Network/parameters`` order) followed by the
/// optimizer's state of every trainable parameter (``Optimizer/state(of:)``). Ranks whose state is bit-identical to rank 0's (all of them under
/// `--sync batch` without batch normalization, and after every `--sync epoch` average) are stored as a reference
/// to it, so a checkpoint is as large as one model plus its optimizer's state unless the ranks really differ.
///
/// Version 2, little-endian, strings and floats as in ``ModelFile`` (version 1, without the schedule, is read too):
///
/// | field | encoding |
/// |---|---|
/// | magic | the 8 bytes `CNNSCKPT` |
/// | format version | UInt32, 2 |
/// | model | UInt64 byte count, then a complete model file (rank 0's values) |
/// | epoch | UInt32: the epochs completed |
/// | steps | UInt64: the optimizer steps each rank has taken |
/// | ranks | UInt32: K |
/// | options | UInt32 count, then (name, value) string pairs sorted by name |
/// | schedule | UInt8 0 (none kept), or 1 and a plateau's progress: Float32 rate, Float64 best loss, UInt32 bad epochs |
/// | rank 0 optimizer state | UInt64 count, then Float32 values |
/// | ranks 1 … K−1 | UInt8 0 (the same state as rank 0), or 1, a UInt64 count and the rank's state |
/// | checksum | UInt32: CRC-32 of every byte before it |
public struct CheckpointFile: Sendable {
  /// The first 8 bytes of every checkpoint.
  public static let magic = Array("CNNSCKPT".utf8)
  /// The version this code writes and reads.
  public static let formatVersion: UInt32 = 2
  /// The file's name in `--checkpoint-dir`.
  public static let fileName = "checkpoint.cnnckpt"

  /// Rank 0's parameter values (and the architecture).
  public let model: ModelFile
  /// Epochs completed: a resumed run starts with epoch `epoch + 1`.
  public let epoch: Int
  /// Optimizer steps each rank has taken (what `--sync every:N` counts).
  public let steps: Int
  /// The ranks that trained, one state each.
  public let ranks: Int
  /// The run's options that a resumed run must repeat, by name (`batch` → `32`).
  public let options: [String: String]
  /// Where the run's `--lr-plateau` schedule was, nil when it had none.
  public let plateau: PlateauSchedule.Progress?
  /// The file it was read from.
  public let path: String

  private let bytes: [UInt8]
  /// Rank 0's optimizer state: where its count is.
  private let optimizerStateOffset: Int
  /// For ranks 1 … K−1: where the state's count is, or nil for "the same as rank 0".
  private let rankOffsets: [Int?]

  /// Writes a checkpoint to `path` atomically, streaming: `state(r)` is asked for the state of ranks 1 … K−1 in
  /// order (nil when it equals rank 0's), so only one rank's state is held at a time. Until the final rename the
  /// previous checkpoint stays in place.
  public static func write(
    to path: String, model: ModelFile, epoch: Int, steps: Int, ranks: Int, options: [String: String],
    plateau: PlateauSchedule.Progress? = nil, optimizerState: [Float], state: (Int) throws -> [Float]?
  ) throws {
    let file = try ChecksummedFileWriter(path: path)
    var header = ByteWriter()
    header.bytes = magic
    header.append(formatVersion)
    let modelBytes = model.encoded()
    header.append(UInt64(modelBytes.count))
    header.bytes += modelBytes
    header.append(UInt32(epoch))
    header.append(UInt64(steps))
    header.append(UInt32(ranks))
    header.append(UInt32(options.count))
    for (name, value) in options.sorted(by: { $0.key < $1.key }) {
      header.append(name)
      header.append(value)
    }
    header.append(UInt8(plateau == nil ? 0 : 1))
    if let plateau {
      header.append(plateau.rate.bitPattern)
      header.append(plateau.best.bitPattern)
      header.append(UInt32(clamping: plateau.badEpochs))
    }
    header.append(UInt64(optimizerState.count))
    header.append(floats: optimizerState)
    try file.write(header.bytes)
    for rank in 1..<max(ranks, 1) {
      var block = ByteWriter()
      if let values = try state(rank) {
        block.append(UInt8(1))
        block.append(UInt64(values.count))
        block.append(floats: values)
      } else {
        block.append(UInt8(0))
      }
      try file.write(block.bytes)
    }
    var checksum = ByteWriter()
    checksum.append(file.checksum)
    try file.write(checksum.bytes)
    try file.commit()
  }

  /// Reads and checks the checkpoint at `path`, a regular file of at most `limit` bytes: magic, version,
  /// checksum, the embedded model file, and every state's values (finite, within the file).
  public static func read(path: String, limit: Int = InputLimits.modelFileBytes) throws(ModelFileError)
    -> CheckpointFile
  {
    try CheckpointFile(bytes: try ModelFile.readBytes(path: path, limit: limit), path: path)
  }

  /// The largest checkpoint of `ranks` ranks whose state has `stateValues` values (parameters and optimizer state):
  /// the bound for ``read(path:limit:)``, so that a file no run could have written is not read whole. A MiB is
  /// left for names, shapes and options.
  public static func sizeLimit(stateValues: Int, ranks: Int) -> Int {
    (1 << 20) + (ranks + 1) * (stateValues * 4 + 16)
  }

  /// Decodes a checkpoint's `bytes`; `path` names it in errors.
  public init(bytes: [UInt8], path: String) throws(ModelFileError) {
    guard bytes.count >= Self.magic.count, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
      throw ModelFileError(path, "not a cnnswift checkpoint: " + ModelFile.describeStart(bytes, expected: Self.magic))
    }
    var reader = ByteReader(bytes, path: path, from: Self.magic.count)
    let version = try reader.uint32("the format version")
    guard (1...Self.formatVersion).contains(version) else {
      throw ModelFileError(path, "checkpoint format version \(version); this cnnswift reads 1 to \(Self.formatVersion)")
    }
    guard bytes.count >= Self.magic.count + 4 + 4 else { throw ModelFileError(path, "truncated") }
    do { try ModelFile.verifyChecksum(bytes, path: path) } catch {
      throw ModelFileError(path, error.problem.replacing("is corrupt", with: "is corrupt or truncated"))
    }
    reader = ByteReader(bytes, path: path, from: reader.offset, end: bytes.count - 4, verified: true)
    let modelCount = Int(clamping: try reader.uint64("the model's length"))
    guard modelCount <= reader.remaining else { throw ModelFileError(path, "corrupt: the model runs past the end") }
    let modelStart = reader.offset
    do {
      model = try ModelFile(bytes: Array(bytes[modelStart..<(modelStart + modelCount)]), path: path)
    } catch {
      throw ModelFileError(path, "the model inside it: \(error.problem)")
    }
    reader = ByteReader(bytes, path: path, from: modelStart + modelCount, end: bytes.count - 4, verified: true)
    epoch = Int(try reader.uint32("the epoch"))
    steps = Int(clamping: try reader.uint64("the step count"))
    ranks = Int(try reader.uint32("the rank count"))
    guard ranks >= 1 else { throw ModelFileError(path, "corrupt: 0 ranks") }
    options = try Self.readOptions(&reader)
    plateau = version >= 2 ? try Self.readPlateau(&reader, path: path) : nil
    optimizerStateOffset = reader.offset
    _ = try Self.skipState(&reader, "rank 0's optimizer state")
    rankOffsets = try Self.readRankOffsets(&reader, ranks: ranks, path: path)
    (self.bytes, self.path) = (bytes, path)
  }

  /// The options: a count, then (name, value) pairs.
  private static func readOptions(_ reader: inout ByteReader) throws(ModelFileError) -> [String: String] {
    let optionCount = Int(try reader.uint32("the option count"))
    var options: [String: String] = [:]
    for index in 0..<optionCount {
      let name = try reader.string("the name of option \(index)")
      options[name] = try reader.string("the value of option \(name)")
    }
    return options
  }

  /// The schedule's tag, then a plateau's progress when there is one.
  private static func readPlateau(_ reader: inout ByteReader, path: String) throws(ModelFileError)
    -> PlateauSchedule.Progress?
  {
    let tag = try reader.uint8("the schedule's tag")
    guard tag == 1 else {
      if tag == 0 { return nil }
      throw ModelFileError(path, "corrupt: schedule tag \(tag)")
    }
    let rate = Float(bitPattern: try reader.uint32("the plateau's rate"))
    let best = Double(bitPattern: try reader.uint64("the plateau's best loss"))
    let badEpochs = Int(try reader.uint32("the plateau's bad epochs"))
    guard rate.isFinite, rate > 0, !best.isNaN else {
      throw ModelFileError(path, "corrupt: a plateau schedule at rate \(rate), best loss \(best)")
    }
    return PlateauSchedule.Progress(rate: rate, best: best, badEpochs: badEpochs)
  }

  /// Ranks 1 … K−1, to the end of the file: where each one's state is, nil for "the same as rank 0".
  private static func readRankOffsets(_ reader: inout ByteReader, ranks: Int, path: String) throws(ModelFileError)
    -> [Int?]
  {
    var offsets: [Int?] = []
    for rank in 1..<ranks {
      let tag = try reader.uint8("the state tag of rank \(rank)")
      switch tag {
      case 0: offsets.append(nil)
      case 1:
        offsets.append(reader.offset)
        _ = try Self.skipState(&reader, "the state of rank \(rank)")
      default: throw ModelFileError(path, "corrupt: state tag \(tag) for rank \(rank)")
      }
    }
    guard reader.remaining == 0 else {
      throw ModelFileError(path, "corrupt: \(reader.remaining) unexplained bytes after the last rank")
    }
    return offsets
  }

  /// Rank 0's optimizer state: that of the trainable parameters, in order, one after another.
  public var optimizerState: [Float] {
    var reader = ByteReader(bytes, path: path, from: optimizerStateOffset, end: bytes.count - 4)
    return (try? Self.readState(&reader, "")) ?? []
  }

  /// The state of `rank`: every parameter's values, then every trainable parameter's optimizer state.
  public func state(ofRank rank: Int) -> [Float] {
    precondition((0..<ranks).contains(rank), "rank \(rank) of a checkpoint of \(ranks)")
    if rank > 0, let offset = rankOffsets[rank - 1] {
      var reader = ByteReader(bytes, path: path, from: offset, end: bytes.count - 4)
      return (try? Self.readState(&reader, "")) ?? []
    }
    return model.parameters.flatMap(\.value.data) + optimizerState
  }

  /// The number of values in the state of `rank`, without decoding it.
  public func stateCount(ofRank rank: Int) -> Int {
    precondition((0..<ranks).contains(rank), "rank \(rank) of a checkpoint of \(ranks)")
    var reader = ByteReader(bytes, path: path, from: optimizerStateOffset, end: bytes.count - 4)
    if rank > 0, let offset = rankOffsets[rank - 1] {
      reader = ByteReader(bytes, path: path, from: offset, end: bytes.count - 4)
      return Int(clamping: (try? reader.uint64("")) ?? 0)
    }
    return model.parameters.reduce(0) { $0 + $1.value.count } + Int(clamping: (try? reader.uint64("")) ?? 0)
  }

  /// Whether `rank`'s state is stored as "the same as rank 0's".
  public func sharesRankZeroState(_ rank: Int) -> Bool {
    rank == 0 || rankOffsets[rank - 1] == nil
  }

  private static func readState(_ reader: inout ByteReader, _ what: String) throws(ModelFileError) -> [Float] {
    let count = Int(clamping: try reader.uint64("the length of \(what)"))
    return try reader.floats(count, what)
  }

  private static func skipState(_ reader: inout ByteReader, _ what: String) throws(ModelFileError) -> Int {
    let count = Int(clamping: try reader.uint64("the length of \(what)"))
    try reader.skipFloats(count, what)
    return count
  }
}
