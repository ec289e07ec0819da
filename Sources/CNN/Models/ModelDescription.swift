/// A model's layer table, as `cnnswift models --describe` prints it: per node its layer, the values it reads, its
/// output shape, parameters, forward FLOPs and output memory at a batch, then the totals and what the model needs
/// in memory to infer and to train.
public struct ModelDescription: Sendable, Equatable {
  /// One node of the model.
  public struct Row: Sendable, Equatable {
    public var index: Int
    public var name: String
    /// The layer's ``Layer/summary`` (`conv 16@3x3 pad 1 no bias`).
    public var layer: String
    /// The names of the values it reads (`input` for the model's input).
    public var inputs: [String]
    public var outputShape: [Int]
    /// Trainable values (weights and biases).
    public var parameters: Int
    /// Forward FLOPs for one sample (2 × the multiply-adds of convolutions and dense layers).
    public var flops: Int
    /// The output's bytes for the batch (4 per value).
    public var outputBytes: Int
  }

  /// `yolov2-tiny for 3×416×416 inputs and 125×13×13 outputs`.
  public var title: String
  public var inputShape: [Int]
  public var batch: Int
  public var rows: [Row]
  /// Running statistics (batch normalization's means and variances): stored, not trained.
  public var statistics: Int
  /// The most bytes of layer outputs alive at once during inference of the batch (the input included), values
  /// being let go after their last reader as ``Network`` does.
  public var peakInferenceValueBytes: Int
  /// What training needs per rank at the batch (``MemoryEstimate``).
  public var training: MemoryEstimate

  public var parameters: Int { rows.reduce(0) { $0 + $1.parameters } }
  public var flops: Int { rows.reduce(0) { $0 + $1.flops } }
  /// Every stored value (parameters and statistics), 4 bytes each.
  public var weightBytes: Int { 4 * (parameters + statistics) }

  /// The description of `network`, built from `graph` (whose node names it shows), for `batch` samples.
  public init(network: Network, graph: ModelGraph, title: String, batch: Int) {
    precondition(graph.nodes.count == network.nodes.count, "the network is not the graph's")
    (self.title, inputShape, self.batch) = (title, network.inputShape, batch)
    let names = ["input"] + graph.nodes.map(\.name)
    rows = zip(network.layerInfo, graph.nodes).map { info, node in
      Row(
        index: info.index, name: node.name, layer: info.summary, inputs: node.inputs.map { names[$0] },
        outputShape: info.outputShape, parameters: info.parameterCount, flops: info.flops,
        outputBytes: MemoryEstimate.product([info.outputShape.reduce(1, *), batch, 4]))
    }
    statistics = network.parameters.filter { !$0.isTrainable }.reduce(0) { $0 + $1.value.count }
    peakInferenceValueBytes = MemoryEstimate.product([network.peakLiveValues, batch, 4])
    training = MemoryEstimate(network: network, batch: batch)
  }

  /// The table: a title, a header, one line for the input and one per node, a total line and the memory lines.
  public var lines: [String] {
    let table =
      [["#", "name", "layer", "reads", "output", "parameters", "MFLOPs", "output MiB"]]
      + [
        ["", "input", "", "", ModelFile.text(inputShape), "", "", Self.mebibytes(4 * batch * inputShape.reduce(1, *))]
      ]
      + rows.map {
        [
          String($0.index), $0.name, $0.layer, $0.inputs.joined(separator: ","), ModelFile.text($0.outputShape),
          grouped($0.parameters), Self.megaflops($0.flops), Self.mebibytes($0.outputBytes),
        ]
      }
      + [["", "total", "", "", "", grouped(parameters), Self.megaflops(flops), ""]]
    let widths = (0..<8).map { column in table.map { $0[column].count }.max() ?? 0 }
    let rightAligned: Set = [0, 5, 6, 7]
    let body = table.map { row in
      (0..<8).map { column in
        let fill = String(repeating: " ", count: widths[column] - row[column].count)
        return rightAligned.contains(column) ? fill + row[column] : row[column] + fill
      }.joined(separator: "  ").replacing(/\s+$/, with: "")
    }
    return ["\(title), batch \(batch)"] + body + [
      "parameters: \(grouped(parameters + statistics)) values (\(grouped(parameters)) trained, "
        + "\(grouped(statistics)) running statistics), \(Self.mebibytes(weightBytes)) MiB",
      "forward: \(Self.flopText(Double(flops))) per sample, \(Self.flopText(Double(flops) * Double(batch))) per batch "
        + "of \(batch)",
      "inference memory at batch \(batch): \(Self.mebibytes(MemoryEstimate.sum([weightBytes, peakInferenceValueBytes]))) "
        + "MiB (weights and the layer outputs alive at once)",
      "training memory per rank at batch \(batch): \(Self.mebibytes(training.totalBytes)) MiB (weights, gradients, "
        + "momentum, every output and its gradient, and about 60 MiB of runtime, BLAS and MPI)",
    ]
  }

  static func mebibytes(_ bytes: Int) -> String {
    bytes == .max ? "too many" : String(format: "%.2f", Double(bytes) / 1_048_576)
  }

  /// `0.83 MFLOPs`, `6.97 GFLOPs`.
  static func flopText(_ flops: Double) -> String {
    flops >= 1e9 ? String(format: "%.2f GFLOPs", flops / 1e9) : String(format: "%.2f MFLOPs", flops / 1e6)
  }

  static func megaflops(_ flops: Int) -> String { String(format: "%.2f", Double(flops) / 1e6) }
}
