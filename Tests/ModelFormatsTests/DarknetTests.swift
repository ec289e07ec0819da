import CNN
import Foundation
import Testing

@testable import ModelFormats

/// Darknet cfgs (our own, written for these tests, each section kind at least once) become graphs with darknet's
/// shapes and parameter counts; `.weights` files round-trip in darknet's layout; bad cfgs are named by line.
@Suite struct DarknetTests {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("darknet-\(UUID().uuidString)").path

  init() throws { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }

  func write(_ name: String, _ text: String) -> String {
    let path = folder + "/" + name
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
  }

  /// A small YOLOv2-like detector: a passthrough route, reorg, concatenation and a region head.
  static let detector = """
    [net]
    # comments and spaces are ignored, as darknet ignores them
    width = 32
    height=32
    channels=3
    batch=64

    [convolutional]
    batch_normalize=1
    filters=8
    size=3
    stride=1
    pad=1
    activation=leaky

    [maxpool]
    size=2
    stride=2

    [convolutional]
    batch_normalize=1
    filters=16
    size=3
    pad=1
    activation=leaky

    [maxpool]
    size=2
    stride=2

    [maxpool]
    size=2
    stride=1

    [route]
    layers=-3

    [reorg]
    stride=2

    [route]
    layers=-1,-3

    [convolutional]
    filters=30
    size=1
    stride=1
    pad=1
    activation=linear

    [region]
    anchors = 1,1, 2,3.5, 4,2
    classes=5
    num=3
    softmax=1
    jitter=.2
    """

  /// A YOLOv3-like detector with two yolo heads, an upsampled branch and a shortcut.
  static let twoHeads = """
    [net]
    width=16
    height=16
    channels=3

    [convolutional]
    batch_normalize=1
    filters=8
    size=3
    stride=2
    pad=1
    activation=leaky

    [convolutional]
    batch_normalize=1
    filters=8
    size=3
    pad=1
    activation=relu

    [shortcut]
    from=-2
    activation=linear

    [convolutional]
    filters=20
    size=1
    activation=linear

    [yolo]
    mask=1,2
    anchors=2,3, 4,5, 6,7
    classes=5
    num=3

    [route]
    layers=-3

    [upsample]
    stride=2

    [convolutional]
    size=1
    filters=14
    activation=logistic

    [yolo]
    mask=0
    anchors=2,3, 4,5, 6,7
    classes=9
    num=3
    """

  /// A classifier: avgpool, a connected layer with batch normalization, dropout, softmax and cost.
  @Test func crlfLinesABomAndCommentsAfterValuesReadAsDarknetReadsThem() throws {
    let plain = try DarknetConfig(text: Self.classifier, path: "a.cfg")
    let windows =
      "\u{FEFF}"
      + Self.classifier.replacingOccurrences(of: "\n", with: "\r\n")
      .replacingOccurrences(of: "filters=4", with: "filters=4   # four filters")
    #expect(try DarknetConfig(text: windows, path: "a.cfg") == plain)
    let binary = write("binary.cfg", "[net]\nwidth=8\u{0}\n")
    #expect(throws: ModelFileError(binary, "not a darknet cfg: a NUL byte at byte offset 13 (a binary file?)")) {
      try DarknetConfig.read(path: binary)
    }
    let oneLine = String(repeating: "x", count: 500)
    #expect(throws: ModelFileError("b.cfg", "line 1: '\(oneLine.prefix(80))…' is neither a [section] nor key=value")) {
      try DarknetConfig(text: oneLine, path: "b.cfg")
    }
  }

  static let classifier = """
    [net]
    width=8
    height=8
    channels=1

    [convolutional]
    filters=4
    size=3
    stride=1
    padding=1
    groups=1
    activation=relu

    [connected]
    output=6
    batch_normalize=1
    activation=logistic

    [dropout]
    probability=.25

    [connected]
    output=3
    activation=linear

    [softmax]
    groups=1

    [cost]
    """

  @Test func aDetectorCfgBecomesItsGraph() throws {
    let network = try DarknetNetwork(config: try DarknetConfig(text: Self.detector, path: "detector.cfg"))
    let graph = network.graph
    let shapes = try graph.shapes()
    #expect(graph.inputShape == [3, 32, 32])
    #expect(
      graph.nodes.map(\.name) == [
        "0", "0.bn", "0.leaky", "1", "2", "2.bn", "2.leaky", "3", "4", "6", "7", "8",
      ])
    // The one-layer route reuses layer 2's output: the reorg reads it.
    #expect(graph.nodes[9].inputs == [7] && graph.nodes[9].layer == .reorg(stride: 2))
    #expect(shapes.values[10] == [64, 8, 8] && shapes.values[11] == [80, 8, 8])
    #expect(shapes.values[9] == [16, 8, 8])  // maxpool size 2 stride 1 keeps the size
    #expect(graph.outputs == [11] && shapes.values[12] == [30, 8, 8])
    #expect(
      graph.detectionHeads == [
        DetectionHead(kind: .region, output: 11, anchors: [1, 1, 2, 3.5, 4, 2], classes: 5, softmax: true)
      ])
    // Darknet's count: per convolution its weights, biases, and with batch norm scales, means and variances.
    let expected = (8 * 27 + 4 * 8) + (16 * 8 * 9 + 4 * 16) + (30 * 80 + 30)
    #expect(shapes.totalParameterValues == expected)
    #expect(network.weightedLayers.map(\.node) == [0, 4, 11])
    #expect(network.weightedLayers.map(\.normalization) == [1, 5, nil])
  }

  @Test func twoYoloHeadsAreTwoOutputs() throws {
    let network = try DarknetNetwork(config: try DarknetConfig(text: Self.twoHeads, path: "two.cfg"))
    let graph = network.graph
    let shapes = try graph.shapes()
    #expect(graph.nodes[6].layer == .add && graph.nodes[6].inputs == [6, 3])
    #expect(graph.outputs == [7, 10])
    #expect(shapes.values[8] == [20, 8, 8] && shapes.values[11] == [14, 16, 16])
    #expect(graph.detectionHeads?.map(\.anchors) == [[4, 5, 6, 7], [2, 3]])
    #expect(graph.detectionHeads?.map(\.classes) == [5, 9])
    #expect(graph.nodes[10].layer == .activation(.sigmoid))  // logistic is darknet's default and its name
    let built = try graph.build(seed: 1)
    let outputs = built.forwardOutputs(Tensor(shape: [2, 3, 16, 16], repeating: 0.5), mode: .inference)
    #expect(outputs.map(\.shape) == [[2, 20, 8, 8], [2, 14, 16, 16]])
  }

  @Test func aClassifierCfgHasDarknetsLayers() throws {
    let network = try DarknetNetwork(config: try DarknetConfig(text: Self.classifier, path: "classifier.cfg"))
    let layers = network.graph.nodes.map(\.layer)
    #expect(layers[0] == .convolution(.init(filters: 4, kernel: 3, padding: 1)))
    #expect(layers[2] == .dense(outputs: 6, bias: false, initializer: .glorotUniform))
    #expect(layers[3] == .batchNormalization(epsilon: 1e-6, momentum: 0.01, form: .darknet))
    #expect(layers[5] == .dropout(rate: 0.25) && layers.last == .softmax)
    #expect(try network.graph.shapes().values.last == [3])
    #expect(network.graph.detectionHeads == nil)
  }

  /// Tiny YOLOv2 (COCO) written out from its published layer list: darknet's parameter count (the values in its
  /// 44,948,600-byte weights file after the 20-byte header) and 5.41 billion FLOPs per 416×416 image.
  @Test func tinyYOLOv2HasDarknetsParameterCount() throws {
    var text = "[net]\nwidth=416\nheight=416\nchannels=3\n"
    func conv(_ filters: Int, _ size: Int, bn: Bool = true, _ activation: String = "leaky") {
      text += "[convolutional]\nbatch_normalize=\(bn ? 1 : 0)\nfilters=\(filters)\nsize=\(size)\nstride=1\npad=1\n"
      text += "activation=\(activation)\n"
    }
    for (index, filters) in [16, 32, 64, 128, 256, 512].enumerated() {
      conv(filters, 3)
      text += "[maxpool]\nsize=2\nstride=\(index == 5 ? 1 : 2)\n"
    }
    conv(1024, 3)
    conv(512, 3)
    conv(425, 1, bn: false, "linear")
    text += "[region]\nanchors=0.57,0.68, 1.87,2.06, 3.34,5.47, 7.88,3.53, 9.77,9.17\nclasses=80\nnum=5\nsoftmax=1\n"
    let path = write("yolov2-tiny.cfg", text)
    let file = try ModelLoader.load(path: path)
    #expect(file.name == "yolov2-tiny" && file.outputShape == [425, 13, 13])
    #expect(file.parameters.reduce(0) { $0 + $1.value.count } == (44_948_600 - 20) / 4)
    let network = try file.build()
    #expect((Double(network.forwardFLOPs) / 1e9 * 100).rounded() == 541)
  }

  @Test func weightsRoundTripInDarknetsOrder() throws {
    let cfg = write("detector.cfg", Self.detector)
    var file = try ModelLoader.load(path: cfg, seed: 3)
    // Give the running statistics values of their own, so that their places in the file are seen.
    for index in file.parameters.indices where file.parameters[index].name.contains("running") {
      file.parameters[index].value.data = file.parameters[index].value.data.indices.map { Float($0) + 2 }
    }
    let network = try DarknetNetwork(config: try DarknetConfig.read(path: cfg))
    let weights = folder + "/detector.weights"
    try DarknetWeights.write(file, network: network, to: weights)
    let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: weights)))
    let total = file.parameters.reduce(0) { $0 + $1.value.count }
    #expect(bytes.count == 20 + 4 * total)
    func float(_ index: Int) -> Float {
      Float(bitPattern: bytes[(20 + 4 * index)..<(24 + 4 * index)].reversed().reduce(0) { $0 << 8 | UInt32($1) })
    }
    func parameter(_ name: String) -> [Float] { file.parameters.first { $0.name == name }!.value.data }
    // Layer 0: biases (the normalization's shift), scales, means, variances, then the convolution's weights.
    #expect(float(0) == parameter("1.batchnorm.bias")[0] && float(8) == parameter("1.batchnorm.weight")[0])
    #expect(float(16) == 2 && float(24) == 2 && float(32) == parameter("0.conv.weight")[0])
    let reread = try ModelLoader.load(path: cfg, weights: weights, seed: 99)
    #expect(reread.parameters == file.parameters)
    let input = Tensor(shape: [1, 3, 32, 32], repeating: 0.25)
    #expect(try reread.build().forward(input, mode: .inference) == file.build().forward(input, mode: .inference))
  }

  /// Version 0.1 files (a 32-bit `seen`, as YOLOv2's own) and files whose connected weights are stored transposed
  /// (major > 1000) read too.
  @Test func oldHeadersAndTransposedConnectedWeightsRead() throws {
    let cfg = write("classifier.cfg", Self.classifier)
    let file = try ModelLoader.load(path: cfg, seed: 5)
    let network = try DarknetNetwork(config: try DarknetConfig.read(path: cfg))
    let current = DarknetWeights.encoded(file, network: network)
    var old = [UInt8](current[0..<4]) + [1, 0, 0, 0] + current[8..<16] + current[20...]
    let oldPath = folder + "/old.weights"
    FileManager.default.createFile(atPath: oldPath, contents: Data(old))
    #expect(try ModelLoader.load(path: cfg, weights: oldPath).parameters == file.parameters)
    // Major 1001: each connected layer's weights stored inputs × outputs (256 × 6, 6 × 3).
    var writer = ByteWriter()
    for value: UInt32 in [1001, 0, 0, 0] { writer.append(value) }
    let dense = file.parameters.first { $0.name == "2.dense.weight" }!.value
    func values(_ name: String) -> [Float] { file.parameters.first { $0.name == name }!.value.data }
    writer.append(floats: values("0.conv.bias") + values("0.conv.weight") + values("3.batchnorm.bias"))
    writer.append(floats: (0..<256).flatMap { input in (0..<6).map { dense.data[$0 * 256 + input] } })
    writer.append(floats: values("3.batchnorm.weight") + values("3.batchnorm.running_mean"))
    writer.append(floats: values("3.batchnorm.running_var") + values("6.dense.bias"))
    let last = values("6.dense.weight")
    writer.append(floats: (0..<6).flatMap { input in (0..<3).map { last[$0 * 6 + input] } })
    old = writer.bytes
    FileManager.default.createFile(atPath: oldPath, contents: Data(old))
    #expect(try ModelLoader.load(path: cfg, weights: oldPath).parameters == file.parameters)
  }

  @Test func badWeightsFilesAreNamed() throws {
    let cfg = write("classifier.cfg", Self.classifier)
    let file = try ModelLoader.load(path: cfg, seed: 5)
    let network = try DarknetNetwork(config: try DarknetConfig.read(path: cfg))
    var bytes = DarknetWeights.encoded(file, network: network)
    let total = file.parameters.reduce(0) { $0 + $1.value.count }
    let path = folder + "/bad.weights"
    func refusal(_ bytes: [UInt8]) -> String {
      FileManager.default.createFile(atPath: path, contents: Data(bytes))
      do {
        _ = try ModelLoader.load(path: cfg, weights: path)
        return "accepted"
      } catch {
        #expect(error.path == path)
        return error.problem
      }
    }
    let short = refusal(Array(bytes.dropLast(8)))
    #expect(
      short.hasPrefix(
        "holds \(total - 2) values after its 20-byte header (version 0.2); the cfg's weighted layers need \(total): "
          + "2 values short, ending in 6.dense.weight of the section at cfg line "), "\(short)")
    #expect(short.hasSuffix(" (is it the weights of another cfg?)"), "\(short)")
    let long = refusal(bytes + [0, 0, 0, 0, 0])
    #expect(long.contains("need \(total): 1 value too many, and 1 byte past the last whole value"), "\(long)")
    #expect(refusal(Array(bytes[0..<10])).hasPrefix("truncated: the revision"))
    // A version no darknet wrote, even one whose major · 10 overflows 32 bits, reads as darknet reads it.
    var version = bytes
    version.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0x7F])
    #expect(refusal(version).hasPrefix("holds \(total + 1) values after its 16-byte header (version 2147483647.2)"))
    // After the first 4 + 36 + 6 + 1536 + 6 + 6 values come the connected layer's variances: one of them -1.
    var variance = bytes
    variance.replaceSubrange((20 + 4 * 1596)..<(24 + 4 * 1596), with: [0, 0, 0x80, 0xBF])
    #expect(
      refusal(variance)
        == "3.batchnorm.running_var holds -1.0 at value 2 of 6: a batch normalization's variance must be at least 0 "
        + "(below, every output is NaN)")
    bytes.replaceSubrange(24..<28, with: [0, 0, 0xC0, 0x7F])  // a NaN in the first convolution's biases
    #expect(refusal(bytes).hasPrefix("0.conv.bias holds NaN at value 1 of 4"))
  }

  @Test(arguments: [
    ("[convolutional]\nfilters=4\n", "not a darknet cfg: it must start with a [net] section"),
    ("[net]\nwidth=8\n", "line 1: [net] needs width, height and channels (or inputs)"),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=0\n",
      "line 6: [convolutional] filters=0: expected an integer from 1 to 65536"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nxnor=1\n",
      "line 6: [convolutional] xnor is not supported; a [convolutional] section here takes activation, batch_normalize, dilation, filters, groups, pad, padding, size, stride"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nactivation=mish\n",
      "line 6: [convolutional] activation=mish is not supported; cnnswift has linear, relu, leaky and logistic"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[lstm]\n",
      "line 5: [lstm] is not supported; cnnswift reads [net], [convolutional], [connected], [maxpool], [avgpool], [route], [shortcut], [reorg], [upsample], [dropout], [softmax], [region], [yolo] and [cost]"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[route]\nlayers=-1\n",
      "line 6: [route] layers=-1 names layer -1; layer 0 can read layers 0 to -1"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nsize=3\n[route]\nlayers=4\n",
      "line 8: [route] layers=4 names layer 4; layer 1 can read layers 0 to 0"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nsize=9\n",
      "line 5: [convolutional]: a convolution of extent 9 does not fit the padded 8×8 input"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=20\n[region]\nanchors=1,1\nnum=1\nclasses=20\n",
      "line 7: [region] of 1 anchors and 20 classes reads 25 channels, the layer before gives 20×8×8"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=8\n[yolo]\nanchors=1,1,2\nnum=2\n",
      "line 8: [yolo] anchors: 3 values for num=2; expected 4 positive numbers (a width and a height per anchor)"
    ),
    ("[net]\nwidth=8\nwidth=9\n", "line 3: width is set twice in this section (first on line 2)"),
    ("[net]\nwidth 8\n", "line 2: 'width 8' is neither a [section] nor key=value"),
    ("[net]\r\nwidth 8\r\n", "line 2: 'width 8' is neither a [section] nor key=value"),
    ("[net]\nwidth=0\n", "line 2: [net] width=0: expected an integer from 1 to 65536"),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[net]\nwidth=8\n",
      "line 5: a second [net] section (the first is on line 1); a cfg has one"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=4\n[route]\nlayers=\(Array(repeating: "-1", count: 65).joined(separator: ","))\n",
      "line 7: [route] needs layers=, 1 to 64 of them (65 given)"
    ),
    (
      "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=18\n[yolo]\nanchors=nan,14, 2,3, 4,5\nnum=3\nclasses=1\n",
      "line 8: [yolo] anchors: value 1, nan, is not a positive number (a width or a height)"
    ),
    ("[net]\nwidth=\u{1B}[2J8\n", "line 2: [net] width=\u{1B}[2J8: expected an integer from 1 to 65536"),
  ])
  func badCfgsAreNamedByLine(text: String, expected: String) {
    defer {
      // Escaped when printed: the message quotes what the file holds.
      if expected.contains("\u{1B}") {
        #expect(
          ModelFileError("x.cfg", expected).description == "x.cfg: "
            + expected.replacingOccurrences(of: "\u{1B}", with: "\\u{1B}"))
      }
    }
    let path = write("bad.cfg", text)
    do {
      _ = try ModelLoader.load(path: path)
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.path == path)
      #expect(error.problem == expected)
    }
  }
}
