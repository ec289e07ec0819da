/// What updates a network's trainable parameters from their accumulated gradients: ``SGD`` or ``Adam``.
///
/// Each keeps a state per parameter (SGD's velocity, Adam's two moments), `stateValuesPerValue` values for each
/// value of the parameter, which a checkpoint stores so that a resumed run continues to the same weights.
public protocol Optimizer: AnyObject {
  /// The values of state kept per value of a parameter: 1 for SGD's velocity, 2 for Adam's moments.
  var stateValuesPerValue: Int { get }
  /// The steps taken (Adam's bias correction counts them); a resumed run sets it to the checkpoint's.
  var steps: Int { get set }
  /// One update of every trainable parameter from its accumulated gradient (which it leaves as is), at
  /// `learningRate`.
  func step(parameters: [Parameter], learningRate: Float)
  /// The state of `parameter` (zeros before its first step): `stateValuesPerValue` blocks of its value's count.
  func state(of parameter: Parameter) -> [Float]
  /// Replaces the state of `parameter` (as ``state(of:)`` gives it), when resuming from a checkpoint.
  func setState(_ state: ArraySlice<Float>, of parameter: Parameter)
}

/// The state an optimizer keeps for each parameter it has seen, by identity: `valuesPerValue` blocks of the
/// parameter's count, one after another. The parameters are retained so that an identity is never reused by
/// another object.
struct ParameterStates {
  let valuesPerValue: Int
  private var slots: [ObjectIdentifier: Int] = [:]
  private var owners: [Parameter] = []
  private var states: [[Float]] = []

  init(valuesPerValue: Int) { self.valuesPerValue = valuesPerValue }

  /// The state of `parameter`, zeros when it was never seen.
  func state(of parameter: Parameter) -> [Float] {
    slots[ObjectIdentifier(parameter)].map { states[$0] }
      ?? [Float](repeating: 0, count: valuesPerValue * parameter.value.count)
  }

  mutating func setState(_ state: ArraySlice<Float>, of parameter: Parameter) {
    precondition(
      state.count == valuesPerValue * parameter.value.count,
      "\(parameter.name): an optimizer state of \(state.count) values for \(parameter.value.count) values")
    states[slot(for: parameter)] = Array(state)
  }

  /// Calls `body` with the state of `parameter` (made of zeros on first use), to update in place.
  mutating func update(_ parameter: Parameter, _ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
    let slot = slot(for: parameter)
    states[slot].withUnsafeMutableBufferPointer { body($0) }
  }

  private mutating func slot(for parameter: Parameter) -> Int {
    if let slot = slots[ObjectIdentifier(parameter)] { return slot }
    slots[ObjectIdentifier(parameter)] = states.count
    owners.append(parameter)
    states.append([Float](repeating: 0, count: valuesPerValue * parameter.value.count))
    return states.count - 1
  }
}

/// The optimizers `cnnswift train --optimizer` offers.
public enum OptimizerKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case sgd, adam

  /// `sgd, adam`: for messages.
  public static let spellings = allCases.map(\.rawValue).joined(separator: ", ")

  /// The values of state an optimizer of this kind keeps per value of a parameter (see
  /// ``Optimizer/stateValuesPerValue``).
  public var stateValuesPerValue: Int { self == .sgd ? 1 : 2 }

  /// The learning rate a run uses when none is given: PyTorch's examples' 0.01 for SGD, Adam's paper's 0.001.
  public var defaultLearningRate: Double { self == .sgd ? 0.01 : 0.001 }

  /// A new optimizer of this kind (`momentum` is SGD's alone).
  public func make(momentum: Float, weightDecay: Float) -> any Optimizer {
    switch self {
    case .sgd: SGD(momentum: momentum, weightDecay: weightDecay)
    case .adam: Adam(weightDecay: weightDecay)
    }
  }

  public var description: String { rawValue }
}
