/// How a layer draws its initial weights from a ``SeededGenerator``.
public enum Initializer: String, Sendable, Hashable, Codable {
  /// He et al.: normal with standard deviation √(2 / fan-in), for layers followed by ReLU.
  case heNormal
  /// He et al.: uniform in ±√(6 / fan-in).
  case heUniform
  /// Glorot and Bengio: uniform in ±√(6 / (fan-in + fan-out)), for dense layers.
  case glorotUniform
  /// All zeros.
  case zeros
  /// Storage alone, its values unspecified and never touched (so it takes no memory until written): for a network
  /// every weight of which is loaded next (``ModelFile/build()``). Not for a model that is saved or trained.
  case unfilled

  /// A tensor of `shape` drawn from this distribution; the generator advances once per element
  /// (twice per normal draw), so one seed gives the same weights on every rank and platform.
  public func tensor(shape: [Int], fanIn: Int, fanOut: Int, generator: inout SeededGenerator) -> Tensor {
    if self == .unfilled { return Tensor(uninitializedShape: shape) }
    var tensor = Tensor(shape: shape)
    switch self {
    case .heNormal:
      let deviation = (2 / Float(max(fanIn, 1))).squareRoot()
      for i in tensor.data.indices { tensor.data[i] = deviation * generator.nextNormal() }
    case .heUniform:
      let bound = (6 / Float(max(fanIn, 1))).squareRoot()
      for i in tensor.data.indices { tensor.data[i] = bound * (2 * generator.nextUnit() - 1) }
    case .glorotUniform:
      let bound = (6 / Float(max(fanIn + fanOut, 1))).squareRoot()
      for i in tensor.data.indices { tensor.data[i] = bound * (2 * generator.nextUnit() - 1) }
    case .zeros, .unfilled:
      break
    }
    return tensor
  }
}
