/// How to read one of a detector's outputs as boxes: darknet's `[region]` (YOLOv2) or `[yolo]` (YOLOv3) layer.
///
/// The network's output is the raw feature map of the convolution before the head, `anchors.count × (4 + 1 +
/// classes)` channels over an H×W grid (box x, y, w, h, objectness and class scores per anchor); decoding applies
/// the head's activations (the logistic to x, y and objectness; for a region head with `softmax`, a softmax over
/// the class scores, for a yolo head the logistic to each) and the anchors.
public struct DetectionHead: Sendable, Equatable, Codable {
  /// Which darknet layer's decoding applies.
  public enum Kind: String, Sendable, Codable {
    /// YOLOv2's region layer: anchors in grid cells, classes by softmax.
    case region
    /// YOLOv3's yolo layer: anchors in input pixels, each class by the logistic.
    case yolo
  }

  public var kind: Kind
  /// The graph output (a node index among ``ModelGraph/outputs``) the head reads.
  public var output: Int
  /// The anchors this output predicts, as (width, height) pairs: grid cells for ``Kind/region``, input pixels
  /// for ``Kind/yolo``.
  public var anchors: [Float]
  public var classes: Int
  /// A region head's softmax over its class scores (darknet's `softmax=1`; the logistic otherwise).
  public var softmax: Bool

  public init(kind: Kind, output: Int, anchors: [Float], classes: Int, softmax: Bool) {
    (self.kind, self.output, self.anchors, self.classes, self.softmax) = (kind, output, anchors, classes, softmax)
  }

  /// The number of anchors: half the anchor values.
  public var anchorCount: Int { anchors.count / 2 }
  /// The channels the head's input must have: per anchor 4 box values, the objectness and the class scores.
  public var channels: Int { anchorCount * (5 + classes) }
}
