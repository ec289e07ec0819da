extension RGBImage {
  /// Draws the outline of the rectangle from (`left`, `top`) to (`right`, `bottom`) in pixels (clipped to the
  /// image), `thickness` pixels wide inward, in `color`.
  public mutating func drawRectangle(
    left: Int, top: Int, right: Int, bottom: Int, color: (UInt8, UInt8, UInt8), thickness: Int
  ) {
    let (x0, y0) = (max(0, left), max(0, top))
    let (x1, y1) = (min(width - 1, right), min(height - 1, bottom))
    guard x0 <= x1, y0 <= y1 else { return }
    func paint(_ x: Int, _ y: Int) {
      let index = 3 * (y * width + x)
      (pixels[index], pixels[index + 1], pixels[index + 2]) = color
    }
    for inset in 0..<max(1, thickness) {
      let (top, bottom) = (y0 + inset, y1 - inset)
      let (left, right) = (x0 + inset, x1 - inset)
      guard left <= right, top <= bottom else { return }
      for x in left...right {
        paint(x, top)
        paint(x, bottom)
      }
      for y in top...bottom {
        paint(left, y)
        paint(right, y)
      }
    }
  }

  /// Darknet's colour for class `index` of `classes` (its `get_color`: a hue ramp through six anchor colours).
  public static func color(forClass index: Int, of classes: Int) -> (UInt8, UInt8, UInt8) {
    let anchors: [[Float]] = [[1, 0, 1], [0, 0, 1], [0, 1, 1], [0, 1, 0], [1, 1, 0], [1, 0, 0]]
    let offset = (index * 123_457) % max(1, classes)
    func channel(_ c: Int) -> UInt8 {
      let ratio = Float(offset) / Float(max(1, classes)) * 5
      let (i, j) = (Int(ratio), min(5, Int(ratio) + 1))
      let fraction = ratio - Float(i)
      return UInt8(((1 - fraction) * anchors[i][c] + fraction * anchors[j][c]) * 255)
    }
    return (channel(2), channel(1), channel(0))
  }
}
