/// An axis-aligned box by its centre and size, in whatever unit its user gives it (fractions of the network's
/// input while decoding, pixels of the image once corrected), as darknet keeps boxes.
public struct Box: Sendable, Equatable {
  public var x: Float
  public var y: Float
  public var width: Float
  public var height: Float

  public init(x: Float, y: Float, width: Float, height: Float) {
    (self.x, self.y, self.width, self.height) = (x, y, width, height)
  }

  public var area: Float { width * height }

  /// The area of the intersection over the area of the union (0 for boxes that do not meet).
  public func intersectionOverUnion(_ other: Box) -> Float {
    func overlap(_ a: Float, _ aSize: Float, _ b: Float, _ bSize: Float) -> Float {
      max(0, min(a + aSize / 2, b + bSize / 2) - max(a - aSize / 2, b - bSize / 2))
    }
    let intersection = overlap(x, width, other.x, other.width) * overlap(y, height, other.y, other.height)
    let union = area + other.area - intersection
    return union > 0 ? intersection / union : 0
  }
}
