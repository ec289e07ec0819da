/// The models `cnnswift` builds: LeNet-5, the LeNet MLP, the CIFAR ResNets of He et al., and for time series
/// the FCN and ResNet of Wang, Yan and Oates (2017).
public enum Architecture: Sendable, Equatable, CustomStringConvertible {
  /// LeNet-5: conv 6@5x5 pad 2, max pool 2, conv 16@5x5, max pool 2, dense 120, 84, 10.
  case lenet
  /// The multi-layer perceptron of Park et al.: 784-512-256-10.
  case mlp
  /// ResNet-L for 32×32 inputs: 3 stages of n residual blocks with 16, 32 and 64 channels,
  /// parameter-free shortcuts, L = 6n + 2.
  case resnet(layers: Int)
  /// Wang et al.'s fully convolutional network for `[D, 1, L]` series: 1-D convolutions of 128, 256 and 128
  /// filters with kernels 8, 5 and 3 ("same" padding), each with batch normalization and ReLU, then global
  /// average pooling and the classes.
  case fcn
  /// Wang et al.'s 1-D ResNet: three residual blocks of 64, 128 and 128 filters (each three convolutions of
  /// kernels 8, 5 and 3 with batch normalization, a shortcut through a 1×1 convolution where the width
  /// changes, batch-normalized), then global average pooling and the classes.
  case resnet1d

  /// The names `--model` accepts.
  public static let names = ["lenet", "mlp", "resnet", "fcn", "resnet1d"]

  /// Whether the model takes time series (`[D, 1, L]`) rather than images.
  public var takesSeries: Bool {
    switch self {
    case .fcn, .resnet1d: true
    default: false
    }
  }

  /// `--model NAME [--layers L]`, checked: an unknown name or an invalid depth throws a message
  /// that lists what is valid.
  public init(name: String, layers: Int?) throws(ArchitectureError) {
    switch name.lowercased() {
    case "lenet", "lenet5", "lenet-5":
      self = .lenet
    case "mlp":
      self = .mlp
    case "fcn":
      self = .fcn
    case "resnet1d", "resnet-1d":
      self = .resnet1d
    case "resnet":
      let depth = layers ?? 20
      guard depth <= InputLimits.resNetDepth else {
        throw ArchitectureError(
          message: "--layers \(depth): at most \(InputLimits.resNetDepth) (He et al.'s deepest CIFAR ResNet)")
      }
      guard Self.isValidResNetDepth(depth) else {
        throw ArchitectureError(
          message: "--layers \(depth): a CIFAR ResNet has 6n+2 layers: "
            + Self.validResNetDepths.prefix(12).map(String.init).joined(separator: ", ")
            + ", … (He et al. train 20, 32, 44, 56 and 110)")
      }
      self = .resnet(layers: depth)
    default:
      throw ArchitectureError(message: "--model \(name): expected one of \(Self.names.joined(separator: ", "))")
    }
    if layers != nil, case .resnet = self {
    } else if layers != nil {
      throw ArchitectureError(message: "--layers applies to --model resnet only")
    }
  }

  /// The built-in model a saved model's name (``description``: `lenet`, `mlp`, `resnet20`) stands for; nil
  /// when it is no preset's.
  public static func preset(named name: String) -> Architecture? {
    switch name {
    case "lenet": return .lenet
    case "mlp": return .mlp
    case "fcn": return .fcn
    case "resnet1d": return .resnet1d
    default:
      guard name.hasPrefix("resnet"), let depth = Int(name.dropFirst(6)), isValidResNetDepth(depth) else { return nil }
      return .resnet(layers: depth)
    }
  }

  /// Whether a CIFAR ResNet can have `depth` layers (6n + 2, n ≥ 1, at most ``InputLimits/resNetDepth``).
  public static func isValidResNetDepth(_ depth: Int) -> Bool {
    depth >= 8 && depth <= InputLimits.resNetDepth && (depth - 2) % 6 == 0
  }

  /// 8, 14, 20, 26, 32, …
  public static var validResNetDepths: [Int] { (1...20).map { 6 * $0 + 2 } }

  /// Residual blocks per stage of a ResNet: n = (L − 2) / 6.
  public var blocksPerStage: Int? {
    if case .resnet(let layers) = self { return (layers - 2) / 6 }
    return nil
  }

  /// The input the model is counted, described and timed on when no data set says otherwise: 1×28×28 for
  /// LeNet-5 and the MLP (Fashion-MNIST's), 3×32×32 for a ResNet (CIFAR-10's), 1×1×150 for the time-series
  /// models (GunPoint's).
  public var usualInputShape: [Int] {
    switch self {
    case .lenet, .mlp: [1, 28, 28]
    case .resnet: [3, 32, 32]
    case .fcn, .resnet1d: [1, 1, 150]
    }
  }

  /// The input one sample must have, given the data's sample shape `[C, H, W]`: the ResNets
  /// take 32×32 (28×28 images are padded), LeNet and the MLP take the data as it is.
  public func inputShape(forData shape: [Int]) -> [Int] {
    switch self {
    case .lenet, .mlp, .fcn, .resnet1d: shape
    case .resnet: [shape[0], 32, 32]
    }
  }

  /// The `--model` name: `lenet`, `mlp` or `resnet`.
  public var name: String {
    switch self {
    case .lenet: "lenet"
    case .mlp: "mlp"
    case .resnet: "resnet"
    case .fcn: "fcn"
    case .resnet1d: "resnet1d"
    }
  }

  /// The ResNet's depth L (`--layers`); `nil` for the models whose depth is fixed.
  public var layers: Int? {
    if case .resnet(let layers) = self { return layers }
    return nil
  }

  public var description: String {
    switch self {
    case .lenet: "lenet"
    case .mlp: "mlp"
    case .resnet(let layers): "resnet\(layers)"
    case .fcn: "fcn"
    case .resnet1d: "resnet1d"
    }
  }
}

/// An unknown model or an invalid depth.
public struct ArchitectureError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

extension Architecture {
  /// Why this model cannot take samples of `inputShape` (`[C, H, W]`), or nil: channels and sides
  /// beyond ``InputLimits``, a ResNet's input other than 32 × 32, a LeNet-5 input under 12 × 12
  /// (its second pooling would have nothing left to pool).
  public func inputProblem(_ inputShape: [Int]) -> String? {
    let text = inputShape.map(String.init).joined(separator: "×")
    guard inputShape.count == 3 else { return "\(text): expected 3 dimensions (channels, height, width)" }
    if takesSeries {
      guard inputShape[1] == 1, (1...TimeSeriesFile.dimensionLimit).contains(inputShape[0]),
        inputShape[0] * inputShape[2] <= InputLimits.sampleValues
      else { return "\(text): \(description) takes time series (D×1×L, from a .ts data set)" }
      return nil
    }
    guard (1...InputLimits.inputChannels).contains(inputShape[0]) else {
      return "\(text): expected 1 to \(InputLimits.inputChannels) channels"
    }
    guard inputShape[1...].allSatisfy({ (1...InputLimits.imageSide).contains($0) }) else {
      return "\(text): expected 1 to \(InputLimits.imageSide) rows and columns"
    }
    switch self {
    case .resnet where inputShape[1...] != [32, 32]: return "\(text): a ResNet takes 32×32 inputs"
    case .lenet where inputShape[1] < 12 || inputShape[2] < 12: return "\(text): LeNet-5 needs 12×12 or more"
    default: return nil
    }
  }
}
