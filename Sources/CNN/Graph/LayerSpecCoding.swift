/// A spec's JSON in a model file: one key, the layer's type, whose value holds its settings —
/// `{"convolution":{"filters":6,"kernel":5,…}}`, `{"activation":{"leakyReLU":{"slope":0.1}}}`,
/// `{"maxPool":{"kernelSize":2,"stride":2,"padding":0,"trailingPadding":0}}`, `{"add":{}}`.
extension LayerSpec: Codable {
  private enum Kind: String, CodingKey, CaseIterable {
    case convolution, batchNormalization, activation, maxPool, averagePool, globalAveragePool, dense, dropout
    case flatten, softmax, reorg, upsample, residualBlock, add, concatenate, convolution1D
  }

  private struct Empty: Codable {}
  private struct Normalization: Codable {
    var epsilon: Float
    var momentum: Float
    var form: BatchNormalization.Form
  }
  private struct DenseSettings: Codable {
    var outputs: Int
    var bias: Bool
    var initializer: Initializer
  }
  private struct Rate: Codable { var rate: Float }
  private struct Stride: Codable { var stride: Int }
  private struct Factor: Codable { var factor: Int }
  private struct Residual: Codable {
    var outputChannels: Int
    var stride: Int
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Kind.self)
    switch self {
    case .convolution(let settings): try container.encode(settings, forKey: .convolution)
    case .convolution1D(let settings): try container.encode(settings, forKey: .convolution1D)
    case .batchNormalization(let epsilon, let momentum, let form):
      try container.encode(Normalization(epsilon: epsilon, momentum: momentum, form: form), forKey: .batchNormalization)
    case .activation(let function): try container.encode(function, forKey: .activation)
    case .maxPool(let window): try container.encode(window, forKey: .maxPool)
    case .averagePool(let window): try container.encode(window, forKey: .averagePool)
    case .globalAveragePool: try container.encode(Empty(), forKey: .globalAveragePool)
    case .dense(let outputs, let bias, let initializer):
      try container.encode(DenseSettings(outputs: outputs, bias: bias, initializer: initializer), forKey: .dense)
    case .dropout(let rate): try container.encode(Rate(rate: rate), forKey: .dropout)
    case .flatten: try container.encode(Empty(), forKey: .flatten)
    case .softmax: try container.encode(Empty(), forKey: .softmax)
    case .reorg(let stride): try container.encode(Stride(stride: stride), forKey: .reorg)
    case .upsample(let factor): try container.encode(Factor(factor: factor), forKey: .upsample)
    case .residualBlock(let outputs, let stride):
      try container.encode(Residual(outputChannels: outputs, stride: stride), forKey: .residualBlock)
    case .add: try container.encode(Empty(), forKey: .add)
    case .concatenate: try container.encode(Empty(), forKey: .concatenate)
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Kind.self)
    guard container.allKeys.count == 1, let kind = container.allKeys.first else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: container.codingPath,
          debugDescription: "expected one layer type of " + Kind.allCases.map(\.rawValue).joined(separator: ", ")))
    }
    switch kind {
    case .convolution: self = .convolution(try container.decode(Convolution.self, forKey: kind))
    case .convolution1D: self = .convolution1D(try container.decode(Convolution.self, forKey: kind))
    case .batchNormalization:
      let settings = try container.decode(Normalization.self, forKey: kind)
      self = .batchNormalization(epsilon: settings.epsilon, momentum: settings.momentum, form: settings.form)
    case .activation: self = .activation(try container.decode(Activation.Function.self, forKey: kind))
    case .maxPool: self = .maxPool(try container.decode(PoolingWindow.self, forKey: kind))
    case .averagePool: self = .averagePool(try container.decode(PoolingWindow.self, forKey: kind))
    case .globalAveragePool: self = .globalAveragePool
    case .dense:
      let settings = try container.decode(DenseSettings.self, forKey: kind)
      self = .dense(outputs: settings.outputs, bias: settings.bias, initializer: settings.initializer)
    case .dropout: self = .dropout(rate: try container.decode(Rate.self, forKey: kind).rate)
    case .flatten: self = .flatten
    case .softmax: self = .softmax
    case .reorg: self = .reorg(stride: try container.decode(Stride.self, forKey: kind).stride)
    case .upsample: self = .upsample(factor: try container.decode(Factor.self, forKey: kind).factor)
    case .residualBlock:
      let settings = try container.decode(Residual.self, forKey: kind)
      self = .residualBlock(outputChannels: settings.outputChannels, stride: settings.stride)
    case .add: self = .add
    case .concatenate: self = .concatenate
    }
  }
}
