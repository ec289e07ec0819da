/// One object found in one image: its class, its confidence (the objectness times the class's probability) and
/// its box.
public struct Detection: Sendable, Equatable {
  /// The class's index (into the names file's lines).
  public var classIndex: Int
  /// The probability that the box holds an object of the class, 0 to 1.
  public var confidence: Float
  public var box: Box

  public init(classIndex: Int, confidence: Float, box: Box) {
    (self.classIndex, self.confidence, self.box) = (classIndex, confidence, box)
  }
}
