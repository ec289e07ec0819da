/// A dense Float32 tensor in row-major order: NCHW for images (`[N, C, H, W]`), `[N, F]` for
/// features. Value semantics (copy on write through the array).
public struct Tensor: Sendable, Equatable {
  /// The size of each dimension, outermost first.
  public var shape: [Int]
  /// The elements, `shape.reduce(1, *)` of them.
  public var data: [Float]

  /// A tensor of `shape` filled with `value`.
  public init(shape: [Int], repeating value: Float = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
    self.shape = shape
    data = [Float](repeating: value, count: shape.reduce(1, *))
  }

  /// A tensor of `shape` holding `data` (row-major).
  public init(shape: [Int], data: [Float]) {
    precondition(shape.reduce(1, *) == data.count, "\(data.count) values for shape \(shape)")
    (self.shape, self.data) = (shape, data)
  }

  /// The number of elements.
  public var count: Int { data.count }

  /// The first dimension (the batch), 0 for a scalar shape.
  public var batch: Int { shape.first ?? 0 }

  /// The elements of one sample: all dimensions after the first.
  public var sampleShape: [Int] { Array(shape.dropFirst()) }

  /// Elements per sample.
  public var sampleCount: Int { shape.dropFirst().reduce(1, *) }

  /// The same elements under another shape with the same count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, data: data)
  }

  /// Sets every element to zero, keeping the shape.
  public mutating func zero() {
    data.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }
}
