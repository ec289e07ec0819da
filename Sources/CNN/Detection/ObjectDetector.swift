/// A detector network run on images: each image letterboxed to the network's input, the outputs decoded by the
/// graph's detection heads, boxes suppressed and mapped back to the image's pixels.
public struct ObjectDetector {
  public let network: Network
  public let heads: [DetectionHead]
  /// The least confidence kept.
  public var threshold: Float
  /// The intersection over union above which the less confident of two boxes of a class is dropped.
  public var overlap: Float

  /// The detector of `graph` (which must have detection heads) built as `network`.
  public init(network: Network, graph: ModelGraph, threshold: Float = 0.5, overlap: Float = 0.45) {
    precondition(graph.detectionHeads?.isEmpty == false, "a detector has detection heads")
    precondition(network.inputShape.count == 3 && network.inputShape[0] == 3, "a detector takes RGB images")
    (self.network, self.heads, self.threshold, self.overlap) = (network, graph.detectionHeads!, threshold, overlap)
  }

  /// The classes the heads know.
  public var classes: Int { heads.map(\.classes).max() ?? 0 }

  /// The objects in an image of `width` × `height` given as RGB planes of 0–1 values, most confident first.
  public func detect(planes: [Float], width: Int, height: Int) -> [Detection] {
    let (inputHeight, inputWidth) = (network.inputShape[1], network.inputShape[2])
    let letterbox = Letterbox(imageWidth: width, imageHeight: height, inputWidth: inputWidth, inputHeight: inputHeight)
    let input = Tensor(shape: [1, 3, inputHeight, inputWidth], data: letterbox.input(from: planes, channels: 3))
    let outputs = network.forwardOutputs(input, mode: .inference)
    var found: [Detection] = []
    for head in heads {
      let slot = network.outputNodes.firstIndex(of: head.output)!
      let output = outputs[slot]
      found += output.data.withBase { base in
        DetectionDecoder.decode(
          UnsafeBufferPointer(start: base, count: output.count), height: output.shape[2], width: output.shape[3],
          head: head, inputWidth: inputWidth, inputHeight: inputHeight, threshold: threshold)
      }
    }
    return DetectionDecoder.suppressNonMaxima(found, overlap: overlap).map {
      Detection(classIndex: $0.classIndex, confidence: $0.confidence, box: letterbox.imageBox($0.box))
    }
  }
}
