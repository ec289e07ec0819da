/// The models `cnnswift` builds: LeNet-5, the LeNet MLP, and the CIFAR ResNets of He et al.
public enum Architecture: Sendable, Equatable, CustomStringConvertible {
  /// LeNet-5: conv 6@5x5 pad 2, max pool 2, conv 16@5x5, max pool 2, dense 120, 84, 10.
  case lenet
  /// The multi-layer perceptron of Park et al.: 784-512-256-10.
  case mlp
  /// ResNet-L for 32×32 inputs: 3 stages of n residual blocks with 16, 32 and 64 channels,
  /// parameter-free shortcuts, L = 6n + 2.
  case resnet(layers: Int)

  /// The names `--model` accepts.
  public static let names = ["lenet", "mlp", "resnet"]

  /// `--model NAME [--layers L]`, checked: an unknown name or an invalid depth throws a message
  /// that lists what is valid.
  public init(name: String, layers: Int?) throws(ArchitectureError) {
    switch name.lowercased() {
    case "lenet", "lenet5", "lenet-5":
      self = .lenet
    case "mlp":
      self = .mlp
    case "resnet":
      let depth = layers ?? 20
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

  /// Whether a CIFAR ResNet can have `depth` layers (6n + 2, n ≥ 1).
  public static func isValidResNetDepth(_ depth: Int) -> Bool { depth >= 8 && (depth - 2) % 6 == 0 }

  /// 8, 14, 20, 26, 32, …
  public static var validResNetDepths: [Int] { (1...20).map { 6 * $0 + 2 } }

  /// Residual blocks per stage of a ResNet: n = (L − 2) / 6.
  public var blocksPerStage: Int? {
    if case .resnet(let layers) = self { return (layers - 2) / 6 }
    return nil
  }

  /// The input one sample must have, given the data's sample shape `[C, H, W]`: the ResNets
  /// take 32×32 (28×28 images are padded), LeNet and the MLP take the data as it is.
  public func inputShape(forData shape: [Int]) -> [Int] {
    switch self {
    case .lenet, .mlp: shape
    case .resnet: [shape[0], 32, 32]
    }
  }

  /// The `--model` name: `lenet`, `mlp` or `resnet`.
  public var name: String {
    switch self {
    case .lenet: "lenet"
    case .mlp: "mlp"
    case .resnet: "resnet"
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
    }
  }
}

/// An unknown model or an invalid depth.
public struct ArchitectureError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}
