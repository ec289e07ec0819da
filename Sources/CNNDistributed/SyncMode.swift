/// When data-parallel ranks make their models agree (`--sync`).
public enum SyncMode: Sendable, Equatable, CustomStringConvertible {
  /// Gradients averaged with an allreduce after every batch: synchronous SGD, the same weights
  /// on every rank at every step.
  case batch
  /// Weights (and batch-norm statistics) averaged every `n` batches; ranks train on their own
  /// shards in between.
  case every(Int)
  /// Weights averaged at the end of every epoch.
  case epoch
  /// Weights averaged once, at the end of training (the paper's asynchronous method).
  case end

  /// Parses `batch`, `every:N`, `epoch` or `end`; `nil` for anything else.
  public init?(parsing text: String) {
    switch text.lowercased() {
    case "batch": self = .batch
    case "epoch": self = .epoch
    case "end": self = .end
    default:
      guard text.lowercased().hasPrefix("every:"), let n = Int(text.dropFirst(6)), n >= 1 else { return nil }
      self = n == 1 ? .batch : .every(n)
    }
  }

  public var description: String {
    switch self {
    case .batch: "batch"
    case .every(let n): "every:\(n)"
    case .epoch: "epoch"
    case .end: "end"
    }
  }

  /// The accepted spellings, for messages.
  public static let spellings = "batch, every:N, epoch or end"
}
