import Foundation

/// Darknet's decoding of a detector's raw output into boxes, as its region (YOLOv2) and yolo (YOLOv3) layers do
/// at inference.
///
/// The output of one sample is `anchors × (5 + classes)` planes over an H×W grid: for anchor a, plane
/// `a · (5 + classes) + e` holds entry e (0–3 the box's tx, ty, tw, th, 4 the objectness, then the class scores).
/// The box of cell (row, column) is centred at ((column + σ(tx)) / W, (row + σ(ty)) / H); its size is the
/// anchor's scaled by exp(tw), exp(th) (a region head's anchors are in grid cells, a yolo head's in input
/// pixels). The objectness is σ(t_o); class scores become probabilities by a softmax (a region head with
/// `softmax`) or each by σ; a class's confidence is the objectness times its probability.
public enum DetectionDecoder {
  /// Every (anchor, cell, class) of `head` whose confidence exceeds `threshold`, from one sample's output
  /// `values` (`[channels, height, width]`, row-major), its box in fractions of a `inputWidth` × `inputHeight`
  /// network input.
  public static func decode(
    _ values: UnsafeBufferPointer<Float>, height: Int, width: Int, head: DetectionHead, inputWidth: Int,
    inputHeight: Int, threshold: Float
  ) -> [Detection] {
    precondition(values.count == head.channels * height * width, "the output does not fit the head")
    let plane = height * width
    let entries = 5 + head.classes
    var found: [Detection] = []
    var probabilities = [Float](repeating: 0, count: head.classes)
    for anchor in 0..<head.anchorCount {
      let base = anchor * entries * plane
      func entry(_ e: Int, _ cell: Int) -> Float { values[base + e * plane + cell] }
      for cell in 0..<plane {
        let objectness = sigmoid(entry(4, cell))
        guard objectness > threshold else { continue }
        for c in 0..<head.classes { probabilities[c] = entry(5 + c, cell) }
        if head.kind == .region && head.softmax {
          softmax(&probabilities)
        } else {
          probabilities = probabilities.map(sigmoid)
        }
        let (row, column) = cell.quotientAndRemainder(dividingBy: width)
        let (anchorWidth, anchorHeight) = (head.anchors[2 * anchor], head.anchors[2 * anchor + 1])
        let (scaleX, scaleY) =
          head.kind == .region ? (Float(width), Float(height)) : (Float(inputWidth), Float(inputHeight))
        let box = Box(
          x: (Float(column) + sigmoid(entry(0, cell))) / Float(width),
          y: (Float(row) + sigmoid(entry(1, cell))) / Float(height),
          width: exp(entry(2, cell)) * anchorWidth / scaleX, height: exp(entry(3, cell)) * anchorHeight / scaleY)
        for (c, probability) in probabilities.enumerated() where objectness * probability > threshold {
          found.append(Detection(classIndex: c, confidence: objectness * probability, box: box))
        }
      }
    }
    return found
  }

  static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

  static func softmax(_ values: inout [Float]) {
    let largest = values.max() ?? 0
    var sum: Float = 0
    for index in values.indices {
      values[index] = exp(values[index] - largest)
      sum += values[index]
    }
    for index in values.indices { values[index] /= sum }
  }

  /// Darknet's non-maximum suppression (`do_nms_sort`): per class, most confident first, a detection whose box
  /// overlaps a kept one's by more than `overlap` (intersection over union) is dropped. The result is sorted by
  /// confidence, highest first.
  public static func suppressNonMaxima(_ detections: [Detection], overlap: Float) -> [Detection] {
    let sorted = detections.sorted { $0.confidence > $1.confidence }
    var kept: [Detection] = []
    for candidate in sorted
    where !kept.contains(where: {
      $0.classIndex == candidate.classIndex && $0.box.intersectionOverUnion(candidate.box) > overlap
    }) {
      kept.append(candidate)
    }
    return kept
  }
}
