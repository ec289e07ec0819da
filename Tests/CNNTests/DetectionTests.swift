import Foundation
import Testing

@testable import CNN

/// Darknet's decoding of region and yolo outputs, its non-maximum suppression and its letterbox, against values
/// worked out by hand.
@Suite struct DetectionTests {
  /// One sample's output for `head` over a `height` × `width` grid, all entries `fill` but those `set` gives
  /// (anchor, entry, row, column → value).
  static func output(
    _ head: DetectionHead, height: Int, width: Int, fill: Float = -10, _ set: [(Int, Int, Int, Int, Float)]
  ) -> [Float] {
    var values = [Float](repeating: fill, count: head.channels * height * width)
    for (anchor, entry, row, column, value) in set {
      values[((anchor * (5 + head.classes) + entry) * height + row) * width + column] = value
    }
    return values
  }

  static func logit(_ p: Float) -> Float { log(p / (1 - p)) }

  @Test func aRegionHeadDecodesBoxesInGridCellsWithASoftmax() {
    let head = DetectionHead(kind: .region, output: 0, anchors: [1, 2, 3, 1], classes: 3, softmax: true)
    // Anchor 1, cell (row 1, column 0) of a 2×4 grid: σ(tx) = 0.25, σ(ty) = 0.5, tw = ln 2, th = 0; objectness
    // 0.8; class scores 0, ln 2, ln 5 → softmax 1/8, 2/8, 5/8.
    let values = Self.output(
      head, height: 2, width: 4,
      [
        (1, 0, 1, 0, Self.logit(0.25)), (1, 1, 1, 0, 0), (1, 2, 1, 0, log(2)), (1, 3, 1, 0, 0),
        (1, 4, 1, 0, Self.logit(0.8)), (1, 5, 1, 0, 0), (1, 6, 1, 0, log(2)), (1, 7, 1, 0, log(5)),
      ])
    let found = values.withUnsafeBufferPointer {
      DetectionDecoder.decode($0, height: 2, width: 4, head: head, inputWidth: 128, inputHeight: 64, threshold: 0.15)
    }
    #expect(found.map(\.classIndex) == [1, 2])
    #expect(abs(found[0].confidence - 0.8 * 2 / 8) < 1e-6 && abs(found[1].confidence - 0.8 * 5 / 8) < 1e-6)
    let box = found[1].box
    #expect(abs(box.x - 0.25 / 4) < 1e-6 && abs(box.y - 1.5 / 2) < 1e-6)
    #expect(abs(box.width - 2 * 3 / 4) < 1e-6 && abs(box.height - 1 / 2) < 1e-6)  // anchor 3×1 cells
  }

  @Test func aYoloHeadScalesAnchorsByTheInputAndEachClassByTheLogistic() {
    let head = DetectionHead(kind: .yolo, output: 0, anchors: [10, 20], classes: 2, softmax: false)
    let values = Self.output(
      head, height: 3, width: 3,
      [
        (0, 0, 2, 1, 0), (0, 1, 2, 1, 0), (0, 2, 2, 1, 0), (0, 3, 2, 1, log(2)), (0, 4, 2, 1, Self.logit(0.9)),
        (0, 5, 2, 1, Self.logit(0.5)), (0, 6, 2, 1, Self.logit(0.1)),
      ])
    let found = values.withUnsafeBufferPointer {
      DetectionDecoder.decode($0, height: 3, width: 3, head: head, inputWidth: 100, inputHeight: 80, threshold: 0.3)
    }
    #expect(found.count == 1 && found[0].classIndex == 0 && abs(found[0].confidence - 0.45) < 1e-6)
    let box = found[0].box
    #expect(abs(box.x - 1.5 / 3) < 1e-6 && abs(box.y - 2.5 / 3) < 1e-6)
    #expect(abs(box.width - 10 / 100) < 1e-6 && abs(box.height - 40 / 80) < 1e-6)
  }

  @Test func suppressionKeepsTheBestOfOverlappingBoxesPerClass() {
    let a = Box(x: 10, y: 10, width: 10, height: 10)
    let b = Box(x: 11, y: 10, width: 10, height: 10)  // IoU 90/110
    let c = Box(x: 30, y: 30, width: 4, height: 4)
    #expect(abs(a.intersectionOverUnion(b) - 90 / 110) < 1e-6 && a.intersectionOverUnion(c) == 0)
    let kept = DetectionDecoder.suppressNonMaxima(
      [
        Detection(classIndex: 0, confidence: 0.6, box: b), Detection(classIndex: 0, confidence: 0.9, box: a),
        Detection(classIndex: 1, confidence: 0.7, box: b), Detection(classIndex: 0, confidence: 0.5, box: c),
      ], overlap: 0.45)
    #expect(kept.map(\.confidence) == [0.9, 0.7, 0.5])
    #expect(
      DetectionDecoder.suppressNonMaxima(kept + [Detection(classIndex: 0, confidence: 0.8, box: b)], overlap: 0.95)
        .count == 4)
  }

  @Test func theLetterboxScalesCentresAndMapsBoxesBack() {
    let letterbox = Letterbox(imageWidth: 640, imageHeight: 480, inputWidth: 416, inputHeight: 416)
    #expect(letterbox.scaledSize == (416, 312))
    // The scaled image spans rows 52 to 364 of the input: a box over all of it is the whole image.
    let whole = letterbox.imageBox(Box(x: 0.5, y: 0.5, width: 1, height: 312 / 416))
    #expect(abs(whole.x - 320) < 1e-3 && abs(whole.y - 240) < 1e-3)
    #expect(abs(whole.width - 640) < 1e-3 && abs(whole.height - 480) < 1e-3)
    // A 2×2 image into 3×3, then onto a 3×5 input: bilinear between the pixels, grey bars left and right.
    let small = Letterbox(imageWidth: 2, imageHeight: 2, inputWidth: 5, inputHeight: 3)
    let input = small.input(from: [0, 1, 2, 3], channels: 1)
    #expect(small.scaledSize == (3, 3))
    #expect(input == [0.5, 0, 0.5, 1, 0.5, 0.5, 1, 1.5, 2, 0.5, 0.5, 2, 2.5, 3, 0.5])
  }
}
